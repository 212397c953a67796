"""What a question's top 10 misses: each judged passage (grade ≥ 1) not in the top 10 of our passage ranking, our
grouped page or FTS5, with its rank deeper in each list, so a recall gap can be told apart by cause (never found:
vocabulary; found deep: outranked; in the passage list but not the page: grouping; more relevant keys than ten).
Last, the ceiling of recall@10 as the eval defines it (found / all relevant keys R, so a question with R > 10
cannot reach 1): the mean of min(R, 10) / R.

With `--kinds`, each missing passage also gets the kinds of miss that fit it (`kinds_of`), and a tally per unit
counts each miss once under the first of KINDS that fits (main) and under every kind that fits (any): the error
analysis to read before changing the ranking.

    python -m bench.missing bench/relevance/policy_samples --corpus ../shared/policy-samples --split dev --kinds
    python -m bench.missing tests/relevance --split dev --home /tmp/eval-home     # reuse an ingested library
    python -m bench.missing … --enable morelike     # with a part that ships off switched on
"""
from __future__ import annotations

import argparse
from collections import Counter

from bench.judged import add_judged_arguments, judged_library
from index.query.filters import Filters
from index.query.syntax import QueryOptions, parse_query
from index.results.peers import PeerIndex
from index.results.relevance import CUTOFF, options_for, our_ranking, passage_keys, peer_ranking
from ingest.text.fold import fold
from ingest.text.synonyms import synonyms_of

DEPTH = 200  # how deep a missing passage is looked for
# Kinds of miss, in the order a miss is counted under ("main"):
# - shown-elsewhere: (grouped page) among the passage list's first ten, hidden by grouping;
# - defining-outranked: a grade-2 clause opening with a 下列/以下 lead (the clause that states the conditions);
# - context: it lacks a word of the question that its chapter or section title holds;
# - vocabulary-none: it holds none of the question's words (two or more characters) nor their synonyms;
# - crowded: ranked 11–30 while the top 10 holds CROWD or more passages of one other document;
# - ranked-11-30: ranked 11–30, holding the question's words or some of them;
# - vocabulary-partial: it lacks some of the question's words and ranks below 30 or is not found;
# - deep: the rest (below 30 with every word);
# and, never a main kind: beside-shown, right before or after a passage of the top 10 in the same document.
KINDS = ("shown-elsewhere", "defining-outranked", "context", "vocabulary-none", "crowded", "ranked-11-30",
         "vocabulary-partial", "deep", "beside-shown")
NEAR = 30  # ranks CUTOFF+1..NEAR: found, just not shown
CROWD = 4
LEAD_CHARS = 80  # a defining lead (下列条件…：) stands in the clause's opening


def rank_of(key: str, ranked: list[str], keys) -> int | None:
    return next((rank for rank, pid in enumerate(ranked, start=1) if key in keys.keys.get(pid, ())), None)


def kinds_of(rank: int | None, grade: int, text: str, context: str, words: list[str], crowded: bool,
             hidden_by_grouping: bool, beside_shown: bool = False) -> list[str]:
    """The kinds of miss that fit a relevant passage missing from a top 10 (`rank`: in the passage list; `text`
    and `context`, its chapter and section titles, folded)."""
    def holds(word: str, where: str) -> bool:
        return word in where or any(fold(form) in where for form in synonyms_of(word))

    missing = [word for word in words if not holds(word, text)]
    below = rank is None or rank > CUTOFF
    near = rank is not None and CUTOFF < rank <= NEAR
    fits = {
        "shown-elsewhere": hidden_by_grouping,
        "defining-outranked": grade == 2 and below and any(lead in text[:LEAD_CHARS] for lead in ("下列", "以下")),
        "context": any(holds(word, context) for word in missing),
        "vocabulary-none": bool(words) and len(missing) == len(words),
        "crowded": crowded and near,
        "ranked-11-30": near,
        "vocabulary-partial": bool(missing) and below and not near,
    }
    return ([kind for kind, fit in fits.items() if fit] or ["deep"]) + (["beside-shown"] if beside_shown else [])


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    add_judged_arguments(parser)
    parser.add_argument("--ablate", action="append", default=[])
    parser.add_argument("--enable", action="append", default=[], help="a part that ships off, switched on (morelike)")
    parser.add_argument("--kinds", action="store_true", help="the kinds of each miss, and their tally per unit")
    args = parser.parse_args(argv)
    with judged_library(args, "redprop-missing-") as (judged, library):
        keys = passage_keys(library, judged)
        options = options_for(args.ablate, args.enable) if args.ablate or args.enable else QueryOptions()
        ours = our_ranking(library, options)
        fts5 = peer_ranking(PeerIndex(library, "fts5"))
        passages = {pid: (doc, fold(" ".join(filter(None, [chapter, heading]))), fold(text), ordinal)
                    for pid, doc, chapter, heading, text, ordinal in library.store.db.execute(
                        "SELECT passage_id, doc_id, chapter, heading, text, ordinal FROM passages")}
        passage_of = {key: pid for pid, held in keys.keys.items() for key in held}
        tally = {unit: (Counter(), Counter()) for unit in ("passage", "grouped")}
        print("rank in: ours passage list / ours grouped page / fts5 passage list ('-': not within "
              f"{DEPTH}; '*' marks within the top {CUTOFF})")
        for judgment in judged.queries:
            relevant = judgment.relevant
            lists = [ours(judgment.q, "passage", DEPTH), ours(judgment.q, "grouped", DEPTH),
                     fts5(judgment.q, "passage", DEPTH)]
            ranks = {key: [rank_of(key, ranked, keys) for ranked in lists] for key in relevant}
            found = [sum(1 for r in ranks.values() if r[i] is not None and r[i] <= CUTOFF) for i in range(3)]
            words = [word for word in dict.fromkeys(parse_query(judgment.q, Filters(), options).highlights)
                     if len(word) > 1]
            crowding = {unit: {doc for doc, count in Counter(passages[pid][0] for pid in ranked[:CUTOFF]).items()
                               if count >= CROWD} for unit, ranked in zip(("passage", "grouped"), lists, strict=False)}
            beside = {unit: {(passages[pid][0], passages[pid][3] + step) for pid in ranked[:CUTOFF] for step in (-1, 1)}
                      for unit, ranked in zip(("passage", "grouped"), lists, strict=False)}
            print(f"\n## {judgment.q}  R={len(relevant)}  in top {CUTOFF}: passage {found[0]}, grouped {found[1]}, "
                  f"fts5 {found[2]}")
            for key, (p, g, f) in sorted(ranks.items(), key=lambda item: item[1][0] or 10 ** 6):
                if p is not None and p <= CUTOFF and g is not None and g <= CUTOFF:
                    continue
                cells = " / ".join(f"{r}{'*' if r <= CUTOFF else ''}" if r else "-" for r in (p, g, f))
                doc, context, text, ordinal = passages[passage_of[key]]
                described = []
                for unit, rank in (("passage", p), ("grouped", g)):
                    if rank is not None and rank <= CUTOFF:
                        continue
                    kinds = kinds_of(p, relevant[key], text, context, words, bool(crowding[unit] - {doc}),
                                     unit == "grouped" and p is not None and p <= CUTOFF,
                                     (doc, ordinal) in beside[unit])
                    tally[unit][0][next(kind for kind in KINDS if kind in kinds)] += 1
                    tally[unit][1].update(kinds)
                    described.append(f"{unit}: {', '.join(kinds)}")
                print(f"  [{relevant[key]}] {key}: {cells}" + (f"  ({'; '.join(described)})" if args.kinds else ""))
        sizes = [len(judgment.relevant) for judgment in judged.queries]
        print(f"\nrecall@10 ceiling (mean min(R, {CUTOFF}) / R): "
              f"{sum(min(size, CUTOFF) / size for size in sizes) / len(sizes):.3f}; "
              f"questions with R > {CUTOFF}: {sum(size > CUTOFF for size in sizes)} of {len(sizes)}")
        if args.kinds:
            print(f"\nmisses by kind (main / any), {' / '.join(f'{unit} unit' for unit in tally)}:")
            for kind in KINDS:
                print(f"  {kind:20s} " + "   ".join(f"{tally[unit][0][kind]:3d} / {tally[unit][1][kind]:3d}"
                                                   for unit in tally))
            print(f"  {'total':20s} " + "   ".join(f"{sum(tally[unit][0].values()):3d}" + " " * 6 for unit in tally))


if __name__ == "__main__":
    main()
