"""`python -m bench.profile_expansion HOME JUDGMENTS [--rounds 7]`: what query expansion costs a question, as ratios
to the same questions searched without any expansion, in the same run (rounds alternate between the variants).

HOME is a data folder holding the judged corpus (e.g. the one `redprop eval --home DIR` leaves), JUDGMENTS a judged
set whose questions are searched (bench/relevance/policy_samples). Feedback's per-passage word cache is emptied
before each round, as a new question finds it.
"""
from __future__ import annotations

import argparse
import json
import statistics
import time
from pathlib import Path

from index.query.filters import Filters
from index.query.syntax import QueryOptions
from index.results.feedback import candidate_words
from index.results.relevance import load_judgments
from index.results.search import SearchRequest, search
from index.store.library import Library

VARIANTS = {
    "none": QueryOptions(related=False),
    "related": QueryOptions(),  # as shipped: feedback is off by default
    "prf": QueryOptions(prf=True, related=False),
    "both": QueryOptions(prf=True),
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("home", type=Path)
    parser.add_argument("judgments", type=Path)
    parser.add_argument("--rounds", type=int, default=7)
    args = parser.parse_args()
    library = Library(args.home)
    questions = [judgment.q for judgment in load_judgments(args.judgments).queries]

    def run(options: QueryOptions) -> float:
        candidate_words.cache_clear()
        started = time.perf_counter()
        for question in questions:
            search(library, SearchRequest(question, options=options, filters=Filters(on_topic_only=False)))
        return (time.perf_counter() - started) / len(questions) * 1000

    for options in VARIANTS.values():  # warm: searcher, store, dictionary
        run(options)
    milliseconds: dict[str, list[float]] = {name: [] for name in VARIANTS}
    for _ in range(args.rounds):
        for name, options in VARIANTS.items():
            milliseconds[name].append(run(options))
    base = statistics.median(milliseconds["none"])
    print(json.dumps({name: {"ms_per_question": round(statistics.median(values), 1),
                             "ratio_to_none": round(statistics.median(values) / base, 2)}
                      for name, values in milliseconds.items()}, ensure_ascii=False))


if __name__ == "__main__":
    main()
