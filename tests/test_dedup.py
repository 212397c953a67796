"""Reposts: the same story ingested twice (another outlet, small edits) links to the earlier document."""
from __future__ import annotations

import hashlib
import sqlite3

import numpy as np
import pytest
from datasketch import MinHash

from index.store.migrations import StoreVersionError
from index.write.pipeline import ingest_paths
from ingest.dedup import NUM_PERM, SHINGLE_CHARS, comparable_code_points, text_signature
from ingest.text.fold import fold

STORY = (
    "青河市红色物业建设调研活动启动\n\n"
    "7月25日，青河市住建局联合晚报推出的红色物业建设调研活动在白沙区启动。调研活动将走进建设成果显著的街道和小区，"
    "通过调研和报道，全方位展示红色物业建设的经验做法，持续推动红色物业建设向纵深发展。\n\n"
    "调研首站在白沙区落地，调研人员一行走进红色物业党建基地、万象城小区、海源社区进行了调研。下午举行的座谈交流会上，"
    "优秀街道和项目代表分享了典型经验做法，专家作了发言和交流。\n"
)

PINNED_VALUES, PINNED_BAND = [20518574, 1179395, 17278664], "0:68d11fd04b21906d"  # SCHEME "multiply-add-shift-1"


def test_repost_with_small_edits_points_at_the_earlier_document(library, tmp_path):
    first, second, other = tmp_path / "a.txt", tmp_path / "b.txt", tmp_path / "c.txt"
    first.write_text(STORY, encoding="utf-8")
    ingest_paths([first], library)
    second.write_text(STORY.replace("7月25日，", "本报讯 7月25日，").replace("典型经验做法", "典型经验"), encoding="utf-8")
    other.write_text(STORY.replace("调研", "检查").replace("红色物业", "垃圾分类").replace("小区", "学校"), encoding="utf-8")
    ingest_paths([second, other], library)
    (original,) = library.store.file_state(str(first.resolve())).doc_ids
    (repost,) = library.store.file_state(str(second.resolve())).doc_ids
    (unrelated,) = library.store.file_state(str(other.resolve())).doc_ids
    assert repost != original
    assert library.store.get_document(repost).canonical_id == original
    assert library.store.get_document(original).canonical_id is None
    assert library.store.get_document(unrelated).canonical_id is None


def test_two_copies_in_one_batch_link_to_the_first(library, tmp_path):
    (tmp_path / "a.txt").write_text(STORY, encoding="utf-8")
    (tmp_path / "b.txt").write_text(STORY.replace("白沙区", "白沙县"), encoding="utf-8")
    report = ingest_paths([tmp_path], library)
    first, second = (outcome.doc_ids[0] for outcome in report.outcomes)
    assert library.store.get_document(second).canonical_id == first


def test_a_copy_in_the_next_batch_links_before_the_first_batch_is_stored(library, tmp_path, monkeypatch):
    """Ingest links a batch's reposts while the previous batch is still being committed (its segment written
    by one worker as the writer stores the batch before): a copy of a document in that batch still links."""
    from index.write import pipeline
    monkeypatch.setattr(pipeline, "BATCH_FILES", 1)
    (tmp_path / "a.txt").write_text(STORY, encoding="utf-8")
    (tmp_path / "b.txt").write_text(STORY.replace("白沙区", "白沙县"), encoding="utf-8")
    (tmp_path / "c.txt").write_text(STORY.replace("海源社区", "海滨社区"), encoding="utf-8")
    report = ingest_paths([tmp_path], library)
    first, second, third = (outcome.doc_ids[0] for outcome in report.outcomes)
    assert library.store.get_document(first).canonical_id is None
    assert library.store.get_document(second).canonical_id == first
    assert library.store.get_document(third).canonical_id == first
    assert library.index.indexed_doc_ids() >= {first, second, third}  # every batch adopted, the last one too


def test_a_copy_of_a_copy_in_the_next_batch_links_to_the_original(library, tmp_path, monkeypatch):
    """The uncommitted batch's documents are matched to their own signatures, though a document too short to
    compare has none: a copy of a repost links to the repost's original."""
    from index.write import pipeline
    monkeypatch.setattr(pipeline, "BATCH_FILES", 3)
    (tmp_path / "a.txt").write_text(STORY, encoding="utf-8")
    (tmp_path / "b.txt").write_text("白沙区通知\n\n明日停水。\n", encoding="utf-8")
    (tmp_path / "c.txt").write_text(STORY.replace("白沙区", "白沙县"), encoding="utf-8")
    (tmp_path / "d.txt").write_text(STORY.replace("白沙区", "白沙县").replace("海源社区", "海滨社区"), encoding="utf-8")
    report = ingest_paths([tmp_path], library)
    original, short, repost, copy = (outcome.doc_ids[0] for outcome in report.outcomes)
    assert library.store.get_document(short).canonical_id is None
    assert library.store.get_document(repost).canonical_id == original
    assert library.store.get_document(copy).canonical_id == original


def test_changed_file_does_not_point_at_its_own_old_version(library, tmp_path):
    path = tmp_path / "a.txt"
    path.write_text(STORY, encoding="utf-8")
    ingest_paths([path], library)
    path.write_text(STORY.replace("典型经验做法", "典型经验"), encoding="utf-8")
    (new,) = ingest_paths([path], library).outcomes[0].doc_ids
    assert library.store.get_document(new).canonical_id is None


def shingle_jaccard(first: str, second: str) -> float:
    """The exact Jaccard similarity the signature estimates, from the shingle sets themselves."""
    def shingles(text: str) -> set[str]:
        kept = "".join(chr(c) for c in comparable_code_points(fold(text)))
        return {kept[i:i + SHINGLE_CHARS] for i in range(len(kept) - SHINGLE_CHARS + 1)}
    a, b = shingles(first), shingles(second)
    return len(a & b) / len(a | b)


def edited(story: str, share: float) -> str:
    """The story with its first `share` of sentences rewritten (a repost's edits, or a different article)."""
    sentences = story.split("。")
    cut = round(len(sentences) * share)
    return "。".join([f"第{n}句换成另一件事：{n * 7}号楼加装电梯，居民议事会商量了分摊办法和施工时间" for n in range(cut)]
                    + sentences[cut:])


@pytest.mark.parametrize("share", [0.0, 0.2, 0.4, 0.6, 0.8])
def test_the_signature_estimates_the_shingle_jaccard(share):
    other = edited(STORY, share)
    exact = shingle_jaccard(STORY, other)
    estimate = text_signature("a", "", STORY).similarity(text_signature("b", "", other).values)
    assert abs(estimate - exact) < 0.15, (exact, estimate)  # 128 minima: standard error ≤ 0.045


def test_the_scheme_is_fixed():
    """The same text gives the same signature in every process and run: stored signatures compare with new ones.
    A change here is a new scheme, which needs a migration that recomputes the stored signatures."""
    own = text_signature("a", "标题", STORY)
    assert own.values.dtype == np.dtype("<u4") and len(own.to_bytes()) == NUM_PERM * 4
    assert own.values[:3].tolist() == PINNED_VALUES and own.bands[0] == PINNED_BAND


def old_scheme_rows(db: sqlite3.Connection) -> None:
    """Rewrite the stored signatures as the scheme before migration 9 wrote them: datasketch's MinHash of the
    same shingles (SHA-1 per shingle, 64-bit values) and SHA-1 band keys; the store back at version 8."""
    rows = db.execute("SELECT doc_id FROM signatures").fetchall()
    db.execute("DELETE FROM signature_bands")
    for (doc_id,) in rows:
        title, text = db.execute("SELECT title, group_concat(text, char(10)) FROM documents JOIN passages "
                                 "USING (doc_id) WHERE doc_id = ? ORDER BY ordinal", (doc_id,)).fetchone()
        kept = "".join(chr(c) for c in comparable_code_points(fold(title + "\n" + text)))
        minhash = MinHash(num_perm=NUM_PERM, seed=20240601, scheme="affine32")
        minhash.update_batch(kept[i:i + SHINGLE_CHARS].encode() for i in range(len(kept) - SHINGLE_CHARS + 1))
        values = minhash.hashvalues
        db.execute("UPDATE signatures SET minhash = ? WHERE doc_id = ?", (values.astype(np.uint64).tobytes(), doc_id))
        db.executemany("INSERT INTO signature_bands(band, doc_id) VALUES (?, ?)",
                       [(f"{band}:{hashlib.sha1(values[band * 4:band * 4 + 4].tobytes()).hexdigest()[:16]}", doc_id)
                        for band in range(NUM_PERM // 4)])
    db.execute("PRAGMA user_version = 8")


def signature_rows(library) -> dict[str, tuple[bytes, list[str]]]:
    db = library.store.db
    return {doc_id: (minhash, sorted(band for (band,) in db.execute(
                "SELECT band FROM signature_bands WHERE doc_id = ?", (doc_id,))))
            for doc_id, minhash in db.execute("SELECT doc_id, minhash FROM signatures")}


def test_an_upgraded_library_recomputes_its_signatures_and_keeps_finding_reposts(library, tmp_path):
    (tmp_path / "a.txt").write_text(STORY, encoding="utf-8")
    (tmp_path / "b.txt").write_text(STORY.replace("调研", "检查").replace("红色物业", "垃圾分类"), encoding="utf-8")
    ingest_paths([tmp_path / "a.txt", tmp_path / "b.txt"], library)
    fresh = signature_rows(library)
    assert len(fresh) == 2
    with library.store.transaction() as db:
        old_scheme_rows(db)
    library.store.close()
    with pytest.raises(StoreVersionError):
        library.store.count_documents()
    assert [migration.version for migration in library.store.migrate()] == [9]
    assert signature_rows(library) == fresh
    (tmp_path / "c.txt").write_text(STORY.replace("典型经验做法", "典型经验"), encoding="utf-8")
    (repost,) = ingest_paths([tmp_path / "c.txt"], library).outcomes[0].doc_ids
    (original,) = library.store.file_state(str((tmp_path / "a.txt").resolve())).doc_ids
    assert library.store.get_document(repost).canonical_id == original
