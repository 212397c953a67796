"""Reposts: near-duplicate documents (the same story from two outlets, or re-ingested with small edits).

MinHash over character shingles of the folded text, letters and digits only, so punctuation, spacing and width
differences do not matter. Candidates come from banded signatures kept in the store (locality-sensitive
hashing); a candidate whose estimated Jaccard similarity reaches the threshold makes the new document point at
it: `canonical_id` = the earlier document (or that one's own canonical document).

The scheme (SCHEME, computed in numpy for all shingles of a text at once; datasketch hashed each shingle with
SHA-1 in a Python loop, most of the signature's CPU):
- a shingle = SHINGLE_CHARS consecutive code points c0…c4 → a 32-bit id, ((K0 + Σ Kj·cj) mod 2^64) >> 32;
- permutation i of NUM_PERM: id → ((Ai·id + Bi) mod 2^64) >> 32; the signature keeps each permutation's
  minimum over the text's shingles (32-bit values, stored little-endian);
- band b (ROWS values) → a 64-bit key, (Σ Rj·vj + R0) mod 2^64, saved as "b:<16 hex digits>".
Both hashes are multiply-add-shift, strongly universal for these input sizes (Dietzfelbinger 1996; Thorup,
"High speed hashing for integers and strings", 2015). Their 64-bit constants are read from SHAKE-128 of a
fixed label, so they are the same in every process, run and numpy version (no Python `hash()`, no numpy
random stream). A change to any of this is a new SCHEME and a store migration that recomputes the stored
signatures (index/store/migrations.py), since signatures of two schemes do not compare.
"""
from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np

from ingest.models import Document
from ingest.text.fold import fold

NUM_PERM = 128
SCHEME = "multiply-add-shift-1"  # the label the hash constants are drawn from; stored signatures are of this scheme
SHINGLE_CHARS = 5
# 32 bands of 4 rows: pairs above ~0.45 similarity almost always share a band; the threshold decides.
BANDS = 32
ROWS = NUM_PERM // BANDS
# Reposts with a third of their sentences edited still score above 0.8; different articles on one page
# about the same campaign stay below 0.1 (measured on the seed pages).
SIMILARITY_THRESHOLD = 0.6
# Texts shorter than this (letters/digits) are too small to call copies of each other.
MIN_CHARS = 80
# What is compared: CJK ideographs (extension A and the basic block), ASCII letters and digits, inclusive.
COMPARABLE_RANGES = ((0x3400, 0x9FFF), (ord("A"), ord("Z")), (ord("a"), ord("z")), (ord("0"), ord("9")))
SIGNATURE_DTYPE = np.dtype("<u4")  # as stored: NUM_PERM little-endian 32-bit minima
# Shingles hashed per broadcast step: a long regulation needs NUM_PERM × CHUNK × 8 bytes at a time, not its length.
CHUNK = 1024


def _constants(name: str, count: int) -> np.ndarray:
    """`count` 64-bit hash constants, the same everywhere: SHAKE-128 of the scheme's label."""
    digest = hashlib.shake_128(f"redprop {SCHEME} {name}".encode()).digest(8 * count)
    return np.frombuffer(digest, dtype="<u8").astype(np.uint64)


_SHINGLE = _constants("shingle", SHINGLE_CHARS + 1)
_PERMUTATION_A = _constants("permutation-a", NUM_PERM)[:, None]
_PERMUTATION_B = _constants("permutation-b", NUM_PERM)[:, None]
_BAND = _constants("band", ROWS + 1)
_HALF = np.uint64(32)
_NO_SHINGLE = np.uint64(np.iinfo(np.uint64).max)


@dataclass
class Signature:
    doc_id: str
    values: np.ndarray  # NUM_PERM minima, SIGNATURE_DTYPE
    bands: list[str] = field(init=False)  # LSH band keys, computed once with the signature (in ingest's workers)

    def __post_init__(self) -> None:
        keys = (self.values.astype(np.uint64).reshape(BANDS, ROWS) * _BAND[1:]).sum(axis=1, dtype=np.uint64)
        self.bands = [f"{band}:{key:016x}" for band, key in enumerate((keys + _BAND[0]).tolist())]

    def to_bytes(self) -> bytes:
        return self.values.astype(SIGNATURE_DTYPE).tobytes()

    def similarity(self, values: np.ndarray) -> float:
        """Estimated Jaccard similarity of the two texts' shingle sets: the share of equal minima."""
        return np.count_nonzero(self.values == values) / NUM_PERM


def values_from_bytes(data: bytes) -> np.ndarray:
    """A stored signature's minima (Signature.to_bytes)."""
    if len(data) != NUM_PERM * SIGNATURE_DTYPE.itemsize:
        raise ValueError(f"repost signature of {len(data)} bytes, not {NUM_PERM * SIGNATURE_DTYPE.itemsize}: "
                         "written by another scheme (redprop migrate recomputes it)")
    return np.frombuffer(data, dtype=SIGNATURE_DTYPE)


def _comparable_table() -> np.ndarray:
    """Whether each code point of the BMP is compared (COMPARABLE_RANGES); the last one, U+FFFF, is not."""
    table = np.zeros(0x10000, dtype=bool)
    for low, high in COMPARABLE_RANGES:
        table[low : high + 1] = True
    return table


_COMPARABLE = _comparable_table()
_LAST_BMP = np.uint32(0xFFFF)


def comparable_code_points(folded: str) -> np.ndarray:
    """The letters and digits (COMPARABLE_RANGES) of a folded text, as code points."""
    points = np.frombuffer(folded.encode("utf-32-le", "surrogatepass"), dtype="<u4")
    # One look-up per character rather than two comparisons per range; beyond the BMP reads U+FFFF's "no".
    return points[_COMPARABLE[np.minimum(points, _LAST_BMP)]]


def text_signature(doc_id: str, title: str, text: str) -> Signature | None:
    """The signature of a document's title and text (what `signature` reads); None for texts too short to
    compare. The store's migration recomputes stored signatures with it."""
    # Folded apart (no folding rule spans a line break): ingest has just folded both, and fold remembers them.
    points = comparable_code_points(fold(title) + "\n" + fold(text)).astype(np.uint64)
    if len(points) < MIN_CHARS:
        return None
    count = len(points) - SHINGLE_CHARS + 1
    shingles = np.full(count, _SHINGLE[0], dtype=np.uint64)
    for offset in range(SHINGLE_CHARS):
        shingles += _SHINGLE[offset + 1] * points[offset : offset + count]
    shingles >>= _HALF
    minima = np.full(NUM_PERM, _NO_SHINGLE, dtype=np.uint64)
    for start in range(0, count, CHUNK):
        hashed = _PERMUTATION_A * shingles[start : start + CHUNK]
        hashed += _PERMUTATION_B
        np.minimum(minima, hashed.min(axis=1), out=minima)
    # The shift is monotone, so it is taken once on the minima rather than on every hashed shingle.
    return Signature(doc_id, (minima >> _HALF).astype(SIGNATURE_DTYPE))


def signature(document: Document) -> Signature | None:
    """None for texts too short to compare."""
    return text_signature(document.doc_id, document.title, document.text)


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
    unstored: list[tuple[Signature, Document]] = list(earlier)  # then this batch's, as each is linked
    by_band: dict[str, list[int]] = {}  # band key -> positions in `unstored`: a batch is not compared pair by pair
    for position, (own, _) in enumerate(unstored):
        for band in own.bands:
            by_band.setdefault(band, []).append(position)
    for document in documents:
        document.canonical_id = None
        own = signatures[document.doc_id] if signatures is not None else signature(document)
        if own is None:
            continue
        best: tuple[float, str] | None = None
        stored = store.similar_signatures(own.bands)
        near = sorted({position for band in own.bands for position in by_band.get(band, ())})
        candidates = [(d, c, values_from_bytes(b)) for d, c, b in stored] + \
            [(unstored[p][0].doc_id, unstored[p][1].canonical_id, unstored[p][0].values) for p in near]
        for doc_id, canonical_id, values in candidates:
            if doc_id == document.doc_id or doc_id in exclude:
                continue
            similarity = own.similarity(values)
            if similarity >= SIMILARITY_THRESHOLD and (best is None or similarity > best[0]):
                best = (similarity, canonical_id if canonical_id and canonical_id not in exclude else doc_id)
        if best is not None and best[1] != document.doc_id:
            document.canonical_id = best[1]
        for band in own.bands:
            by_band.setdefault(band, []).append(len(unstored))
        unstored.append((own, document))
    return [own for own, _ in unstored[len(earlier):]]
