"""`python -m bench.profile_prepare CORPUS [--files N]`: where a parse worker's CPU goes, cold, stage by stage.

bench.profile_ingest times each stage again after `prepare_file` has filled the per-process caches (POS blocks,
place runs, folded texts); this times one pass of `prepare_file` over the first N files of a generated corpus,
after one other file (what a worker pays before its first file, dictionaries and tables loaded with it, is that
file's CPU: `first_file_cpu_seconds`). The pass's CPU seconds are charged to the functions it calls, each
inclusive and counted at its outermost call: parsing and structure (`read_file`, the document's places
included), index fields (`document_fields`, the plain cut included), postings, case extraction, the repost
signature; and, across those stages, jieba's two cuts (`tokens`, the plain cut; `pos_cut`, the POS-tagged one).
Raw single-process `jieba.cut` on the same files is the baseline. Prints JSON.
"""
from __future__ import annotations

import argparse
import importlib
import json
import time
from collections import defaultdict
from pathlib import Path

import jieba

# (module, function, stage): the module is where the caller looks the name up, so the timed wrapper replaces it
# there.
STAGES = [
    ("index.write.prepare", "read_file", "parse_and_structure"),
    ("index.write.prepare", "document_fields", "index_fields"),
    ("index.write.prepare", "with_postings", "postings"),
    ("index.write.prepare", "extract_cases", "cases"),
    ("index.write.prepare", "signature", "signature"),
    ("index.analysis", "cut_words", "plain_cut"),
    ("ingest.places", "pos_cut", "pos_cut"),
    ("ingest.cases.text", "pos_cut", "pos_cut"),
]


def timed_stages() -> dict[str, float]:
    """Wrap each STAGES function so that its CPU seconds add up under its stage; returns the running totals."""
    seconds: dict[str, float] = defaultdict(float)
    running: dict[str, int] = defaultdict(int)

    def wrap(function, stage: str):
        def timed(*args, **kwargs):
            if running[stage]:
                return function(*args, **kwargs)
            running[stage] += 1
            started = time.process_time()
            try:
                return function(*args, **kwargs)
            finally:
                seconds[stage] += time.process_time() - started
                running[stage] -= 1
        return timed

    for module_name, name, stage in STAGES:
        module = importlib.import_module(module_name)
        setattr(module, name, wrap(getattr(module, name), stage))
    return seconds


def profile(paths: list[Path], warm_up: Path) -> dict:
    seconds = timed_stages()
    from index.write.prepare import prepare_file

    started = time.process_time()
    prepare_file(warm_up, warm_up.read_bytes())  # loads what a worker loads before its first file (imports aside)
    first_file = time.process_time() - started
    seconds.clear()
    files = [(path, path.read_bytes()) for path in paths]
    started = time.process_time()
    for path, data in files:
        prepare_file(path, data)
    total = time.process_time() - started
    jieba.setLogLevel(60)
    jieba.initialize()
    started = time.process_time()
    for _, data in files:
        list(jieba.cut(data.decode("utf-8")))
    baseline = time.process_time() - started
    stages = {"prepare_file": total, **dict(seconds)}
    return {
        "files": len(paths), "raw_jieba_cut_cpu_seconds": round(baseline, 3),
        "first_file_cpu_seconds": round(first_file, 3),  # the warm-up file, dictionaries and tables loaded with it
        "cpu_seconds": {name: round(value, 3) for name, value in stages.items()},
        "share_of_prepare_file": {name: round(value / total, 3) for name, value in stages.items()},
        "times_raw_jieba": {name: round(value / baseline, 2) for name, value in stages.items()},
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("corpus", type=Path)
    parser.add_argument("--files", type=int, default=300)
    args = parser.parse_args()
    paths = sorted((args.corpus / "docs").rglob("*.txt"))
    print(json.dumps(profile(paths[: args.files], paths[-1]), indent=2))


if __name__ == "__main__":
    main()
