"""bytes → str for text-like files, in any common Chinese encoding.

Order: BOM → strict UTF-8 → a declared charset (verified) → charset-normalizer's guesses among the Chinese
encodings files actually come in, then our fixed list (GB18030, Big5-HKSCS, UTF-16 without BOM), the most
plausible decoding winning (the detector's order breaks ties) → UTF-8 with a few damaged bytes replaced. A decoding is plausible when
its characters are printable and its non-ASCII characters are mostly common Chinese characters and
punctuation: a wrong encoding still "decodes" GBK bytes as Big5 (or Big5 as GB18030), but into rare
characters, kana and private-use code points, which this check rejects. GB2312/GBK are widened to GB18030
(a strict superset), so a rare character never turns into mojibake. Terminal escapes (ESC[31m…) and control
characters are removed from every decoding before it is judged, so a captured console log still reads as text.
"""
from __future__ import annotations

import codecs
import re
from dataclasses import dataclass
from functools import cached_property, lru_cache
from importlib import resources

from charset_normalizer import from_bytes

from ingest.errors import DecodeError

BOMS = (
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
# Tried after UTF-8 when nothing (or something wrong) is declared, in this order of preference on a tie.
FALLBACK_ENCODINGS = ("gb18030", "big5hkscs", "utf-16-le", "utf-16-be")
# What the detector may propose: limiting it to encodings Chinese files use keeps it from "finding" cp1252.
DETECTOR_ENCODINGS = ["gb18030", "gbk", "gb2312", "big5", "big5hkscs", "utf_16_le", "utf_16_be"]
# The detector reads a prefix; beyond this it adds time, not certainty.
DETECTOR_SAMPLE_BYTES = 64 * 1024
WIDEN = {"gb2312": "gb18030", "gbk": "gb18030", "cp936": "gb18030", "big5": "big5hkscs", "cp950": "big5hkscs"}
# Share of characters that must be printable (or whitespace) for a decoding to count as text.
MIN_PRINTABLE_RATIO = 0.97
# Share of non-ASCII characters that must be common Chinese characters or punctuation.
MIN_COMMON_RATIO = 0.6
# UTF-8 with at most this share of undecodable bytes is read with those bytes replaced.
MAX_DAMAGED_UTF8_SHARE = 0.001
# Plausibility is judged on a prefix: enough to be sure, cheap on large files.
SAMPLE_CHARS = 20000
# Terminal colour/cursor sequences (CSI "ESC[…m", OSC "ESC]…BEL", two-byte ESC x) that console captures carry.
ANSI_ESCAPE = re.compile(r"\x1b(?:[()*+][0-9A-Za-z]|\[[0-?]*[ -/]*[@-~]|\][^\x07\x1b]*(?:\x07|\x1b\\)?|[@-Z\\-_])")
# Control characters that are neither whitespace nor NUL (NUL marks a binary file and is judged as such).
CONTROL = re.compile(r"[\x01-\x08\x0b\x0e-\x1f\x7f-\x9f]")
# Non-ASCII punctuation and symbols ordinary Chinese text uses (besides the full-width ASCII forms).
COMMON_SYMBOLS = set("。,、;:?!“”‘’()《》〈〉【】〔〕「」『』—–…·•●■□◆◇▲△○★☆※×÷±°℃%‰№§　〇～")


@dataclass(frozen=True)
class Decoding:
    text: str

    @cached_property
    def score(self) -> float:
        """Share of non-ASCII characters that are common; 1.0 for pure ASCII. Only asked of a non-UTF-8 file's
        candidate decodings, so valid UTF-8 (nearly every file) is not counted character by character."""
        return common_ratio(self.text[:SAMPLE_CHARS])


def normalize_encoding(name: str) -> str:
    key = codecs.lookup(name).name
    return WIDEN.get(key, key)


def decode_bytes(data: bytes, path: str, declared: str | None = None) -> str:
    """Decode `data` or raise DecodeError naming `path`.

    `declared` is what the file says about itself (HTML meta charset); it is used only when the text it
    produces is plausible, so a wrong declaration falls back to detection instead of yielding mojibake.
    """
    for bom, encoding in BOMS:
        if data.startswith(bom):
            return _strict(data, encoding, path)
    utf8 = _attempt(data, "utf-8")
    if utf8 is not None and _printable_ratio(utf8.text[:SAMPLE_CHARS]) >= MIN_PRINTABLE_RATIO:
        return utf8.text  # valid UTF-8 of any length is almost never an accident
    if declared:
        try:
            encoding = normalize_encoding(declared)
        except LookupError:
            encoding = None
        found = _attempt(data, encoding) if encoding else None
        if found is not None and is_plausible(found.text):
            return found.text
    candidates = [found for encoding in _candidate_encodings(data) if (found := _attempt(data, encoding))]
    plausible = [found for found in candidates if is_plausible(found.text)]
    if plausible:
        return max(plausible, key=lambda found: found.score).text
    damaged = _damaged_utf8(data)
    if damaged is not None:
        return damaged
    if b"\x00" in data:
        raise DecodeError(path, "文件含有空字节(NUL),不是文本文件")
    raise DecodeError(path, "无法识别文件编码(已尝试 UTF-8/UTF-16/GB18030/Big5),请另存为 UTF-8 后重试")


def _candidate_encodings(data: bytes) -> list[str]:
    """charset-normalizer's guesses first (best first), then our fixed list; widened and de-duplicated."""
    guesses = [match.encoding for match in from_bytes(data[:DETECTOR_SAMPLE_BYTES], cp_isolation=DETECTOR_ENCODINGS)]
    ordered: list[str] = []
    for encoding in [*guesses, *FALLBACK_ENCODINGS]:
        try:
            name = normalize_encoding(encoding)
        except LookupError:
            continue
        if name not in ordered:
            ordered.append(name)
    return ordered


def is_plausible(text: str) -> bool:
    """True when `text` reads like real (Chinese or ASCII) text rather than a wrong decoding."""
    sample = text[:SAMPLE_CHARS]
    if not sample.strip():
        return True
    return _printable_ratio(sample) >= MIN_PRINTABLE_RATIO and common_ratio(sample) >= MIN_COMMON_RATIO


def common_ratio(text: str) -> float:
    """Share of the non-ASCII characters that are common Chinese characters or punctuation."""
    common = _common_chars()
    foreign = [ch for ch in text if not ch.isascii()]
    if not foreign:
        return 1.0
    hits = sum(1 for ch in foreign if ch in common or ch in COMMON_SYMBOLS or "\uff01" <= ch <= "\uff5e")
    return hits / len(foreign)


def strip_controls(text: str) -> str:
    """Without terminal escapes and control characters (tabs, line breaks and NUL stay)."""
    return CONTROL.sub("", ANSI_ESCAPE.sub("", text))


def _attempt(data: bytes, encoding: str) -> Decoding | None:
    try:
        text = data.decode(encoding)
    except (UnicodeDecodeError, LookupError):
        return None
    if "\x00" in text:
        return None
    text = strip_controls(text)
    return Decoding(text)


def _damaged_utf8(data: bytes) -> str | None:
    """UTF-8 with a few broken bytes (a page cut mid-character, one bad paste): keep it, marking the damage
    with U+FFFD, rather than refuse a whole file for a handful of bytes."""
    text = strip_controls(data.decode("utf-8", errors="replace"))
    damage = text.count("\ufffd")
    if "\x00" in text or damage > max(1, len(data) * MAX_DAMAGED_UTF8_SHARE):
        return None
    if not is_plausible(text.replace("\ufffd", "")):
        return None
    return text


def _strict(data: bytes, encoding: str, path: str) -> str:
    try:
        return strip_controls(data.decode(encoding))
    except UnicodeDecodeError as error:
        raise DecodeError(path, f"按 {encoding} 解码失败(第 {error.start} 字节)") from None


def _printable_ratio(text: str) -> float:
    if not text:
        return 1.0
    if "".join(text.split()).isprintable():  # every character but whitespace printable (the usual case), at C speed
        return 1.0
    good = sum(1 for ch in text if ch.isprintable() or ch.isspace())  # isprintable() rejects U+3000, U+00A0
    return good / len(text)


@lru_cache(maxsize=1)
def _common_chars() -> frozenset[str]:
    lines = resources.files("ingest").joinpath("data/common_hanzi.txt").read_text(encoding="utf-8").splitlines()
    return frozenset("".join(line for line in lines if not line.startswith("#")))
