"""`python -m bench.ingest --size 1000 --rounds 2`: ingest throughput alone, as a ratio to raw jieba in the same run.

`make bench` measures ingest once beside queries, the API and start-up; tuning the write path wants the ingest
figure on its own, repeated, with the baseline measured in between (the machine is shared, so each round's
ratio is to the jieba run just before it). Each round: raw single-process `jieba.cut` on the corpus's text
(as bench/fts.py does), then `redprop ingest` into a fresh data folder. Also prints where the ingest's CPU
went: the writer (the `redprop` process) and the worker processes (REDPROP_INGEST_WORKERS, default one per core),
and the peak memory (PSS) of the whole tree and of each process (the parse workers start first, the segment
writer when the first batch commits).
"""
from __future__ import annotations

import argparse
import json

import jieba

from bench import fts
from bench.corpus import generate, read_manifest
from bench.run import OUT, corpus_documents, measure_ingest


def ingest_figures(folder, home) -> dict:
    """`make bench`'s ingest measurement, with the CPU split into the writer's and the workers'."""
    figures = measure_ingest(folder, home)
    return {"ingest_seconds": figures["ingest_seconds"], "writer_cpu_seconds": figures["writer_cpu_seconds"],
            "workers_cpu_seconds": figures["ingest_cpu_seconds"] - figures["writer_cpu_seconds"],
            "peak_pss_mb": round(figures["ingest_peak_pss_bytes"] / 2**20, 1), "processes": figures["ingest_processes"]}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--size", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--rounds", type=int, default=2)
    args = parser.parse_args()
    folder = generate(OUT, args.size, args.seed)
    documents = [(title, body) for title, body, *_ in corpus_documents(folder, read_manifest(folder))]
    jieba.setLogLevel(60)
    jieba.initialize()
    home = OUT / f"ingest-{args.size}-seed{args.seed}"
    rounds = []
    for _ in range(args.rounds):
        baseline = fts.cut_timings(documents)["segment_seconds"]
        figures = ingest_figures(folder, home)
        rounds.append({"raw_jieba_seconds": baseline, **figures,
                       "ingest_vs_raw_jieba": baseline / figures["ingest_seconds"]})
        print(json.dumps(rounds[-1]), flush=True)
    ratios = sorted(r["ingest_vs_raw_jieba"] for r in rounds)
    print(json.dumps({"documents": args.size, "rounds": len(rounds), "median_ingest_vs_raw_jieba":
                      ratios[len(ratios) // 2]}))


if __name__ == "__main__":
    main()
