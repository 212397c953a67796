"""bytes → str for text-like files, in any common Chinese encoding.

Order: BOM → strict UTF-8 → a declared charset (verified) → charset-normalizer's best guess among the
encodings Chinese files actually use. GB2312/GBK guesses are widened to GB18030 (a strict superset), so a
rare character never turns into mojibake.
"""
from __future__ import annotations

import codecs

from charset_normalizer import from_bytes

from ingest.errors import DecodeError

BOMS = (
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
# Encodings Chinese documents come in; limiting the detector to these keeps it from "finding" cp1252.
CANDIDATE_ENCODINGS = ["gb18030", "big5", "utf_16", "utf_8"]
WIDEN = {"gb2312": "gb18030", "gbk": "gb18030", "cp936": "gb18030", "big5": "big5hkscs", "cp950": "big5hkscs"}
# Share of characters that must be CJK, letters, digits or punctuation for a guess to count as text.
MIN_TEXT_RATIO = 0.85
# Share of characters in the usual ranges (CJK, ASCII, CJK and full-width punctuation) for BOM-less UTF-16.
MIN_USUAL_UTF16_RATIO = 0.95


def normalize_encoding(name: str) -> str:
    key = codecs.lookup(name).name
    return WIDEN.get(key, key)


def decode_bytes(data: bytes, path: str, declared: str | None = None) -> str:
    """Decode `data` or raise DecodeError naming `path`."""
    for bom, encoding in BOMS:
        if data.startswith(bom):
            return _strict(data, encoding, path)
    if _looks_like_utf16(data):
        return _strict(data, "utf-16-le" if data[1] == 0 else "utf-16-be", path)
    if b"\x00" in data:
        text = _utf16_without_bom(data)
        if text is not None:
            return text
        raise DecodeError(path, "文件含有空字节(NUL),不是文本文件")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    if declared:
        try:
            text = data.decode(normalize_encoding(declared))
            if _is_plausible(text):
                return text
        except (LookupError, UnicodeDecodeError):
            pass
    best = from_bytes(data, cp_isolation=CANDIDATE_ENCODINGS).best()
    if best is not None:
        text = data.decode(normalize_encoding(best.encoding), errors="strict")
        if _is_plausible(text):
            return text
    for encoding in ("gb18030", "big5hkscs"):
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        if _is_plausible(text):
            return text
    raise DecodeError(path, "无法识别文件编码(已尝试 UTF-8/UTF-16/GB18030/Big5),请另存为 UTF-8 后重试")


def _strict(data: bytes, encoding: str, path: str) -> str:
    try:
        return data.decode(encoding)
    except UnicodeDecodeError as error:
        raise DecodeError(path, f"按 {encoding} 解码失败(第 {error.start} 字节)") from None


def _looks_like_utf16(data: bytes) -> bool:
    """UTF-16 without BOM: every other byte of ASCII-heavy text is NUL."""
    sample = data[:400]
    if len(sample) < 4 or len(sample) % 2:
        return False
    even_nuls = sample[0::2].count(0)
    odd_nuls = sample[1::2].count(0)
    half = len(sample) // 2
    return (odd_nuls > 0.4 * half and even_nuls == 0) or (even_nuls > 0.4 * half and odd_nuls == 0)


def _utf16_without_bom(data: bytes) -> str | None:
    """Chinese UTF-16 without BOM has few NULs (only its ASCII has them): accept it when nearly every character
    decoded is CJK, ASCII or CJK punctuation, which random binary data never is."""
    if len(data) % 2:
        return None
    for encoding in ("utf-16-le", "utf-16-be"):
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        usual = sum(1 for ch in text if ch.isascii() or "\u3000" <= ch <= "\u303f" or "\u4e00" <= ch <= "\u9fff"
                    or "\uff00" <= ch <= "\uffef")
        if text and "\x00" not in text and usual / len(text) >= MIN_USUAL_UTF16_RATIO and _is_plausible(text):
            return text
    return None


def _is_plausible(text: str) -> bool:
    if not text.strip():
        return True
    good = sum(1 for ch in text if ch.isprintable() or ch in "\r\n\t")
    cjk = sum(1 for ch in text if "\u4e00" <= ch <= "\u9fff")
    return good / len(text) >= MIN_TEXT_RATIO and (cjk > 0 or text.isascii())
