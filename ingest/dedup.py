"""Reposts: near-duplicate documents (the same story from two outlets, or re-ingested with small edits).

MinHash (datasketch) over character shingles of the folded text, letters and digits only, so punctuation,
spacing and width differences do not matter. Candidates come from banded signatures kept in the store
(locality-sensitive hashing); a candidate whose estimated Jaccard similarity reaches the threshold makes the
new document point at it: `canonical_id` = the earlier document (or that one's own canonical document).
"""
from __future__ import annotations

import hashlib
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache

import numpy as np
from datasketch import MinHash

from ingest.models import Document
from ingest.text.fold import fold

NUM_PERM = 128
SEED = 20240601  # fixed, like the scheme: signatures stored by one run must compare with the next run's
SCHEME = "affine32"
SHINGLE_CHARS = 5
# 32 bands of 4 rows: pairs above ~0.45 similarity almost always share a band; the threshold decides.
BANDS = 32
ROWS = NUM_PERM // BANDS
# Reposts with a third of their sentences edited still score above 0.8; different articles on one page
# about the same campaign stay below 0.1 (measured on the seed pages).
SIMILARITY_THRESHOLD = 0.6
# Texts shorter than this (letters/digits) are too small to call copies of each other.
MIN_CHARS = 80
COMPARABLE = re.compile(r"[\u3400-\u9fffA-Za-z0-9]")


@dataclass
class Signature:
    doc_id: str
    minhash: MinHash
    bands: list[str] = field(init=False)  # LSH band keys, computed once with the signature (in ingest's workers)

    def __post_init__(self) -> None:
        values = self.minhash.hashvalues
        self.bands = [
            f"{band}:{hashlib.sha1(values[band * ROWS:(band + 1) * ROWS].tobytes()).hexdigest()[:16]}"
            for band in range(BANDS)
        ]

    def to_bytes(self) -> bytes:
        return self.minhash.hashvalues.astype(np.uint64).tobytes()


def minhash_from_bytes(data: bytes) -> MinHash:
    return MinHash(num_perm=NUM_PERM, seed=SEED, scheme=SCHEME, hashvalues=np.frombuffer(data, dtype=np.uint64))


@lru_cache(maxsize=1)
def _permutations() -> np.ndarray:
    """The scheme's hash permutations for SEED: what every MinHash here would draw again from the seed (a tenth
    of a signature's CPU)."""
    return MinHash(num_perm=NUM_PERM, seed=SEED, scheme=SCHEME).permutations


def signature(document: Document) -> Signature | None:
    """None for texts too short to compare."""
    text = "".join(COMPARABLE.findall(fold(document.title + "\n" + document.text)))
    if len(text) < MIN_CHARS:
        return None
    minhash = MinHash(num_perm=NUM_PERM, seed=SEED, scheme=SCHEME, permutations=_permutations())
    minhash.update_batch(text[i : i + SHINGLE_CHARS].encode("utf-8") for i in range(len(text) - SHINGLE_CHARS + 1))
    return Signature(document.doc_id, minhash)


def link_near_duplicates(documents: list[Document], store, exclude: set[str] = frozenset(),
                         signatures: Mapping[str, Signature | None] | None = None,
                         earlier: Sequence[tuple[Signature, Document]] = ()) -> list[Signature]:
    """Set `canonical_id` on each document that repeats an earlier one (stored, given in `earlier`, or earlier
    in this list).

    `exclude`: documents about to be removed (a file's old version), which must not become canonical.
    `signatures`: already computed (by ingest's workers), by doc_id; computed here otherwise.
    `earlier`: documents linked but not stored yet (ingest's previous batch, still being committed).
    Returns the signatures to save once the documents are stored.
    """
    batch: list[tuple[Signature, Document]] = []
    for document in documents:
        document.canonical_id = None
        own = signatures[document.doc_id] if signatures is not None else signature(document)
        if own is None:
            continue
        best: tuple[float, str] | None = None
        stored = store.similar_signatures(own.bands)
        own_bands = set(own.bands)
        unstored = [(s.doc_id, d.canonical_id, s.minhash) for s, d in (*earlier, *batch)
                    if own_bands.intersection(s.bands)]
        for doc_id, canonical_id, minhash in [(d, c, minhash_from_bytes(b)) for d, c, b in stored] + unstored:
            if doc_id == document.doc_id or doc_id in exclude:
                continue
            similarity = own.minhash.jaccard(minhash)
            if similarity >= SIMILARITY_THRESHOLD and (best is None or similarity > best[0]):
                best = (similarity, canonical_id if canonical_id and canonical_id not in exclude else doc_id)
        if best is not None and best[1] != document.doc_id:
            document.canonical_id = best[1]
        batch.append((own, document))
    return [own for own, _ in batch]
