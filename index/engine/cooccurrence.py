"""The index read back as a passage × word matrix, for learning which words occur together (related terms).

The index already holds every passage's words (the `body` postings), so learning from the corpus costs one pass
over the postings of the words worth relating — no passage is segmented again. Passages are rows (their docnum),
words columns; a passage's document group (a repost and its original are one group) comes from the sortable
`group_id` column, so evidence is counted per document, not per copy.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from scipy import sparse

FIELD = "body"


@dataclass
class TermMatrix:
    words: list[str]  # column → word
    passages: sparse.csr_matrix  # passage (docnum) × word, 1 where the passage holds the word
    groups: np.ndarray  # docnum → document group ordinal
    total: int  # passages in the index (deleted ones excluded)


def term_matrix(searcher, wanted: Callable[[str], bool], min_passages: int, max_passages: int) -> TermMatrix:
    """The words of `body` that `wanted` accepts and that between `min_passages` and `max_passages` passages hold."""
    reader = searcher.reader()
    words: list[str] = []
    rows: list[np.ndarray] = []
    for term, info in reader.iter_field(FIELD):
        if not min_passages <= info.doc_frequency() <= max_passages:
            continue
        word = term.decode("utf-8") if isinstance(term, bytes) else term
        if not wanted(word):
            continue
        ids = np.fromiter(reader.postings(FIELD, term).all_ids(), dtype=np.int64)
        if len(ids) >= min_passages:  # deletions may have taken some
            words.append(word)
            rows.append(ids)
    size = reader.doc_count_all()
    columns = np.repeat(np.arange(len(words), dtype=np.int32), [len(ids) for ids in rows])
    docnums = np.concatenate(rows) if rows else np.zeros(0, dtype=np.int64)
    matrix = sparse.csr_matrix((np.ones(len(docnums), dtype=np.int32), (docnums, columns)),
                               shape=(size, len(words)))
    return TermMatrix(words, matrix, _groups(reader, size), reader.doc_count())


def _groups(reader, size: int) -> np.ndarray:
    """docnum → an ordinal of its group_id (reposts share their original's)."""
    values = list(reader.column_reader("group_id"))  # a sortable column (index/engine/schema.py)
    seen: dict = {}
    return np.fromiter((seen.setdefault(value, len(seen)) for value in values), dtype=np.int64, count=size)


def generation(searcher) -> int:
    """The index generation the searcher reads: what the learned terms were computed from."""
    return searcher.reader().generation()
