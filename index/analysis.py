"""Chinese analysis for indexing and queries: jieba + the domain dictionary, folded text, char offsets.

Two token streams:
- words: jieba's accurate mode gives one token per word (positions count these words); every dictionary
  word inside a longer word is emitted too, at the same position, so 物业 matches 物业管理 and 红色物业
  matches 齐鲁红色物业 while a quoted phrase still sees consecutive positions.
- grams: a character with its successor (bigrams) at character positions, the fallback that finds names jieba
  does not know. A passage's body carries them only where jieba is unsure (`unsure_grams`: unknown words and
  runs of single characters, with the words either side); a substring inside a known word (人民共和国 in
  中华人民共和国) is found from the term dictionary instead (index/engine/substrings.py). Titles, indexed once
  per document, keep every gram.

Both work on `fold(text)`, which has the same length as the text, so offsets point at the original characters.
Words come from the one segmenter (ingest/text/segmenter.py); the Whoosh tokenizers that feed these streams to
the index are in index/engine/tokenizers.py. No Whoosh here.
"""
from __future__ import annotations

import re
from functools import lru_cache
from itertools import compress
from typing import NamedTuple

from ingest.text.fold import fold
from ingest.text.segmenter import cut_words, is_word_char, segmenter
from ingest.text.wordlists import DATA_DIR, read_word_list

STOPWORDS_FILE = DATA_DIR / "stopwords.txt"
MAX_SUBWORD_SOURCE = 12  # longer "words" are OCR junk or digit runs; don't expand them
SUBWORD_CACHE_SIZE = 65536  # words whose sub-words are remembered per process (a few hundred bytes each)
MAX_REMEMBERED_WORDS = 100_000  # words whose unsureness `unsure_grams` remembers per process (~100 bytes each)


class Term(NamedTuple):
    """A NamedTuple, not a frozen dataclass: one is made per token and sub-word of every passage indexed, and a
    frozen dataclass sets each field through object.__setattr__, more than twice a tuple's making."""

    text: str
    pos: int
    start: int
    end: int
    main: bool  # False for a dictionary word found inside a longer word


@lru_cache(maxsize=1)
def stopwords() -> frozenset[str]:
    if not STOPWORDS_FILE.exists():
        return frozenset()
    return frozenset(fold(word) for word in read_word_list(STOPWORDS_FILE))


def analyze(text: str, *, folded: bool = False) -> list[Term]:
    """Word terms of `text` with token positions and character offsets into `text`."""
    if not text:  # a passage's empty heading or lead: no cut to set up
        return []
    source = text if folded else fold(text)
    return _words(*cut_words(source))


def analyze_with_grams(text: str, *, folded: bool = False) -> tuple[PreAnalyzed, list[Term]]:
    """The folded text carrying its cut (its word terms made when asked: `PreAnalyzed`) and the grams where jieba
    is unsure (`unsure_grams`), from one segmentation of `text`."""
    source = text if folded else fold(text)
    words, bounds = cut_words(source)
    return PreAnalyzed(source, cut=(words, bounds)), unsure_grams(source, words, bounds)


def _words(words: list[str], bounds: list[int]) -> list[Term]:
    """The terms of a cut (`cut_words`). Terms are made by tuple.__new__, as Term() does, without the Python frame of
    Term's __new__: a term is made per word and sub-word of every passage."""
    terms: list[Term] = []
    append = terms.append
    new = tuple.__new__
    pos = 0
    for word, start, end in zip(words, bounds, bounds[1:]):
        if not word.isalnum():  # most tokens are letters, digits and characters only: one C call says so
            if not any(map(is_word_char, word)):
                if not word.isspace():
                    pos += 1  # punctuation breaks phrases
                continue
            word = word.strip()
        append(new(Term, (word, pos, start, end, True)))
        if 2 < len(word) <= MAX_SUBWORD_SOURCE:
            for sub, offset in subwords(word):
                append(new(Term, (sub, pos, start + offset, start + offset + len(sub), False)))
        pos += 1
    return terms


def word_positions(words: list[str]) -> dict[str, list[int]]:
    """The positions of each word term of a cut (`cut_words`'s words), in the order the terms first occur: what
    `_words` gives, grouped by text, without making a Term per word and sub-word (ingest's workers need the
    postings alone). The same rules as `_words`; tests/test_analysis.py checks the two agree."""
    positions: dict[str, list[int]] = {}
    found_at = positions.get
    pos = 0
    for word in words:
        if not word.isalnum():
            if not any(map(is_word_char, word)):
                if not word.isspace():
                    pos += 1
                continue
            word = word.strip()
        found = found_at(word)
        if found is None:
            positions[word] = [pos]
        else:
            found.append(pos)
        if 2 < len(word) <= MAX_SUBWORD_SOURCE:
            for sub, _ in subwords(word):
                found = found_at(sub)
                if found is None:
                    positions[sub] = [pos]
                else:
                    found.append(pos)
        pos += 1
    return positions


def term_positions(terms: list[Term]) -> dict[str, list[int]]:
    """The positions of each term, in the order the terms first occur."""
    positions: dict[str, list[int]] = {}
    for text, pos, _, _, _ in terms:
        found = positions.get(text)
        if found is None:
            positions[text] = [pos]
        else:
            found.append(pos)
    return positions


@lru_cache(maxsize=SUBWORD_CACHE_SIZE)
def subwords(word: str) -> tuple[tuple[str, int], ...]:
    """The dictionary words inside `word` (not itself), longest first, each with its offset in `word`. Remembered
    per word: a passage repeats its words, and the same words recur across documents."""
    freq = segmenter().FREQ
    return tuple((word[offset : offset + size], offset) for size in range(len(word) - 1, 1, -1)
                 for offset in range(len(word) - size + 1) if freq.get(word[offset : offset + size]))


def query_words(text: str) -> list[str]:
    """The main words of a query, stop words removed (unless nothing else is left)."""
    words = [term.text for term in analyze(text) if term.main]
    kept = [word for word in words if word not in stopwords()]
    return kept or words


def components(word: str) -> list[str]:
    """The shortest dictionary words that tile a compound, left to right (物业行业党委 → 物业 行业 党委).

    Lets a query for a compound also find text that uses its parts apart (行业党委 … 物业企业). Characters
    no dictionary word starts at are skipped; a word that cannot be split returns [].
    """
    source = fold(word)
    freq = segmenter().FREQ
    parts: list[str] = []
    index = 0
    while index < len(source):
        size = next((n for n in range(2, len(source) - index + 1) if freq.get(source[index : index + n])), 0)
        if size == 0 or size == len(source):
            index += 1
            continue
        parts.append(source[index : index + size])
        index += size
    return parts if len(parts) > 1 else []


def grams(text: str, *, folded: bool = False) -> list[Term]:
    """Each letter, digit or CJK character with its successor (a bigram); the last of a run alone.

    One term per character keeps the fallback field small (unigrams and bigrams doubled it); a substring of
    two or more characters is the phrase of its bigrams, one character is the prefix of a term. Positions are
    character offsets, so the bigrams of a substring stand at consecutive positions.
    """
    source = text if folded else fold(text)
    terms: list[Term] = []
    length = len(source)
    for index, ch in enumerate(source):
        if not is_word_char(ch):
            continue
        pair = index + 1 < length and is_word_char(source[index + 1])
        end = index + 2 if pair else index + 1
        terms.append(Term(source[index:end], index, index, end, True))
    return terms


def unsure_grams(source: str, words: list[str], bounds: list[int]) -> list[Term]:
    """The grams (as `grams` makes them) of the stretches of a cut (`cut_words`) where jieba's cut may not be the
    reader's: a word the dictionary does not know (a name: 张某某) or two or more single characters in a row (a
    name cut into characters), each with the words either side, so a name is found whichever way a neighbour took
    its edge. A lone single character (的, 在) is a word like any other: the word fields find it."""
    unsure = list(map(_UNSURE.__getitem__, words))
    count = len(words)
    covered = bytearray(len(source))
    for i in compress(range(count), unsure):
        if len(words[i]) == 1 and not (i > 0 and unsure[i - 1]) and not (i + 1 < count and unsure[i + 1]):
            continue
        start, end = bounds[max(i - 1, 0)], bounds[min(i + 2, count)]  # the word and its neighbours
        covered[start:end] = b"\x01" * (end - start)
    terms: list[Term] = []
    index = covered.find(1)  # most of a passage is not covered: jump from one covered character to the next
    while index >= 0:
        if is_word_char(source[index]):
            pair = index + 1 < len(source) and covered[index + 1] and is_word_char(source[index + 1])
            end = index + 2 if pair else index + 1
            terms.append(Term(source[index:end], index, index, end, True))
        index = covered.find(1, index + 1)
    return terms


class _UnsureWords(dict):
    """word → whether `unsure_grams` counts it unsure: one CJK character, or a longer word with a CJK character
    that the dictionary does not know. Filled on first sight of each word, so a cut's words are looked up at C
    speed in a table of the words seen (far smaller than the dictionary) rather than tested one by one."""

    def __missing__(self, word: str) -> bool:
        if len(word) == 1:
            unsure = is_cjk(word)
        else:
            unsure = not segmenter().FREQ.get(word) and CJK_CHAR.search(word) is not None
        if len(self) < MAX_REMEMBERED_WORDS:
            self[word] = unsure
        return unsure


_UNSURE = _UnsureWords()


def gram_phrases(text: str) -> list[list[str]]:
    """Per run of letters, digits or CJK characters in `text`: the bigrams a substring match must show at
    consecutive positions, or the single character (matched as a prefix of a term)."""
    source = fold(text)
    return [[run] if len(run) == 1 else [run[i : i + 2] for i in range(len(run) - 1)]
            for run in re.findall(r"[^\W_]+", source)]


CJK_CHAR = re.compile("[\u4e00-\u9fff\u3400-\u4dbf\uf900-\ufaff]")  # the ranges of `is_cjk`


def is_cjk(ch: str) -> bool:
    return "\u4e00" <= ch <= "\u9fff" or "\u3400" <= ch <= "\u4dbf" or "\uf900" <= ch <= "\ufaff"


class PreAnalyzed(str):
    """A field value that carries its terms, or the cut they come from, so the index writer need not segment it
    again.

    `document_fields` analyses once per field value; ingest's workers then turn the terms into postings
    (index/engine/postings.py), so the writer only files them. A passage's text carries its cut (`cut_words`'s
    words and bounds): the workers group its words' positions straight from it (`positions`), and its Term list,
    which Whoosh's own writer reads (index/engine/tokenizers.py), is made only if that path asks.
    """

    def __new__(cls, text: str, terms: list[Term] | tuple = (), cut: tuple[list[str], list[int]] | None = None):
        value = super().__new__(cls, text)
        value.cut = cut
        value._terms = None if cut is not None else list(terms)
        return value

    @property
    def terms(self) -> list[Term]:
        if self._terms is None:
            self._terms = _words(*self.cut)
        return self._terms

    def positions(self) -> dict[str, list[int]]:
        """Each term's positions, in the order the terms first occur."""
        if self._terms is None:
            return word_positions(self.cut[0])
        return term_positions(self._terms)
