"""The one jieba segmenter: jieba's dictionary plus ours (data/userdict.txt) and every synonym-table form.

Indexing, queries, keyword extraction, ingest's word-boundary checks and the POS tagging that place, practice
and figure extraction rely on all cut text with this tokenizer, so they agree on what a word is. Text is folded
(fold.py) before it is cut.
"""
from __future__ import annotations

import threading
from collections.abc import Iterator
from typing import TYPE_CHECKING

from ingest.text.fold import fold
from ingest.text.synonyms import synonym_words
from ingest.text.wordlists import DATA_DIR, read_word_list

if TYPE_CHECKING:  # jieba (0.2 s) and its POS tables (0.7 s) load on first use, so `redprop --help` skips them
    import jieba
    import jieba.posseg

USER_DICTIONARY = DATA_DIR / "userdict.txt"
SYNONYM_WORD_FREQ = 3000  # synonym-table forms become words too, so a query and a passage cut them alike
# jieba's time grows faster than linearly on one long run without punctuation (a hostile or broken file);
# longer runs are segmented in pieces of at most this many characters, cut at a non-word character if possible.
MAX_SEGMENT_CHARS = 2000

_lock = threading.Lock()
_segmenter: jieba.Tokenizer | None = None
_pos_tagger: jieba.posseg.POSTokenizer | None = None
# Synonym-table forms are names of things (institutions, funds, roles); jieba would tag an unknown one "x".
SYNONYM_WORD_TAG = "n"


def segmenter() -> jieba.Tokenizer:
    """The process-wide jieba tokenizer with the domain dictionary loaded (built once, ~1 s)."""
    global _segmenter
    if _segmenter is None:
        with _lock:
            if _segmenter is None:
                import jieba

                tokenizer = jieba.Tokenizer()
                jieba.setLogLevel(60)
                tokenizer.initialize()
                for line in read_word_list(USER_DICTIONARY):
                    word, *rest = line.split()
                    freq = int(rest[0]) if rest and rest[0].isdigit() else None
                    tag = rest[-1] if rest and not rest[-1].isdigit() else None
                    tokenizer.add_word(fold(word), freq, tag)
                for word in synonym_words():
                    if not tokenizer.FREQ.get(word):
                        tokenizer.add_word(word, SYNONYM_WORD_FREQ, SYNONYM_WORD_TAG)
                _segmenter = tokenizer
    return _segmenter


def pos_tagger() -> jieba.posseg.POSTokenizer:
    """jieba's POS tagger over the one segmenter, so tagged words are the words the index holds."""
    global _pos_tagger
    if _pos_tagger is None:
        tokenizer = segmenter()
        with _lock:
            if _pos_tagger is None:
                import jieba.posseg  # only place, practice and figure extraction tag words; a query only cuts

                _pos_tagger = jieba.posseg.POSTokenizer(tokenizer)
    return _pos_tagger


def pos_cut(text: str) -> list[tuple[str, str]]:
    """(word, POS flag) pairs of folded `text`, in order; the words concatenate back to the folded text."""
    return [(pair.word, pair.flag) for pair in pos_tagger().cut(fold(text))]


def is_word_char(ch: str) -> bool:
    return ch.isalnum()


def tokens(source: str) -> Iterator[tuple[str, int, int]]:
    """jieba's (word, start, end) over folded `source`, fed in pieces of at most MAX_SEGMENT_CHARS."""
    tokenizer = segmenter()
    offset = 0
    while offset < len(source):
        end = min(offset + MAX_SEGMENT_CHARS, len(source))
        if end < len(source):
            cut = next((i for i in range(end - 1, offset + MAX_SEGMENT_CHARS // 2, -1)
                        if not is_word_char(source[i])), None)
            end = cut + 1 if cut is not None else end
        for word, start, stop in tokenizer.tokenize(source[offset:end], HMM=True):
            yield word, start + offset, stop + offset
        offset = end


def is_known(word: str) -> bool:
    """Whether the dictionary (jieba's own plus ours) has `word`."""
    return bool(segmenter().FREQ.get(fold(word)))
