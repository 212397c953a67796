"""`python -m bench.postings INDEX_DIR`: postings per indexed record and per field of an index (read-only).

Where the index's size goes: every posting costs a document number, a weight and, in fields that keep them,
its positions.
"""
from __future__ import annotations

import argparse
import json
from pathlib import Path

from index.engine.stats import field_stats


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("index", type=Path, help="an index folder, e.g. bench/out/run-1000-seed1/home/index")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    records, stats = field_stats(args.index)
    total = sum(s.postings for s in stats.values())
    if args.json:
        print(json.dumps({"records": records, "postings": total,
                          "fields": {name: vars(s) for name, s in stats.items()}}))
        return
    print(f"records {records}, postings {total} ({total / max(records, 1):.1f} per record)")
    for name, s in sorted(stats.items(), key=lambda item: -item[1].postings):
        print(f"  {name:10} terms {s.terms:8}  postings {s.postings:9} ({s.postings / max(records, 1):6.1f}/record)"
              f"  positions {s.positions:9}")


if __name__ == "__main__":
    main()
