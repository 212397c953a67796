"""CPU seconds of the engine's write path alone: prepared files written as segments, then all of them merged.

    python -m bench.profile_segments bench/out/corpus-3000-seed1 --files 3000 --prepared /tmp/prepared.pkl \
        [--profile write|merge]

The files are prepared once (parsed and analysed as ingest's workers do) and kept in `--prepared`, so runs of two
checkouts compare the same batches. Then every `--batch` files are written as one staged segment
(`write_prepared_segment`, what ingest's segment worker runs), the segments are adopted without a merge, and one
commit merges them all (what a tier merge or the final compaction does). CPU by `time.process_time`: run the
checkouts alternately in one sitting on a shared machine.
"""
from __future__ import annotations

import argparse
import cProfile
import json
import pickle
import pstats
import shutil
import tempfile
import time
from pathlib import Path

from index.engine.merging import _merge
from index.engine.search_index import SearchIndex, commit_or_release
from index.write.prepare import prepare_file, write_prepared_segment


def prepared_files(corpus: Path, files: int, cache: Path) -> list[list[tuple[bytes, None]]]:
    """Per file, its documents' packed passages (group ids as prepared), from the cache when it is there."""
    if cache.exists():
        return pickle.loads(cache.read_bytes())[:files]
    rows = [json.loads(line) for line in (corpus / "manifest.jsonl").read_text(encoding="utf-8").splitlines()]
    items = []
    for row in rows[:files]:
        path = corpus / row["path"]
        items.append([(document.packed_passages, None) for document in prepare_file(path, path.read_bytes()).documents])
    cache.write_bytes(pickle.dumps(items))
    return items


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("corpus", type=Path, help="a bench corpus folder (manifest.jsonl)")
    parser.add_argument("--files", type=int, default=3000)
    parser.add_argument("--batch", type=int, default=256, help="files per segment (pipeline's BATCH_FILES)")
    parser.add_argument("--prepared", type=Path, required=True, help="where the prepared files are kept")
    parser.add_argument("--profile", choices=["write", "merge"], help="print cProfile's top functions of a step")
    args = parser.parse_args()
    items = prepared_files(args.corpus, args.files, args.prepared)
    folder = Path(tempfile.mkdtemp(prefix="redprop-segments-"))
    profile = cProfile.Profile()
    try:
        index = SearchIndex(folder)
        index.clear()
        started = time.process_time()
        with _profiled(profile, args.profile == "write"):
            staged = [write_prepared_segment(folder, [document for item in items[start:start + args.batch]
                                                      for document in item])
                      for start in range(0, len(items), args.batch)]
        writing = time.process_time() - started
        index.adopt(staged)
        index.reopen()
        started = time.process_time()
        with _profiled(profile, args.profile == "merge"):
            commit_or_release(index.open_writer(),
                              mergetype=lambda writer, segments: _merge(writer, segments, set(range(len(segments)))))
        merging = time.process_time() - started
        index.reopen()
        print(f"{len(staged)} segments, {index.index.doc_count_all()} entries: writing {writing:.2f} CPU s, "
              f"merging {merging:.2f} CPU s; merged index {sum(f.stat().st_size for f in folder.iterdir())} bytes")
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    if args.profile:
        pstats.Stats(profile).sort_stats("tottime").print_stats(25)


class _profiled:
    def __init__(self, profile: cProfile.Profile, enabled: bool):
        self.profile, self.enabled = profile, enabled

    def __enter__(self):
        if self.enabled:
            self.profile.enable()

    def __exit__(self, *exc):
        if self.enabled:
            self.profile.disable()


if __name__ == "__main__":
    main()
