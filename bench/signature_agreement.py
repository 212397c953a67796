"""`python -m bench.signature_agreement CORPUS [--files N] [--reposts DIR]`: the repost signature's scheme
(ingest/dedup.py) against the one before it (datasketch's MinHash, SHA-1 per shingle and per band, migration 9
replaced it) and against the exact Jaccard similarity of the shingle sets.

Pairs from the first N documents of a generated corpus: each document with a copy of itself in which a share
of its sentences (0 to 0.9, in steps) is replaced by sentences of another document (a repost with edits), and
each document with the next one (unrelated). For each scheme: its error against the exact similarity, whether
the pair reaches SIMILARITY_THRESHOLD and whether it shares a band (an LSH candidate); and the CPU seconds of
signing the N documents. `--reposts DIR` also writes the originals and the edited copies as files, for an
`redprop ingest` with each scheme whose `canonical_id`s can then be compared. Prints JSON.
"""
from __future__ import annotations

import argparse
import hashlib
import json
import random
import time
from pathlib import Path

import numpy as np
from datasketch import MinHash

from index.write.prepare import read_file
from ingest.dedup import (
    BANDS,
    NUM_PERM,
    ROWS,
    SHINGLE_CHARS,
    SIMILARITY_THRESHOLD,
    comparable_code_points,
    text_signature,
)
from ingest.text.fold import fold

EDIT_SHARES = [0.0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9]
OLD_SEED = 20240601  # the former scheme's datasketch seed


def kept_text(title: str, text: str) -> str:
    return "".join(map(chr, comparable_code_points(fold(title + "\n" + text))))


def shingles(kept: str) -> list[str]:
    return [kept[i:i + SHINGLE_CHARS] for i in range(len(kept) - SHINGLE_CHARS + 1)]


def old_signature(kept: str, permutations: np.ndarray) -> tuple[np.ndarray, set[str]]:
    """The former scheme: datasketch's MinHash of the UTF-8 shingles, band keys from SHA-1."""
    minhash = MinHash(num_perm=NUM_PERM, seed=OLD_SEED, scheme="affine32", permutations=permutations)
    minhash.update_batch(shingle.encode("utf-8") for shingle in shingles(kept))
    values = minhash.hashvalues
    return values, {f"{b}:{hashlib.sha1(values[b * ROWS:(b + 1) * ROWS].tobytes()).hexdigest()[:16]}"
                    for b in range(BANDS)}


def edited(text: str, donor: str, share: float, rng: random.Random) -> str:
    """`text` with `share` of its sentences replaced by the donor's (a repost with edits)."""
    sentences, spare = text.split("。"), [s for s in donor.split("。") if s.strip()] or ["另一篇文章的句子"]
    for position in rng.sample(range(len(sentences)), round(len(sentences) * share)):
        sentences[position] = rng.choice(spare)
    return "。".join(sentences)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("corpus", type=Path)
    parser.add_argument("--files", type=int, default=300)
    parser.add_argument("--reposts", type=Path, help="write originals and edited copies here as .txt files")
    args = parser.parse_args()
    rng = random.Random(1)
    paths = sorted((args.corpus / "docs").rglob("*.txt"))[: args.files]
    documents = [(d.title, d.text) for path in paths for d in read_file(path, path.read_bytes())[0]]
    copies = [(title, edited(text, documents[(n + 7) % len(documents)][1], EDIT_SHARES[n % len(EDIT_SHARES)], rng))
              for n, (title, text) in enumerate(documents)]

    permutations = MinHash(num_perm=NUM_PERM, seed=OLD_SEED, scheme="affine32").permutations
    started = time.process_time()
    old = [old_signature(kept_text(*document), permutations) for document in documents + copies]
    old_cpu = time.process_time() - started
    started = time.process_time()
    new = [text_signature(str(n), *document) for n, document in enumerate(documents + copies)]
    new_cpu = time.process_time() - started
    kept = [set(shingles(kept_text(*document))) for document in documents + copies]

    count = len(documents)
    pairs = [(n, count + n, "repost") for n in range(count)] + [(n, (n + 1) % count, "unrelated") for n in range(count)]
    rows = []
    for a, b, kind in pairs:
        if new[a] is None or new[b] is None:
            continue
        exact = len(kept[a] & kept[b]) / len(kept[a] | kept[b])
        old_estimate = float(np.mean(old[a][0] == old[b][0]))
        new_estimate = new[a].similarity(new[b].values)
        rows.append((kind, exact, old_estimate, new_estimate, bool(old[a][1] & old[b][1]),
                     bool(set(new[a].bands) & set(new[b].bands))))
    exact, old_estimate, new_estimate = (np.array([row[i] for row in rows]) for i in (1, 2, 3))
    old_link, new_link = old_estimate >= SIMILARITY_THRESHOLD, new_estimate >= SIMILARITY_THRESHOLD
    old_candidate, new_candidate = np.array([row[4] for row in rows]), np.array([row[5] for row in rows])
    above = exact >= SIMILARITY_THRESHOLD
    print(json.dumps({
        "documents": count, "pairs": len(rows), "repost_pairs": sum(row[0] == "repost" for row in rows),
        "pairs_exact_at_or_above_threshold": int(above.sum()),
        "signature_cpu_seconds": {"old": round(old_cpu, 3), "new": round(new_cpu, 3),
                                  "new_vs_old": round(new_cpu / old_cpu, 3)},
        "mean_abs_new_minus_old": round(float(np.abs(new_estimate - old_estimate).mean()), 4),
        "mean_error_vs_exact": {"old": round(float((old_estimate - exact).mean()), 4),
                                "new": round(float((new_estimate - exact).mean()), 4)},
        "rms_error_vs_exact": {"old": round(float(np.sqrt(((old_estimate - exact) ** 2).mean())), 4),
                               "new": round(float(np.sqrt(((new_estimate - exact) ** 2).mean())), 4)},
        "mean_error_vs_exact_by_exact": {
            f"{low:.1f}-{low + 0.2:.1f}": {"pairs": int(inside.sum()),
                                           "old": round(float((old_estimate - exact)[inside].mean()), 4),
                                           "new": round(float((new_estimate - exact)[inside].mean()), 4)}
            for low in (0.0, 0.2, 0.4, 0.6, 0.8)
            if (inside := (exact >= low) & ((exact < low + 0.2) | (low == 0.8))).any()},
        "same_decision_at_threshold": int((old_link == new_link).sum()),
        "linked": {"old": int(old_link.sum()), "new": int(new_link.sum())},
        "linked_but_exact_below_threshold": {"old": int((old_link & ~above).sum()), "new": int((new_link & ~above).sum())},
        "exact_above_but_not_linked": {"old": int((~old_link & above).sum()), "new": int((~new_link & above).sum())},
        "candidates_missed_above_threshold": {"old": int((~old_candidate & above).sum()),
                                              "new": int((~new_candidate & above).sum())},
    }, indent=2))
    if args.reposts:
        args.reposts.mkdir(parents=True, exist_ok=True)
        for n, (title, text) in enumerate(documents + copies):
            (args.reposts / f"{n:06d}.txt").write_text(f"{title}\n\n{text}\n", encoding="utf-8")


if __name__ == "__main__":
    main()
