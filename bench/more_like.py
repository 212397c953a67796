"""What the second retrieval of "more like these" (index/results/more_like.py) finds among the relevant clauses a
question's top 10 misses, and at what precision.

For each judged question: the relevant passages (grade ≥ 1) missing from the top 10 of our passage ranking with
the step off are its misses. The step's candidates (the second retrieval's best clauses of other regulations than
its sources, each with its similarity) are recorded while the same question runs with it on. Printed: per depth
(the candidates' first 20 and 50, and those at or above each similarity floor), how many candidates are new (not in
the top 10), what share of them is relevant (precision), and what share of the misses they hold; then the
similarity of relevant and other new candidates, to place LIKE_FLOOR.

    python -m bench.more_like bench/relevance/policy_samples --corpus ../shared/policy-samples --split dev
    python -m bench.more_like tests/relevance --split dev --home /tmp/eval-home     # reuse an ingested library
"""
from __future__ import annotations

import argparse
import ast
from dataclasses import replace

import numpy as np

import index.results.search as search_module
from bench.judged import add_judged_arguments, judged_library
from index.results import more_like
from index.results.relevance import CUTOFF, options_for, our_ranking, passage_keys

DEPTHS = (20, 50)
FLOORS = (0.3, 0.4, 0.5, 0.6, 0.7)


def recording(calls: list) -> callable:
    """brought_in() that also records the candidates it was given (docnums, similarities), best first."""
    original = more_like.brought_in

    def record(columns, like, docnums, scores, more_docnums, more_scores):
        calls.append(more_like.candidates(columns, like, more_docnums, more_scores))
        return original(columns, like, docnums, scores, more_docnums, more_scores)
    return record


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    add_judged_arguments(parser)
    parser.add_argument("--per-query", action="store_true")
    parser.add_argument("--set", action="append", default=[], metavar="NAME=VALUE",
                        help="a constant of index/results/more_like.py for this run (LIKE_SOURCES=5)")
    args = parser.parse_args(argv)
    for setting in args.set:
        name, value = setting.split("=", 1)
        setattr(more_like, name, type(getattr(more_like, name))(ast.literal_eval(value)))
    calls: list = []
    search_module.brought_in = recording(calls)
    with judged_library(args, "redprop-more-like-") as (judged, library):
        keys = passage_keys(library, judged)
        off = our_ranking(library, replace(options_for(), more_like=False))
        on = our_ranking(library, replace(options_for(), more_like=True))
        new_counts = {name: 0 for name in (*DEPTHS, *FLOORS)}
        relevant_counts = dict.fromkeys(new_counts, 0)
        found_counts = dict.fromkeys(new_counts, 0)
        unmatched_counts = dict.fromkeys(new_counts, 0)  # misses found that our first 60 lacks
        misses_total = 0
        deeper = {depth: [0, 0, set()] for depth in DEPTHS}  # our own ranks 11..10+depth: new, relevant, misses
        similarities: dict[bool, list[float]] = {True: [], False: []}
        recorded = {}
        for judgment in judged.queries:
            calls.clear()
            on(judgment.q, "passage", CUTOFF)
            if calls:
                recorded[judgment.q] = calls[0]
        with library.index.live_searcher() as searcher:  # after the searches: they open their own
            named = {question: ([searcher.stored_fields(int(docnum))["passage_id"] for docnum in docnums], similarity)
                     for question, (docnums, similarity) in recorded.items()}
        for judgment in judged.queries:
            top = off(judgment.q, "passage", CUTOFF)
            shown = {key for pid in top for key in keys.keys.get(pid, ())}
            misses = {key for key in judgment.relevant if key not in shown}
            misses_total += len(misses)
            for depth, counts in deeper.items():
                below = off(judgment.q, "passage", CUTOFF + depth)[CUTOFF:]
                counts[0] += len(below)
                held = [keys.keys.get(pid, set()) & misses for pid in below]
                counts[1] += sum(1 for h in held if h)
                counts[2] |= {(judgment.q, key) for h in held for key in h}
            if judgment.q not in named:
                continue
            matched = {key for pid in off(judgment.q, "passage", CUTOFF + max(DEPTHS)) for key in keys.keys.get(pid, ())}
            pids, similarity = named[judgment.q]
            new = [(pid, sim) for pid, sim in zip(pids, similarity, strict=True) if pid not in top]
            hits = [(pid, sim, keys.keys.get(pid, set()) & misses) for pid, sim in new]
            for _, sim, held in hits[:max(DEPTHS)]:
                similarities[bool(held)].append(float(sim))
            selections = {depth: hits[:depth] for depth in DEPTHS}
            selections.update({floor: [hit for hit in hits if hit[1] >= floor] for floor in FLOORS})
            for name, chosen in selections.items():
                new_counts[name] += len(chosen)
                relevant_counts[name] += sum(1 for _, _, held in chosen if held)
                union = set().union(*(held for _, _, held in chosen)) if chosen else set()
                found_counts[name] += len(union)
                unmatched_counts[name] += len(union - matched)
            if args.per_query:
                got = set().union(*(held for _, _, held in hits[:20])) if hits else set()
                print(f"{judgment.q}: misses {len(misses)}, in candidates' first 20: {len(got)}; "
                      f"best new: " + ", ".join(f"{sim:.2f}{'*' if held else ''}" for _, sim, held in hits[:8]))
    print(f"{len(judged.queries)} questions, {misses_total} relevant passages missing from our top {CUTOFF}")
    for name in (*DEPTHS, *FLOORS):
        label = f"first {name}" if name in DEPTHS else f"similarity ≥ {name}"
        precision = relevant_counts[name] / new_counts[name] if new_counts[name] else 0.0
        print(f"  {label:18s} new candidates {new_counts[name]:4d}, relevant {relevant_counts[name]:3d} "
              f"(precision {precision:.3f}), misses found {found_counts[name]:3d} "
              f"({found_counts[name] / max(1, misses_total):.3f}), not in our first {CUTOFF + max(DEPTHS)}: "
              f"{unmatched_counts[name]}")
    for depth, (new, relevant, found) in deeper.items():
        print(f"  our ranks {CUTOFF + 1}-{CUTOFF + depth:<8d} passages {new:4d}, relevant {relevant:3d} "
              f"(precision {relevant / max(1, new):.3f}), misses found {len(found):3d} "
              f"({len(found) / max(1, misses_total):.3f})")
    for held, values in similarities.items():
        if values:
            print(f"  similarity of {'relevant' if held else 'other'} new candidates (first {max(DEPTHS)}): "
                  f"median {np.median(values):.2f}, quartiles {np.percentile(values, 25):.2f}–"
                  f"{np.percentile(values, 75):.2f}, n {len(values)}")


if __name__ == "__main__":
    main()
