"""The judging pool of a question: the union of the top-20 passages of three different rankings.

Judgments graded only on what our ranking returns would favour it. The pool is the top POOL_DEPTH passages of
ours (everything on), FTS5 BM25 over the same jieba tokens and BM25 over character bigrams (index/peers.py),
printed in document order (not by rank, and without saying which run found a passage unless --show-runs), with
each passage's judgment key and its current grade, so a judge reads passages, not rankings.

    python -m bench.pool tests/relevance --split test                  # every test question
    python -m bench.pool bench/relevance/policy_samples --corpus ../shared/policy-samples -q "业委会委员任期"
"""
from __future__ import annotations

import argparse
import tempfile
from pathlib import Path

from index.query.syntax import QueryOptions
from index.results.peers import PeerIndex
from index.results.relevance import JudgedSet, load_judgments, our_ranking, passage_keys, peer_ranking
from index.store.library import Library
from index.write.pipeline import ingest_paths

POOL_DEPTH = 20
RUNS = ("ours", "fts5", "bigram")
PREVIEW = 160  # characters of a passage shown; enough to judge a clause or a news paragraph


def pool(rankings: dict, question: str) -> dict[str, list[str]]:
    """passage_id → the runs whose top POOL_DEPTH held it."""
    found: dict[str, list[str]] = {}
    for name, rank in rankings.items():
        for pid in rank(question, "passage", POOL_DEPTH):
            found.setdefault(pid, []).append(name)
    return found


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("judgments", type=Path, help="folder with dev.toml/test.toml, or one judgments file")
    parser.add_argument("--corpus", type=Path, help="documents to ingest instead of the judgments' own")
    parser.add_argument("--split", choices=["dev", "test", "all"], default="all")
    parser.add_argument("-q", "--question", action="append", default=[], help="a question not (yet) judged")
    parser.add_argument("--show-runs", action="store_true", help="say which runs found each passage")
    args = parser.parse_args(argv)

    # A set still being written may not exist yet: its questions come from -q.
    judged = load_judgments(args.judgments).select(args.split) if args.judgments.exists() else JudgedSet(args.judgments, [], [])
    with tempfile.TemporaryDirectory(prefix="redprop-pool-") as scratch:
        library = Library(scratch)
        ingest_paths([args.corpus] if args.corpus else judged.documents, library)
        keys = passage_keys(library, judged)
        rankings = {"ours": our_ranking(library, QueryOptions()),
                    **{name: peer_ranking(PeerIndex(library, name)) for name in RUNS[1:]}}
        rows = {pid: (source, title, ordinal, clause, text) for pid, source, title, ordinal, clause, text in
                library.store.db.execute(
                    "SELECT p.passage_id, coalesce(f.path, d.source), d.title, p.ordinal, p.clause, p.text "
                    "FROM passages p JOIN documents d USING (doc_id) LEFT JOIN file_documents f USING (doc_id)")}
        grades_of = {j.q: j.grades for j in judged.queries}
        print(f"# pool: top {POOL_DEPTH} passages of {', '.join(RUNS)}")
        for question in args.question or list(grades_of):
            grades = grades_of.get(question, {})
            found = pool(rankings, question)
            print(f"\n## {question}  ({len(found)} passages pooled)")
            for pid in sorted(found, key=lambda p: (rows[p][0], rows[p][2])):
                source, _title, _, clause, text = rows[pid]
                label = f"{Path(source).name}#{clause}" if clause else Path(source).name
                judged_keys = keys.keys.get(pid, set()) & grades.keys()
                grade = max((grades[k] for k in judged_keys), default="-")
                runs = f" [{','.join(found[pid])}]" if args.show_runs else ""
                print(f"[{grade}] {label}{runs}\n    {' '.join(text.split())[:PREVIEW]}")


if __name__ == "__main__":
    main()
