from pathlib import Path

from index.engine import merging, search_index
from index.engine.search_index import SearchIndex
from index.store.related_terms import GENERATION_KEY, learned_from
from index.write import pipeline, related_terms
from index.write.pipeline import _Ahead, _once, ingest_paths
from index.write.prepare import prepare_file


def test_reingesting_unchanged_files_changes_nothing(library, corpus_copy):
    first = ingest_paths([corpus_copy], library)
    passages_before = library.index.doc_count()
    second = ingest_paths([corpus_copy], library)
    assert len(first.by_status("ingested")) == 5
    assert len(second.by_status("unchanged")) == 5 and not second.by_status("ingested")
    assert library.index.doc_count() == passages_before
    assert library.store.count_documents() == 11  # eleven articles on five pages


def test_changed_file_replaces_its_old_document(library, tmp_path):
    path = tmp_path / "note.txt"
    path.write_text("小区议事会\n\n业主们商量加装电梯的事情。", encoding="utf-8")
    old = ingest_paths([path], library).outcomes[0].doc_ids
    path.write_text("小区议事会\n\n业主们商量更换物业公司的事情。", encoding="utf-8")
    new = ingest_paths([path], library).outcomes[0].doc_ids
    assert old != new
    assert library.store.doc_ids() == set(new)
    assert library.index.indexed_doc_ids() == set(new)


def test_one_bad_file_does_not_stop_the_batch(library, tmp_path):
    (tmp_path / "good.txt").write_text("红色物业\n\n社区党委牵头成立业委会。", encoding="utf-8")
    (tmp_path / "empty.txt").write_bytes(b"")
    (tmp_path / "binary.txt").write_bytes(bytes(range(256)) * 4)
    report = ingest_paths([tmp_path], library).to_json()
    assert [Path(e["path"]).name for e in report["ingested"]] == ["good.txt"]
    failed = {Path(f["path"]).name: f["error"] for f in report["failed"]}
    assert set(failed) == {"empty.txt", "binary.txt"}
    assert all("txt" in message for message in failed.values())


def test_gbk_text_is_decoded(library, tmp_path):
    path = tmp_path / "gbk.txt"
    path.write_bytes("标题:业委会换届\n\n街道指导小区业主委员会完成换届选举。".encode("gbk"))
    report = ingest_paths([path], library)
    document = library.store.get_document(report.outcomes[0].doc_ids[0])
    assert "业主委员会" in document.text


def test_same_text_under_a_second_name_is_indexed_once(library, tmp_path):
    """A document's id comes from its text, so a copy of a file upserts the document the first file indexed."""
    text = "业委会换届\n\n街道指导小区业主委员会完成换届选举，新一届委员名单在小区公示。"
    (tmp_path / "first").mkdir()
    (tmp_path / "first" / "note.txt").write_text(text, encoding="utf-8")
    ingest_paths([tmp_path / "first"], library)
    passages = library.index.doc_count()
    (tmp_path / "second").mkdir()
    (tmp_path / "second" / "copy.txt").write_text(text, encoding="utf-8")
    report = ingest_paths([tmp_path / "second"], library)
    assert report.outcomes[0].status == "ingested"
    assert library.index.doc_count() == passages


class _CountingPreparer:
    """Prepares inline, counting what was submitted: how far ahead the writer asks the workers to work."""

    ahead, merge_ahead = 2, 3

    def __init__(self):
        self.submitted = 0

    def submit(self, path, data, source, url=None):
        self.submitted += 1
        return (path, data, source, url)

    def result(self, submitted, path):
        return prepare_file(*submitted)


def test_files_are_submitted_further_ahead_before_a_merge_and_collected_in_order(library, tmp_path):
    paths = []
    for number in range(12):
        paths.append(tmp_path / f"{number:02}.txt")
        paths[-1].write_text(f"第{number}号通知\n\n社区党委召开第{number}次红色物业联席会议。", encoding="utf-8")
    preparer = _CountingPreparer()
    ahead = _Ahead(_once(paths), library, preparer, {}, {})
    collected = iter(ahead)
    first = next(collected)[0]
    assert preparer.submitted == preparer.ahead + 1
    ahead.before_merge()
    assert preparer.submitted == preparer.ahead + preparer.merge_ahead + 2
    rest = [outcome for outcome, _ in collected]
    assert [Path(o.path).name for o in [first, *rest]] == [path.name for path in paths]
    assert preparer.submitted == len(paths)


def test_a_tier_the_last_batch_fills_is_merged_by_the_worker_not_by_the_last_commit(library, corpus_copy,
                                                                                    monkeypatch):
    """The last batch is adopted without merging: a tier it leaves full is merged at the end by the segment worker,
    while the writer reads the index for learning, not by the writer alone with every other process idle."""
    monkeypatch.setattr(pipeline, "BATCH_FILES", 1)
    monkeypatch.setattr(merging, "MERGE_FACTOR", 4)  # five batches: four adopted, then the last fills the tier
    monkeypatch.setattr(merging, "COMPACT_BELOW_PASSAGES", 0)  # nothing counts as small
    merged_here = []
    tiered = merging.tiered_merge
    monkeypatch.setattr(search_index, "tiered_merge",
                        lambda writer, segments: merged_here.append(len(segments)) or tiered(writer, segments))
    adopted = []
    adopt = SearchIndex.adopt_compacted
    monkeypatch.setattr(SearchIndex, "adopt_compacted",
                        lambda index, staged, sources: adopted.append(len(sources)) or adopt(index, staged, sources))
    report = ingest_paths([corpus_copy], library, workers=1)
    assert len(report.by_status("ingested")) == 5

    assert merged_here == [0, 1, 2, 3]  # the tier policy saw each commit's segments, and merged none of them
    assert adopted == [5]  # the five merged by the worker
    assert len(library.index.index._segments()) == 1
    assert library.index.indexed_doc_ids() == library.store.doc_ids()


def test_the_last_compaction_runs_in_a_worker_and_learning_reads_the_index_meanwhile(library, corpus_copy,
                                                                                       monkeypatch):
    """One batch per file: the run ends with small segments, merged by the segment worker while the writer reads
    the related terms' matrix; what it learns is what reading the compacted index gives."""
    monkeypatch.setattr(pipeline, "BATCH_FILES", 1)
    adopted = []
    adopt = SearchIndex.adopt_compacted
    monkeypatch.setattr(SearchIndex, "adopt_compacted",
                        lambda index, staged, sources: adopted.append(adopt(index, staged, sources)) or adopted[-1])
    report = ingest_paths([corpus_copy], library, workers=1)
    assert len(report.by_status("ingested")) == 5

    assert adopted == [True]  # merged by the worker, not here
    assert len(library.index.index._segments()) == 1
    learned = library.store.db.execute("SELECT * FROM related_terms ORDER BY word, related").fetchall()
    with library.index.searcher() as searcher:
        assert learned_from(library.store) == str(searcher.reader().generation())
    library.store.set_meta(GENERATION_KEY, "")
    assert related_terms.refresh(library)
    assert library.store.db.execute("SELECT * FROM related_terms ORDER BY word, related").fetchall() == learned
    assert learned
