"""Sentence splitting and light normalisation shared by the case extractors.

News pages come from PDF/OCR: spaces inside Chinese words ("党支部书 记"), lines broken mid-sentence, captions
mixed with the body. Extractors work on normalised text; evidence quotes the normalised sentence.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from ingest.text.fold import fold
from ingest.text.segmenter import pos_cut, pos_tagger, segmenter

# A space between two CJK characters (or a CJK character and a digit) is an OCR artefact, not a word break.
CJK_GAP = re.compile(r"(?<=[\u4e00-\u9fff\d%“”\"])[ \u3000]+(?=[\u4e00-\u9fff\d“”\"])")
SENTENCE = re.compile(r"[^。!?！？;；…]*(?:[。!?！？;；…]+[”\"’]?|$)")
# Photo captions and credit lines: they name places but report no practice.
CAPTION = re.compile(
    r"(?:记者|通讯员|摄影)\s*[\u4e00-\u9fff]{2,3}(?:\s+[\u4e00-\u9fff]{2,3})*\s*摄\s*$|供图\s*$|(?:^|。)图为|^▶|^\(?本版"
    r"|^-\s*[①-⑩]|摄\s*$"
)
# Text every CAPTION alternative needs (keep in step with it): most passages hold none, and the pattern is
# then not tried at every character of them.
CAPTION_NEEDS = ("摄", "供图", "图为", "▶", "本版", "-")
BYLINE = re.compile(r"^(?:本报)?(?:记者|通讯员|文/|作者)[\s\u4e00-\u9fff/]{0,30}$")
SUBHEADING_NOT_END = "。!?！？;；…,，:：、"


@dataclass(frozen=True)
class Sentence:
    text: str
    passage_id: str
    start: int  # offset in the normalised passage text


def normalise(text: str) -> str:
    """OCR gaps removed; straight double quotes paired into “…” so quotations read the same everywhere."""
    if " " in text or "\u3000" in text:  # CJK_GAP's gaps: the pattern is otherwise tried at every character for none
        text = CJK_GAP.sub("", text)
    text = text.strip()
    if '"' in text:
        parts = text.split('"')
        text = "".join(part + ("“" if i % 2 == 0 else "”") for i, part in enumerate(parts[:-1])) + parts[-1]
    return text


# A "sentence" longer than this has no punctuation to speak of (a broken or hostile file): no case reads from it,
# and the extractors' patterns would take minutes on it.
MAX_SENTENCE_CHARS = 600


def sentences(text: str, passage_id: str) -> list[Sentence]:
    found = []
    for match in SENTENCE.finditer(text):
        piece = match.group(0).strip()
        if 2 <= len(piece) <= MAX_SENTENCE_CHARS:
            found.append(Sentence(piece, passage_id, match.start()))
    return found


def is_caption(text: str) -> bool:
    caption = any(map(text.__contains__, CAPTION_NEEDS)) and CAPTION.search(text)
    return bool(caption or BYLINE.match(text))


def is_subheading(text: str) -> bool:
    """A short line with no sentence end inside a body: a sub-heading of a news page ("小联盟撬动大治理")."""
    stripped = text.strip().rstrip("”\"’")
    return 4 <= len(stripped) <= 30 and stripped[-1] not in SUBHEADING_NOT_END and "。" not in stripped


def tag(text: str) -> list[tuple[str, str]]:
    """(word, POS flag) pairs cut by the one domain segmenter; the words are slices of `text` itself (folding keeps
    lengths), so names taken from them keep the page's own characters. A new list each call: callers pop words."""
    return list(_tagged(text))


@lru_cache(maxsize=4096)  # the extractors tag the same sentences and windows again (about one call in four)
def _tagged(text: str) -> tuple[tuple[str, str], ...]:
    pairs, start = [], 0
    for word, flag in pos_cut(text):
        pairs.append((text[start : start + len(word)], flag))
        start += len(word)
    return tuple(pairs)


def word_freq(word: str) -> int:
    """How common a word is in the segmenter's dictionary (jieba's plus the domain's); 0 when unknown."""
    return segmenter().FREQ.get(fold(word), 0)


def word_tag(word: str) -> str:
    """The dictionary's POS tag of a whole word ("" when the dictionary does not list it)."""
    return pos_tagger().word_tag_tab.get(fold(word), "")
