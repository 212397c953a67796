"""Which clause similarity finds a question's counterpart clauses in other regulations (index/results/counterparts.py).

For each judged question: its three best clauses in our ranking (counterparts off) are the sources; every clause of
the other regulations is ranked by its best similarity to them. Printed per similarity: the mean average precision
of the judged relevant clauses in that ranking, their recall in its first 20, and, among the question's 60 best
matching clauses of other regulations, the recall in the first 20 of our ranking against the same clauses reordered
by similarity. Similarities: idf-weighted word cosine (what ships) and character-bigram cosine, bigrams weighted by
their idf among the clauses.

    python -m bench.counterparts bench/relevance/policy_samples --corpus ../shared/policy-samples --split dev
    python -m bench.counterparts tests/relevance --split dev --home /tmp/eval-home
"""
from __future__ import annotations

import argparse
import math
import re
from collections import Counter
from dataclasses import replace

import numpy as np

from bench.judged import add_judged_arguments, judged_library
from index.query.filters import Filters
from index.results.counterparts import clause_body, clause_vectors, cosine, unit
from index.results.relevance import options_for, passage_keys
from index.results.search import SearchRequest, search

SOURCES = 3
MATCHED = 60
TOP = 20
PUNCTUATION = re.compile(r"[\s\u3000,，。;；:：、()（）《》“”\"'!！?？0-9a-zA-Z]")


def bigram_vectors(texts: dict[str, str]) -> dict[str, dict[str, float]]:
    counts = {}
    for key, text in texts.items():
        plain = PUNCTUATION.sub("", clause_body(text))
        counts[key] = Counter(plain[i:i + 2] for i in range(len(plain) - 1))
    df = Counter(gram for grams in counts.values() for gram in grams)
    return {key: unit({gram: n * (math.log(len(counts) / df[gram]) + 1) for gram, n in grams.items()})
            for key, grams in counts.items()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    add_judged_arguments(parser)
    args = parser.parse_args()
    with judged_library(args, "redprop-counterparts-") as (judged, library):
        keys = passage_keys(library, judged)
        rows = library.store.db.execute(
            "SELECT passage_id, doc_id, text FROM passages WHERE clause IS NOT NULL AND clause != ''").fetchall()
        doc_of = {pid: doc for pid, doc, _ in rows}
        texts = {pid: text for pid, _, text in rows}
        with library.index.live_searcher() as searcher:
            similarities = {"words": clause_vectors(texts, searcher), "bigrams": bigram_vectors(texts)}
        options = replace(options_for(), counterparts=False)
        firsts = {}
        for judgment in judged.queries:
            request = SearchRequest(judgment.q, size=100, collapse=False, filters=Filters(on_topic_only=False),
                                    options=options)
            firsts[judgment.q] = [hit.passage_id for hit in search(library, request).hits if hit.passage_id in doc_of]
        for name, vectors in similarities.items():
            precisions, recalls, ours, reordered = [], [], [], []
            for judgment in judged.queries:
                ranked = firsts[judgment.q]
                sources = ranked[:SOURCES]
                homes = {doc_of[pid] for pid in sources}
                relevant = {pid for pid in texts if keys.keys.get(pid, set()) & judgment.relevant.keys()
                            and doc_of[pid] not in homes}
                if not relevant or not sources:
                    continue
                similarity = {pid: max(cosine(vectors[pid], vectors[source]) for source in sources)
                              for pid in texts if doc_of[pid] not in homes}
                order = sorted(similarity, key=lambda pid: -similarity[pid])
                found = np.array([pid in relevant for pid in order])
                precision = np.cumsum(found) / np.arange(1, len(found) + 1)
                precisions.append(float((precision * found).sum() / len(relevant)))
                recalls.append(found[:TOP].sum() / len(relevant))
                matched = [pid for pid in ranked if doc_of[pid] not in homes][:MATCHED]
                ours.append(sum(pid in relevant for pid in matched[:TOP]) / len(relevant))
                by_similarity = sorted(matched, key=lambda pid: -similarity[pid])
                reordered.append(sum(pid in relevant for pid in by_similarity[:TOP]) / len(relevant))
            print(f"{name}: {len(precisions)} questions; every other clause by similarity: MAP {np.mean(precisions):.3f},"
                  f" recall@{TOP} {np.mean(recalls):.3f}; the {MATCHED} best matches: recall@{TOP} ours"
                  f" {np.mean(ours):.3f}, by similarity {np.mean(reordered):.3f}")


if __name__ == "__main__":
    main()
