"""`python -m bench.profile_queries HOME CORPUS [--profile OUT.txt] [--cpu-profile N] [--bounded-from N]
[--questions FILE ...] [--block-cache-mb N]`: the bench query set's latency on an existing data folder, optionally
under pyinstrument (`pip install pyinstrument`) or cProfile on CPU time (the timed rounds only, not the warm-up:
the N costliest calls by cumulative CPU), without re-ingesting anything.

The bench set repeats its queries, which flatters any cache. `--questions` instead asks every question of the
given judgment files (tests/relevance/*.toml) once, after one round of the bench set: no question repeats, as
with real users, who still share the domain's common words. `--block-cache-mb 0` switches the decoded-block
cache (index/engine/blockcache.py) off, to compare.

CORPUS is a generated corpus folder (bench/out/corpus-N-seedS) whose manifest supplies the place filters.
"""
from __future__ import annotations

import argparse
import cProfile
import json
import pstats
import resource
import time
from pathlib import Path

from bench.corpus import read_manifest
from bench.procs import percentile
from bench.queries import query_set
from bench.run import measure_queries


def time_questions(home: Path, warm_up, files: list[Path]) -> dict:
    """CPU per question, each asked once (as `redprop search` asks it), after one round of the bench set."""
    from index.results.relevance import load_judgments
    from index.results.search import SearchRequest, search
    from index.store.library import Library

    library = Library(home)
    for query in warm_up:
        search(library, SearchRequest(" ".join(query.words)))
    cpu = []
    for text in dict.fromkeys(judgment.q for file in files for judgment in load_judgments(file).queries):
        started = time.process_time()
        search(library, SearchRequest(text))
        cpu.append((time.process_time() - started) * 1000)
    return {"questions": len(cpu), "question_cpu_p50_ms": percentile(cpu, 0.50),
            "question_cpu_p95_ms": percentile(cpu, 0.95), "question_cpu_p99_ms": percentile(cpu, 0.99),
            "question_cpu_mean_ms": sum(cpu) / len(cpu)}


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
    parser.add_argument("--questions", type=Path, nargs="+", metavar="FILE",
                        help="time each question of these judgment files once instead of the bench set's rounds")
    parser.add_argument("--block-cache-mb", type=int, help="the decoded-block cache's budget (0: off)")
    args = parser.parse_args()
    if args.block_cache_mb is not None:
        from index.engine.blockcache import CACHE

        CACHE.budget = args.block_cache_mb * 2**20
    if args.bounded_from is not None:
        from index.engine import topk

        topk.BOUNDED_FROM_PASSAGES = args.bounded_from
    places = sorted({place for entry in read_manifest(args.corpus) for place in entry["places"]})
    queries = query_set(args.seed, places)
    if args.questions:
        figures = time_questions(args.home, queries, args.questions)
    elif args.profile:
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
    # the process's peak resident memory: the index's mapped pages it touched count here, shared with other readers
    figures["max_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps(figures, ensure_ascii=False))


if __name__ == "__main__":
    main()
