"""`python -m bench.profile_queries HOME CORPUS [--profile OUT.txt] [--cpu-profile N] [--bounded-from N]`: the bench
query set's latency on an existing data folder, optionally under pyinstrument (`pip install pyinstrument`) or
cProfile on CPU time (the timed rounds only, not the warm-up: the N costliest calls by cumulative CPU), without
re-ingesting anything.

CORPUS is a generated corpus folder (bench/out/corpus-N-seedS) whose manifest supplies the place filters.
"""
from __future__ import annotations

import argparse
import cProfile
import json
import pstats
import time
from pathlib import Path

from bench.corpus import read_manifest
from bench.queries import query_set
from bench.run import measure_queries


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("home", type=Path)
    parser.add_argument("corpus", type=Path)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--profile", type=Path, help="write pyinstrument's text report here")
    parser.add_argument("--cpu-profile", type=int, metavar="N",
                        help="print the N costliest calls (cumulative CPU time, cProfile) of the timed rounds")
    parser.add_argument("--bounded-from", type=int, help="index size (passages) from which relevance queries skip "
                        "windows (index/engine/topk.py BOUNDED_FROM_PASSAGES); 0 forces the bounded path")
    args = parser.parse_args()
    if args.bounded_from is not None:
        from index.engine import topk

        topk.BOUNDED_FROM_PASSAGES = args.bounded_from
    places = sorted({place for entry in read_manifest(args.corpus) for place in entry["places"]})
    queries = query_set(args.seed, places)
    if args.profile:
        from pyinstrument import Profiler

        profiler = Profiler(interval=0.0005)
        profiler.start()
        figures = measure_queries(args.home, queries)
        profiler.stop()
        args.profile.write_text(profiler.output_text(unicode=True), encoding="utf-8")
    elif args.cpu_profile:
        profiler = cProfile.Profile(time.process_time)  # CPU time: wall time on a shared machine is the load's
        figures = measure_queries(args.home, queries, profiler)
        pstats.Stats(profiler).sort_stats("cumulative").print_stats(args.cpu_profile)
    else:
        figures = measure_queries(args.home, queries)
    print(json.dumps(figures, ensure_ascii=False))


if __name__ == "__main__":
    main()
