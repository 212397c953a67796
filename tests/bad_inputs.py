"""Broken and hostile files, one generator per kind, shared by tests/test_bad_input.py and the report table.

Each case maps a file name to bytes. Cases that name a format-specific problem (encrypted PDF, non-zip DOCX)
apply to that format's extension; the generic ones are written under every extension we know of, so they
cover parsers that are registered later too.
"""
from __future__ import annotations

import io
import random
import zipfile

# Every extension a parser exists or is planned for; unregistered ones must fail as UnsupportedFormat.
EXTENSIONS = (".txt", ".md", ".html", ".htm", ".pdf", ".docx", ".jsonl")
PHRASE = "社区党委牵头成立业主委员会"
SENTENCE = f"{PHRASE},推动红色物业服务进小区。"


def _random_bytes(size: int, seed: int = 7) -> bytes:
    return random.Random(seed).randbytes(size)


def generic_cases() -> dict[str, bytes]:
    """Content that must fail under any extension: nothing to index, or not text at all."""
    return {
        "empty": b"",
        "whitespace": " \n\t\r\n\u3000 \n".encode(),
        "random": _random_bytes(8192),
        "nul": b"\x00" * 4096,
    }


def pdf_bytes(text: str | None, encrypt: str | None = None) -> bytes:
    """A one-page PDF with Chinese text (a CID font reportlab ships), or only drawings when text is None."""
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen import canvas

    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    buffer = io.BytesIO()
    page = canvas.Canvas(buffer, encrypt=encrypt)
    if text is None:
        for step in range(20):
            page.rect(50 + step * 10, 400 + step * 10, 200, 100, fill=1)
    else:
        page.setFont("STSong-Light", 14)
        for row, line in enumerate(text.split("\n")):
            page.drawString(60, 760 - 24 * row, line)
    page.save()
    return buffer.getvalue()


def zip_bytes(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def docx_bomb(unpacked_bytes: int) -> bytes:
    """A 'DOCX' whose document.xml inflates to `unpacked_bytes` (a zip bomb) next to a traversal member."""
    body = b'<?xml version="1.0"?><w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
    body += b"<w:body><w:p><w:r><w:t>" + b" " * unpacked_bytes + b"</w:t></w:r></w:p></w:body></w:document>"
    return zip_bytes({"[Content_Types].xml": b"<Types/>", "word/document.xml": body, "../../escaped.txt": b"x"})


def specific_cases() -> dict[str, tuple[str, bytes]]:
    """case id → (extension, bytes) for problems that belong to one format."""
    valid_pdf = pdf_bytes(f"标题:红色物业\n{SENTENCE}")
    return {
        "pdf-truncated": (".pdf", valid_pdf[: len(valid_pdf) // 2]),
        "pdf-encrypted": (".pdf", pdf_bytes(SENTENCE, encrypt="secret")),
        "pdf-image-only": (".pdf", pdf_bytes(None)),
        "pdf-header-only": (".pdf", b"%PDF-1.7\n%%EOF\n"),
        "docx-not-zip": (".docx", SENTENCE.encode()),
        "docx-zip-without-document": (".docx", zip_bytes({"hello.txt": SENTENCE.encode()})),
        "docx-bomb-and-traversal": (".docx", docx_bomb(150 * 2**20)),
        "html-deeply-nested": (".html", ("<html><body>" + "<div>" * 100_000 + f"<p>{SENTENCE}</p>"
                                         + "</div>" * 100_000 + "</body></html>").encode()),
        "html-unclosed-tags": (".html", f"<html><body><p>{SENTENCE}<p><b><i>{SENTENCE}".encode()),
        "jsonl-broken-lines": (".jsonl", b'{"title": "x", "text": "' + SENTENCE.encode() + b'"}\n{not json\n\x00\x01\n'),
        "jsonl-no-text-fields": (".jsonl", b'{"a": 1}\n{"b": [1, 2]}\n'),
        "txt-nul-inside": (".txt", f"标题\n{SENTENCE}\x00{SENTENCE}".encode()),
        "txt-latin1-garbage": (".txt", bytes(range(0x80, 0x100)) * 16),
    }


def charset_cases() -> dict[str, tuple[str, bytes]]:
    """Correct text in awkward encodings: each must ingest with PHRASE intact (or fail clearly)."""
    text = f"红色物业简报\n{SENTENCE}\n"
    html_body = f"<html><head>{{meta}}<title>红色物业简报</title></head><body><p>{SENTENCE}</p></body></html>"
    return {
        "txt-gbk-undeclared": (".txt", text.encode("gbk")),
        "txt-gb18030-rare-chars": (".txt", (text + "㐀䶵𠀀\n").encode("gb18030")),
        "txt-big5": (".txt", "紅色物業簡報\n社區黨委牽頭成立業主委員會,推動紅色物業服務進小區。\n".encode("big5")),
        "txt-utf16-bom": (".txt", text.encode("utf-16")),
        "txt-utf16le-no-bom": (".txt", text.encode("utf-16-le")),
        "txt-utf8-bom": (".txt", text.encode("utf-8-sig")),
        "md-gbk": (".md", f"# 红色物业简报\n\n{SENTENCE}\n".encode("gbk")),
        "html-declared-utf8-but-gbk": (".html", html_body.format(meta='<meta charset="utf-8">').encode("gbk")),
        "html-no-charset-gbk": (".html", html_body.format(meta="").encode("gbk")),
        "html-bogus-charset": (".html", html_body.format(meta='<meta charset="x-no-such-charset">').encode("utf-8")),
        "jsonl-gbk": (".jsonl", ('{"title": "红色物业简报", "text": "' + SENTENCE + '"}\n').encode("gbk")),
        # A console capture: colour escapes and a stray bell/backspace around ordinary UTF-8 text.
        "txt-ansi-colours": (".txt", f"\x1b[1;31m红色物业简报\x1b[0m\n\x1b[32m{SENTENCE}\x1b[0m\x07\x08\n".encode()),
        "txt-gbk-ansi-colours": (".txt", f"\x1b[33m红色物业简报\x1b[m\n{SENTENCE}\x1b]0;终端标题\x07\n".encode("gbk")),
    }


def odd_names() -> dict[str, bytes]:
    """case id → a file name (raw bytes) a file system can hold but that is awkward as text."""
    return {
        "gbk-from-windows-zip": "红色物业简报.txt".encode("gbk"),
        "latin1-byte": b"r\xe9sum\xe9.txt",
        "newline-and-escape": "简报\n\x1b[31m第二行.txt".encode(),
    }


def nested_html(depth: int) -> bytes:
    """A page of `depth` nested <div>s around one real paragraph."""
    return ("<html><body>" + "<div>" * depth + f"<p>{SENTENCE}</p>" + "</div>" * depth + "</body></html>").encode()


def megabyte_line(extension: str) -> bytes:
    """About a megabyte of text on one line with no punctuation at all."""
    words = "社区党委 物业服务企业 业主委员会 红色物业 居民议事 小区治理 网格员 志愿服务".replace(" ", "")
    line = (words * (2**20 // (3 * len(words)) + 1))[: 2**20 // 3]
    if extension in (".html", ".htm"):
        return f"<html><body><p>{line}</p></body></html>".encode()
    if extension == ".jsonl":
        return ('{"title": "长行", "text": "' + line + '"}\n').encode()
    return f"长行测试\n{line}\n".encode()
