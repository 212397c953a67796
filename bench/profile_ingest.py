"""`python -m bench.profile_ingest CORPUS [--files N]`: where ingest's CPU goes, stage by stage, in one process.

On the first N files of a generated corpus (bench/out/corpus-N-seedS): raw `jieba.cut` on the same text (the
baseline), then each stage a file goes through (parse and structure, analysis into fields, postings, case
extraction, near-duplicate signature) and writing the postings into a fresh Whoosh index in two commits, with
our codec and with Whoosh's default W3 codec, as the staged segments ingest's workers write, and merging such
segments into one. Prints JSON: seconds per stage and as a multiple of jieba's, postings per passage,
microseconds per posting written. Figures in the issue-8 note come from here.
"""
from __future__ import annotations

import argparse
import json
import tempfile
import time
from pathlib import Path

import jieba
from whoosh import index as whoosh_index
from whoosh.codec.whoosh3 import W3Codec

from index.engine.codec import RedpropCodec
from index.engine.postings import Postings, with_postings
from index.engine.schema import build_schema, document_fields
from index.engine.search_index import SearchIndex
from index.engine.staging import discard, write_segment
from index.write.prepare import prepare_file, read_file
from ingest.cases.build import extract_cases
from ingest.dedup import signature

MERGE_CHUNK = 400  # passages per segment before merging: about one ingest batch's segment


def timed(stage: dict, name: str, run):
    started = time.process_time()
    result = run()
    stage[name] = time.process_time() - started
    return result


def write_seconds(passages: list[dict], codec) -> float:
    """CPU seconds to write the passages into a new index in two commits (so one merge policy run too)."""
    with tempfile.TemporaryDirectory(prefix="redprop-profile-") as folder:
        index = whoosh_index.create_in(folder, build_schema())
        started = time.process_time()
        for half in (passages[: len(passages) // 2], passages[len(passages) // 2 :]):
            writer = index.writer(codec=codec)
            for fields in half:
                writer.add_document(**fields)
            writer.commit()
        return time.process_time() - started


def staged_write_seconds(passages: list[dict]) -> float:
    """CPU seconds to write the passages as staged segments of MERGE_CHUNK passages each (index/engine/staging.py),
    what ingest's segment-writer worker does per batch."""
    with tempfile.TemporaryDirectory(prefix="redprop-profile-") as folder:
        started = time.process_time()
        staged = [write_segment(Path(folder), passages[start : start + MERGE_CHUNK])
                  for start in range(0, len(passages), MERGE_CHUNK)]
        seconds = time.process_time() - started
        discard(staged)
        return seconds


def merge_seconds(passages: list[dict]) -> float:
    """CPU seconds to merge the passages, written as one segment per MERGE_CHUNK, into one segment, as an ingest
    run ends (index/engine/merging.py compact): what the writer process still does itself."""
    with tempfile.TemporaryDirectory(prefix="redprop-profile-") as folder:
        index = SearchIndex(Path(folder))
        for start in range(0, len(passages), MERGE_CHUNK):
            writer = index.open_writer()
            for fields in passages[start : start + MERGE_CHUNK]:
                writer.add_document(**fields)
            writer.commit(merge=False)
        started = time.process_time()
        index.compact()
        return time.process_time() - started


def profile(paths: list[Path]) -> dict:
    jieba.setLogLevel(60)
    texts = [path.read_text(encoding="utf-8") for path in paths]
    prepare_file(paths[0], paths[0].read_bytes())  # load the dictionaries outside the timings
    seconds: dict[str, float] = {}
    timed(seconds, "raw_jieba_cut", lambda: [list(jieba.cut(text)) for text in texts])
    # What a worker does per file, end to end, before anything below has read these files (the stages after
    # it may find place candidates already tagged: ingest/places.py keeps them per run).
    timed(seconds, "prepare_file", lambda: [prepare_file(path, path.read_bytes()) for path in paths])
    documents = [document for path in paths for document in read_file(path, path.read_bytes())[0]]
    timed(seconds, "parse_and_structure", lambda: [read_file(path, path.read_bytes()) for path in paths])
    fields = timed(seconds, "analysis", lambda: [f for d in documents for f in document_fields(d)])
    schema = build_schema()
    passages = timed(seconds, "postings", lambda: [with_postings(f, schema) for f in fields])
    timed(seconds, "cases", lambda: [extract_cases(d) for d in documents])
    timed(seconds, "signature", lambda: [signature(d) for d in documents])
    seconds["whoosh_write_our_codec"] = write_seconds(passages, RedpropCodec())
    seconds["whoosh_write_w3_codec"] = write_seconds(passages, W3Codec())
    seconds["staged_segment_write"] = staged_write_seconds(passages)
    seconds["whoosh_merge"] = merge_seconds(passages)
    postings = sum(len(value) for f in passages for value in f.values() if isinstance(value, Postings))
    baseline = seconds["raw_jieba_cut"]
    return {
        "files": len(paths), "documents": len(documents), "passages": len(passages),
        "text_chars": sum(len(text) for text in texts), "postings": postings,
        "postings_per_passage": postings / len(passages),
        "microseconds_per_posting_written": seconds["whoosh_write_our_codec"] / postings * 1e6,
        "cpu_seconds": seconds,
        "times_raw_jieba": {name: value / baseline for name, value in seconds.items()},
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("corpus", type=Path)
    parser.add_argument("--files", type=int, default=200)
    args = parser.parse_args()
    paths = sorted((args.corpus / "docs").rglob("*.txt"))[: args.files]
    print(json.dumps(profile(paths), ensure_ascii=False, indent=2))


if __name__ == "__main__":
    main()
