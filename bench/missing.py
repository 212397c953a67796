"""What a question's top 10 misses: each judged passage (grade ≥ 1) not in the top 10 of our passage ranking, our
grouped page or FTS5, with its rank deeper in each list, so a recall gap can be told apart by cause (never found:
vocabulary; found deep: outranked; in the passage list but not the page: grouping; more relevant keys than ten).
Last, the ceiling of recall@10 as the eval defines it (found / all relevant keys R, so a question with R > 10
cannot reach 1): the mean of min(R, 10) / R.

    python -m bench.missing bench/relevance/policy_samples --corpus ../shared/policy-samples --split dev
    python -m bench.missing tests/relevance --split dev --home /tmp/eval-home     # reuse an ingested library
"""
from __future__ import annotations

import argparse
import tempfile
from pathlib import Path

from index.query.syntax import QueryOptions
from index.results.peers import PeerIndex
from index.results.relevance import CUTOFF, load_judgments, options_for, our_ranking, passage_keys, peer_ranking
from index.store.library import Library
from index.write.pipeline import ingest_paths

DEPTH = 200  # how deep a missing passage is looked for


def rank_of(key: str, ranked: list[str], keys) -> int | None:
    return next((rank for rank, pid in enumerate(ranked, start=1) if key in keys.keys.get(pid, ())), None)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("judgments", type=Path)
    parser.add_argument("--corpus", type=Path)
    parser.add_argument("--split", choices=["dev", "test", "all"], default="dev")
    parser.add_argument("--home", type=Path, help="a library folder to ingest into and reuse")
    parser.add_argument("--ablate", action="append", default=[])
    args = parser.parse_args(argv)
    judged = load_judgments(args.judgments).select(args.split)
    with tempfile.TemporaryDirectory(prefix="redprop-missing-") as scratch:
        library = Library(args.home or scratch)
        ingest_paths([args.corpus] if args.corpus else judged.documents, library)
        keys = passage_keys(library, judged)
        ours = our_ranking(library, options_for(args.ablate) if args.ablate else QueryOptions())
        fts5 = peer_ranking(PeerIndex(library, "fts5"))
        print("rank in: ours passage list / ours grouped page / fts5 passage list ('-': not within "
              f"{DEPTH}; '*' marks within the top {CUTOFF})")
        for judgment in judged.queries:
            relevant = judgment.relevant
            lists = [ours(judgment.q, "passage", DEPTH), ours(judgment.q, "grouped", DEPTH),
                     fts5(judgment.q, "passage", DEPTH)]
            ranks = {key: [rank_of(key, ranked, keys) for ranked in lists] for key in relevant}
            found = [sum(1 for r in ranks.values() if r[i] is not None and r[i] <= CUTOFF) for i in range(3)]
            print(f"\n## {judgment.q}  R={len(relevant)}  in top {CUTOFF}: passage {found[0]}, grouped {found[1]}, "
                  f"fts5 {found[2]}")
            for key, (p, g, f) in sorted(ranks.items(), key=lambda item: item[1][0] or 10 ** 6):
                if p is not None and p <= CUTOFF and g is not None and g <= CUTOFF:
                    continue
                cells = " / ".join(f"{r}{'*' if r <= CUTOFF else ''}" if r else "-" for r in (p, g, f))
                print(f"  [{relevant[key]}] {key}: {cells}")
        sizes = [len(judgment.relevant) for judgment in judged.queries]
        print(f"\nrecall@10 ceiling (mean min(R, {CUTOFF}) / R): "
              f"{sum(min(size, CUTOFF) / size for size in sizes) / len(sizes):.3f}; "
              f"questions with R > {CUTOFF}: {sum(size > CUTOFF for size in sizes)} of {len(sizes)}")


if __name__ == "__main__":
    main()
