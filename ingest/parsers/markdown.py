"""Markdown: `#` headings kept as structure, front matter (`---` title/date/source/url `---`) read as
metadata, and the markup itself (emphasis, links, images, list and quote markers, tables) removed from text.
"""
from __future__ import annotations

import re
from pathlib import Path

from ingest.decode import decode_bytes
from ingest.models import Block, BlockKind, RawDocument
from ingest.parsers import register
from ingest.parsers.common import iso_date, squeeze

FRONT_MATTER = re.compile(r"\A\ufeff?---[ \t]*\n(.*?)\n(?:---|\.\.\.)[ \t]*(?:\n|\Z)", re.DOTALL)
FRONT_MATTER_FIELD = re.compile(r"^([A-Za-z_]+)\s*:\s*(.*?)\s*$")
# Markdown lines end at \n, \r\n or \r only: str.splitlines() also breaks at \x1c-\x1e, \x85 and \u2028/9, which
# Markdown treats as text (a file holding one read as two lines, and a paragraph that reads differently when written back).
LINE_BREAK = re.compile(r"\r\n|[\r\n]")
HEADING = re.compile(r"^(#{1,6})\s+(.*?)\s*#*\s*$")
IMAGE_ONLY = re.compile(r"^!\[([^\]]*)\]\([^)]*\)$")
BOLD_ONLY = re.compile(r"^(\*\*|__)(.+?)\1$")
# A bold-only line is a section heading, at the level of `###`.
BOLD_HEADING_LEVEL = 3
RULE = re.compile(r"^(?:[-*_]\s*){3,}$|^\|?\s*:?-{2,}:?\s*(?:\|\s*:?-{2,}:?\s*)*\|?$")
# Inline markup → its visible text, applied in this order.
INLINE = (
    (re.compile(r"!\[([^\]]*)\]\([^)]*\)"), ""),  # images inside a paragraph
    (re.compile(r"\[([^\]]+)\]\([^)]*\)"), r"\1"),  # [text](url)
    (re.compile(r"\[([^\]]+)\]\[[^\]]*\]"), r"\1"),  # [text][ref]
    (re.compile(r"<[^>\n]+>"), ""),  # inline HTML tags
    (re.compile(r"(\*\*|__)(.+?)\1"), r"\2"),
    (re.compile(r"(?<!\*)\*(?![\s*])(.+?)(?<![\s*])\*(?!\*)"), r"\1"),  # *emphasis*, also inside words
    (re.compile(r"(?<![A-Za-z0-9_])_(?!\s)(.+?)(?<!\s)_(?![A-Za-z0-9_])"), r"\1"),  # _emphasis_, not snake_case
    (re.compile(r"~~(.+?)~~"), r"\1"),
    (re.compile(r"`([^`]+)`"), r"\1"),
    (re.compile(r"\\([\\`*_{}\[\]()#+\-.!|>])"), r"\1"),  # backslash escapes
)
SETEXT_UNDERLINE = re.compile(r"^(?:=+|-+)$")
# Full-width forms are written as escapes so no editor can silently turn them into ASCII.
SENTENCE_END = "\u3002\uff01\uff1f!?\uff1b;\u2026\uff1a:\u201d\u2019\u300d\u300f)\uff09"
HTML_COMMENT = re.compile(r"<!--.*?-->", re.DOTALL)
LINE_MARKER = re.compile(r"^(?:>\s*)+|^(?:[-*+]|\d{1,3}[.)])\s+")
REFERENCE_DEFINITION = re.compile(r"^\[[^\]]+\]:\s*\S+")


@register(".md", ".markdown")
def parse_markdown(path: Path, data: bytes) -> list[RawDocument]:
    text = decode_bytes(data, str(path))
    meta, body = front_matter(text)
    return [RawDocument(
        source=path.name, path=str(path), blocks=markdown_blocks(body), fmt="md", title=meta.get("title"),
        date=iso_date(meta.get("date")) or meta.get("date"), publisher=meta.get("source") or meta.get("publisher"),
        url=meta.get("url"),
    )]


def front_matter(text: str) -> tuple[dict[str, str], str]:
    match = FRONT_MATTER.match(text)
    if not match:
        return {}, text
    meta = {}
    for line in match.group(1).splitlines():
        field = FRONT_MATTER_FIELD.match(line)
        if field and field.group(2):
            meta[field.group(1).lower()] = field.group(2).strip("'\"")
    return meta, text[match.end():]


def markdown_blocks(text: str) -> list[Block]:
    """Blocks in order. A line continues the paragraph above it when that one stops mid-sentence (a soft
    wrap); after a finished sentence it starts a new block, since many Chinese Markdown files put one
    paragraph per line without blank lines between them."""
    blocks: list[Block] = []
    joinable = False  # the last block is a paragraph a soft-wrapped line may continue
    for raw in LINE_BREAK.split(HTML_COMMENT.sub("", text)):
        line = squeeze(raw)
        setext = SETEXT_UNDERLINE.match(line)
        if setext and joinable:
            blocks[-1] = Block(blocks[-1].text, BlockKind.HEADING, 1 if setext.group(0)[0] == "=" else 2)
            joinable = False
            continue
        if not line or RULE.match(line) or REFERENCE_DEFINITION.match(line):
            joinable = False
            continue
        block = line_block(line)
        if block is None:
            continue
        continues = (joinable and block.kind == BlockKind.PARAGRAPH and not LINE_MARKER.match(line)
                     and not line.startswith("|") and blocks[-1].text[-1:] not in SENTENCE_END)
        if continues:
            blocks[-1].text = squeeze(blocks[-1].text + "\n" + block.text)
        else:
            blocks.append(block)
        joinable = block.kind == BlockKind.PARAGRAPH and not line.startswith("|")
    return blocks


def line_block(line: str) -> Block | None:
    if heading := HEADING.match(line):
        return Block(inline_text(heading.group(2)), BlockKind.HEADING, len(heading.group(1)))
    if image := IMAGE_ONLY.match(line):
        return Block(image.group(1).strip(), BlockKind.CAPTION) if image.group(1).strip() else None
    if bold := BOLD_ONLY.match(line):
        return Block(inline_text(bold.group(2)), BlockKind.HEADING, BOLD_HEADING_LEVEL)
    plain = inline_text(LINE_MARKER.sub("", line))
    if plain.startswith("|") or line.startswith("|"):
        plain = " ".join(cell.strip() for cell in plain.strip("|").split("|") if cell.strip())
    return Block(plain) if plain else None


def inline_text(text: str) -> str:
    for pattern, replacement in INLINE:
        text = pattern.sub(replacement, text)
    return text.strip()
