"""`python -m bench.profile_related RUN_DIR [--runs 3]`: what learning the related terms costs (index/write/related_terms.py),
as a share of the same run's ingest, on the data folder a `make bench` run left (bench/out/run-N-seedS).

Ingest learns them once at its end; this learns them again (forced) on the finished index and compares the CPU
seconds with the ingest's CPU seconds recorded in RUN_DIR/ingest.json (the whole process tree, parse workers too).
"""
from __future__ import annotations

import argparse
import json
import statistics
import time
from pathlib import Path

from index.store.library import Library
from index.write.related_terms import learn_again


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("run", type=Path, help="bench/out/run-N-seedS")
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    library = Library(args.run / "home")
    walls, cpus = [], []
    for _ in range(args.runs):
        wall, cpu = time.perf_counter(), time.process_time()
        with library.writing(60):
            learn_again(library)
        walls.append(time.perf_counter() - wall)
        cpus.append(time.process_time() - cpu)
    ingest = json.loads((args.run / "ingest.json").read_text(encoding="utf-8"))
    rows = library.store.db.execute("SELECT count(*), count(DISTINCT word) FROM related_terms").fetchone()
    cpu = statistics.median(cpus)
    print(json.dumps({"learn_wall_seconds": round(statistics.median(walls), 2), "learn_cpu_seconds": round(cpu, 2),
                      "ingest_cpu_seconds": ingest["ingest_cpu_seconds"],
                      "learn_cpu_share_of_ingest_cpu": round(cpu / ingest["ingest_cpu_seconds"], 3),
                      "related_pairs": rows[0], "words_with_related": rows[1]}))


if __name__ == "__main__":
    main()
