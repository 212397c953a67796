"""Reposts: the same story ingested twice (another outlet, small edits) links to the earlier document."""
from __future__ import annotations

from index.write.pipeline import ingest_paths

STORY = (
    "青河市红色物业建设调研活动启动\n\n"
    "7月25日，青河市住建局联合晚报推出的红色物业建设调研活动在白沙区启动。调研活动将走进建设成果显著的街道和小区，"
    "通过调研和报道，全方位展示红色物业建设的经验做法，持续推动红色物业建设向纵深发展。\n\n"
    "调研首站在白沙区落地，调研人员一行走进红色物业党建基地、万象城小区、海源社区进行了调研。下午举行的座谈交流会上，"
    "优秀街道和项目代表分享了典型经验做法，专家作了发言和交流。\n"
)


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


def test_changed_file_does_not_point_at_its_own_old_version(library, tmp_path):
    path = tmp_path / "a.txt"
    path.write_text(STORY, encoding="utf-8")
    ingest_paths([path], library)
    path.write_text(STORY.replace("典型经验做法", "典型经验"), encoding="utf-8")
    (new,) = ingest_paths([path], library).outcomes[0].doc_ids
    assert library.store.get_document(new).canonical_id is None
