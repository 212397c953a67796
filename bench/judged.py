"""What the relevance studies (bench/missing.py, more_like.py, counterparts.py) share: a judged set and a library
holding its documents, from the same command-line arguments."""
from __future__ import annotations

import argparse
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from index.results.relevance import JudgedSet, load_judgments
from index.store.library import Library
from index.write.pipeline import ingest_paths


def add_judged_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("judgments", type=Path)
    parser.add_argument("--corpus", type=Path, help="documents to ingest instead of the judgments' own")
    parser.add_argument("--split", choices=["dev", "test", "all"], default="dev")
    parser.add_argument("--home", type=Path, help="a library folder to ingest into and reuse")


@contextmanager
def judged_library(args: argparse.Namespace, prefix: str) -> Iterator[tuple[JudgedSet, Library]]:
    """The split asked for and a library with the corpus ingested (into --home, else a scratch folder)."""
    judged = load_judgments(args.judgments).select(args.split)
    with tempfile.TemporaryDirectory(prefix=prefix) as scratch:
        library = Library(args.home or scratch)
        ingest_paths([args.corpus] if args.corpus else judged.documents, library)
        yield judged, library
