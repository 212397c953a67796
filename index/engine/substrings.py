"""Substrings answered from the term dictionary: `Contains(field, text)` matches every indexed word of the
field that contains `text` and is longer (人民共和国 finds 中华人民共和国, 张某某 finds 张某某说), so no
character-gram postings are needed for text jieba cuts into known words.

Each segment's word list is kept as one newline-joined string (built on first use, segments never change), so
finding the words that contain a string is one C-level scan, not a Python loop over the lexicon.
"""
from __future__ import annotations

from whoosh.query import PatternQuery

MAX_EXPANSION = 512  # words one substring expands to per segment and field (a one-character query hits thousands)
_CACHE_ENTRIES = 512  # (segment, field) word lists kept
_lexicons: dict[tuple[str, str], str] = {}


def lexicon_text(reader, fieldname: str) -> str:
    """The field's words in `reader` (one segment), newline-separated, with a newline before the first."""
    segment = reader.segment() if hasattr(reader, "segment") else None
    key = (segment.segment_id(), fieldname) if segment is not None else None
    text = _lexicons.get(key) if key is not None else None
    if text is None:
        if fieldname in reader.schema:
            words = (word.decode("utf-8") for word in reader.lexicon(fieldname))
            text = "\n" + "\n".join(words) + "\n"
        else:
            text = "\n"
        if key is not None:
            if len(_lexicons) >= _CACHE_ENTRIES:
                _lexicons.pop(next(iter(_lexicons)))
            _lexicons[key] = text
    return text


def words_containing(lexicon: str, text: str, limit: int = MAX_EXPANSION) -> list[str]:
    """The words of a newline-joined lexicon that contain `text` and are longer (the word itself is the
    query's own term), in lexicon order, at most `limit`."""
    if not text or "\n" in text:
        return []
    found: list[str] = []
    at = lexicon.find(text)
    while at != -1 and len(found) < limit:
        start = lexicon.rfind("\n", 0, at) + 1
        end = lexicon.find("\n", at)
        if end == -1:
            end = len(lexicon)
        if end - start > len(text):
            found.append(lexicon[start:end])
        at = lexicon.find(text, end)  # the next word: `end` is past this one, so the scan always advances
    return found


class Contains(PatternQuery):
    """The words of `fieldname` that contain `text`, each scored as its own term (BM25), `boost` on all."""

    def __init__(self, fieldname, text, boost=1.0, constantscore=False):
        super().__init__(fieldname, text, boost=boost, constantscore=constantscore)

    def _btexts(self, ixreader):
        return [word.encode("utf-8") for word in words_containing(lexicon_text(ixreader, self.fieldname), self.text)]
