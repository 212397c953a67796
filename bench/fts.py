"""The embedded peer: the same corpus and queries through SQLite FTS5 (stdlib sqlite3), on jieba's tokens.

Documents are segmented with plain `jieba.cut` (the raw-jieba baseline of the same run) and stored as
space-separated tokens, which FTS5's unicode61 tokenizer keeps whole; a query word is segmented the same way
and matched as an FTS5 phrase. Facets are counted over the matching rows, like ours.
"""
from __future__ import annotations

import sqlite3
import time
from collections import Counter
from pathlib import Path

import jieba

from bench.queries import BenchQuery

SCHEMA = """
CREATE VIRTUAL TABLE docs USING fts5(
    title, body, doc_type UNINDEXED, year UNINDEXED, places UNINDEXED, source UNINDEXED, tokenize='unicode61'
);
"""
INSERT_BATCH = 500


def segment(text: str) -> str:
    return as_tokens(list(jieba.cut(text)))


def as_tokens(words: list[str]) -> str:
    return " ".join(word for word in words if not word.isspace())


def build(db_path: Path, documents) -> dict:
    """Index (title, body, doc_type, year, places, source) tuples; times segmentation and insertion apart.

    The segmentation time is raw `jieba.cut` on the documents' text: the baseline our ingest is compared to.
    """
    db_path.unlink(missing_ok=True)
    db = sqlite3.connect(db_path, isolation_level=None)
    db.executescript(SCHEMA)
    segment_seconds = insert_seconds = segment_cpu_seconds = 0.0
    batch = []

    def flush():
        nonlocal insert_seconds
        started = time.perf_counter()
        db.execute("BEGIN")
        db.executemany("INSERT INTO docs VALUES (?, ?, ?, ?, ?, ?)", batch)
        db.execute("COMMIT")
        insert_seconds += time.perf_counter() - started
        batch.clear()

    for title, body, doc_type, year, places, source in documents:
        started, started_cpu = time.perf_counter(), time.process_time()
        title_words, body_words = list(jieba.cut(title)), list(jieba.cut(body))
        segment_seconds += time.perf_counter() - started
        segment_cpu_seconds += time.process_time() - started_cpu
        batch.append((as_tokens(title_words), as_tokens(body_words), doc_type, year, ",".join(places), source))
        if len(batch) >= INSERT_BATCH:
            flush()
    if batch:
        flush()
    db.close()
    return {"segment_seconds": segment_seconds, "segment_cpu_seconds": segment_cpu_seconds,
            "insert_seconds": insert_seconds}


def cut_timings(documents) -> dict:
    """Raw `jieba.cut` of the documents' titles and bodies alone, as `build` segments them (wall and CPU): the
    baseline measured again after our ingest (bench/run.py)."""
    started, started_cpu = time.perf_counter(), time.process_time()
    for title, body, *_ in documents:
        list(jieba.cut(title))
        list(jieba.cut(body))
    return {"segment_seconds": time.perf_counter() - started, "segment_cpu_seconds": time.process_time() - started_cpu}


def match_expression(query: BenchQuery) -> str:
    parts = []
    for word in query.words:
        tokens = segment(word).replace('"', "")
        parts.append(f'"{tokens}"')
    for phrase in query.phrases:
        parts.append(f'"{segment(phrase)}"')
    return " AND ".join(parts)


class FtsSearcher:
    def __init__(self, db_path: Path):
        self.db = sqlite3.connect(db_path, check_same_thread=False)

    def search(self, query: BenchQuery, size: int = 10) -> tuple[int, list]:
        """Top hits with highlighted snippets, facet counts over all matches, and the total."""
        where, params = "docs MATCH ?", [match_expression(query)]
        if query.doc_type:
            where += " AND doc_type = ?"
            params.append(query.doc_type)
        if query.place:
            where += " AND places LIKE ?"
            params.append(f"%{query.place}%")
        order = "year DESC" if query.sort == "date" else "rank"
        hits = self.db.execute(
            f"SELECT rowid, title, snippet(docs, 1, '<mark>', '</mark>', '…', 24) FROM docs WHERE {where} "
            f"ORDER BY {order} LIMIT ?", [*params, size],
        ).fetchall()
        counts = {name: Counter() for name in ("places", "year", "doc_type", "source")}
        total = 0
        for doc_type, year, places, source in self.db.execute(
            f"SELECT doc_type, year, places, source FROM docs WHERE {where}", params
        ):
            total += 1
            for place in filter(None, places.split(",")):
                counts["places"][place] += 1
            counts["year"][year] += 1
            counts["doc_type"][doc_type] += 1
            counts["source"][source] += 1
        return total, hits
