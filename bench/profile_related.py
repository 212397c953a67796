"""`python -m bench.profile_related RUN_DIR [--runs 3] [--dump FILE]`: what learning the related terms costs
(index/write/related_terms.py) on the data folder a `make bench` run left (bench/out/run-N-seedS), as a share of the
same run's ingest CPU (RUN_DIR/ingest.json: the whole process tree, parse workers too).

Ingest learns them once at its end, in the writer alone: reading the term matrix, then `learn`. Each run times both
(CPU seconds) and `learn` with one thread and with THREADS, alternating, so both see the same load on a shared
machine; the wall ratio is what the threads save. Reads only: the data folder's table is left as it is. `--dump`
writes the learned rows (word, related, score, documents), to compare two versions with `cmp`.
"""
from __future__ import annotations

import argparse
import json
import statistics
import time
from functools import partial
from pathlib import Path

from index.store.library import Library
from index.write.related_terms import THREADS, learn, matrix_of


def measured(work):
    """(result, CPU seconds of this process, all its threads; wall seconds)."""
    wall, cpu = time.perf_counter(), time.process_time()
    result = work()
    return result, time.process_time() - cpu, time.perf_counter() - wall


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("run", type=Path, help="bench/out/run-N-seedS")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--dump", type=Path, help="write the learned rows here (tab-separated)")
    args = parser.parse_args()
    library = Library(args.run / "home")
    matrix_cpus, cpus, walls = [], {1: [], THREADS: []}, {1: [], THREADS: []}
    with library.index.searcher() as searcher:
        for _ in range(args.runs):
            matrix, cpu, _wall = measured(lambda: matrix_of(searcher))
            matrix_cpus.append(cpu)
            for threads, times in walls.items():
                relations, cpu, wall = measured(partial(learn, matrix, threads))
                cpus[threads].append(cpu)
                times.append(wall)
    if args.dump:
        args.dump.write_text("".join(f"{r.word}\t{r.related}\t{r.score!r}\t{r.documents}\n" for r in relations),
                             encoding="utf-8")
    ingest = json.loads((args.run / "ingest.json").read_text(encoding="utf-8"))
    matrix_cpu, learn_cpu = statistics.median(matrix_cpus), statistics.median(cpus[1])
    print(json.dumps({
        "term_matrix_cpu_seconds": round(matrix_cpu, 2), "learn_cpu_seconds": round(learn_cpu, 2),
        "learn_wall_seconds_1_thread": round(statistics.median(walls[1]), 2),
        f"learn_wall_seconds_{THREADS}_threads": round(statistics.median(walls[THREADS]), 2),
        "learn_wall_ratio_threads_to_1": round(statistics.median(
            [many / one for one, many in zip(walls[1], walls[THREADS], strict=True)]), 3),
        "ingest_cpu_seconds": ingest["ingest_cpu_seconds"],
        "learn_cpu_share_of_ingest_cpu": round((matrix_cpu + learn_cpu) / ingest["ingest_cpu_seconds"], 3),
        "related_pairs": len(relations), "words_with_related": len({r.word for r in relations})}))


if __name__ == "__main__":
    main()
