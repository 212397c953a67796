"""Related terms learned from the corpus (index/write/related_terms.py): learned from pairs that share a passage in
several documents, relearned when the corpus changes, shown by analyze, added below the user's words."""
from __future__ import annotations

import itertools
import multiprocessing
import os
import sqlite3
from concurrent.futures import ProcessPoolExecutor

import numpy as np
import pytest
from click.testing import CliRunner
from scipy import sparse

from index.engine.cooccurrence import _apart_count, read_columns, term_matrix
from index.engine.search_index import SearchIndex
from index.query.filters import Filters
from index.query.syntax import QueryOptions
from index.results.explain import explain
from index.results.search import SearchRequest, expanded, search
from index.store.library import Library
from index.store.migrations import LATEST, MIGRATIONS
from index.store.related_terms import related_terms
from index.write import related_terms as learning
from index.write.pipeline import ingest_paths
from index.write.prepare import read_file
from search_api import writes
from search_api.cli import main

# Written for these tests: 履职 and 津贴 share a paragraph in three reports; 停车位 and 划线 share three paragraphs
# of one report only; the report on 考核 uses 履职 without any word of the question below.
REPORTS = {
    "jiangcheng.txt": "江城市业委会工作简报\n\n业委会委员按月领取履职津贴,标准由业主大会决定。\n\n社区开展消防演练,居民踊跃参加。",
    "hekou.txt": "河口区业委会建设情况\n\n履职津贴按季度发放,委员的履职情况接受业主监督。\n\n老旧小区加装电梯工作稳步推进。",
    "qingshui.txt": "清水镇小区治理见闻\n\n对认真履职的业委会成员给予适当津贴。\n\n垃圾分类志愿服务常态化开展。",
    "parking.txt": "东湖小区停车整治\n\n东区停车位已经完成划线。\n\n西区停车位划线工作过半。\n\n南门停车位划线由物业负责。",
    "kaohe.txt": "南岸街道物业考核\n\n街道每季度考核物业公司的履职情况。\n\n考核结果向全体业主公布。",
}
QUESTION = "委员津贴怎么发放"
USER_WORDS = ("委员", "津贴", "发放")


@pytest.fixture(autouse=True)
def small_corpus_thresholds(monkeypatch):
    """A handful of reports: every word is in a large share of the passages, so allow common words here."""
    monkeypatch.setattr(learning, "MAX_SHARE", 0.5)


def write_reports(folder, names):
    folder.mkdir(exist_ok=True)
    for name in names:
        (folder / name).write_text(REPORTS[name], encoding="utf-8")
    return [folder / name for name in names]


def related_of(library: Library, word: str) -> list[str]:
    return [relation.related for relation in related_terms(library.store, [word]).get(word, [])]


@pytest.fixture
def library(tmp_path) -> Library:
    library = Library(tmp_path / "home")
    assert not ingest_paths(write_reports(tmp_path / "docs", REPORTS), library, guarded=False).failed
    return library


def test_a_pair_is_learned_once_three_documents_share_it_and_relearned_as_the_corpus_changes(tmp_path):
    library = Library(tmp_path / "home")
    ingest_paths(write_reports(tmp_path / "docs", ["jiangcheng.txt", "hekou.txt", "parking.txt"]), library,
                 guarded=False)
    assert "履职" not in related_of(library, "津贴")  # two documents are their wording, not the corpus's
    ingest_paths(write_reports(tmp_path / "docs", ["qingshui.txt"]), library, guarded=False)
    assert "履职" in related_of(library, "津贴") and "津贴" in related_of(library, "履职")
    doc_id = next(d["doc_id"] for d in library.store.list_documents() if d["title"].startswith("清水镇"))
    writes.delete_document(library, doc_id, lock_wait=5)
    assert "履职" not in related_of(library, "津贴")


def test_an_ingest_that_moves_the_index_little_waits_to_relearn_and_a_delete_does_not(tmp_path, monkeypatch):
    """Ingest relearns only once the passage count has moved by RELEARN_SHARE (learning reads the whole index)."""
    monkeypatch.setattr(learning, "RELEARN_SHARE", 0.5)
    library = Library(tmp_path / "home")
    ingest_paths(write_reports(tmp_path / "docs", ["jiangcheng.txt", "hekou.txt", "parking.txt", "kaohe.txt"]),
                 library, guarded=False)
    assert "履职" not in related_of(library, "津贴")
    ingest_paths(write_reports(tmp_path / "docs", ["qingshui.txt"]), library, guarded=False)  # 16 passages, 13 learned from
    assert "履职" not in related_of(library, "津贴")  # not learned again yet
    doc_id = next(d["doc_id"] for d in library.store.list_documents() if d["title"].startswith("东湖"))
    writes.delete_document(library, doc_id, lock_wait=5)
    assert "履职" in related_of(library, "津贴")  # a delete learns again whatever it changed


def test_reindex_relearns_the_terms(library):
    with library.store.transaction() as db:
        db.execute("DELETE FROM related_terms")
    writes.reindex(library, lock_wait=5)
    assert "履职" in related_of(library, "津贴")


def test_a_pair_one_document_repeats_is_not_learned(library):
    assert "划线" not in related_of(library, "停车位") and "停车位" not in related_of(library, "划线")


def test_the_expansion_never_outranks_a_passage_holding_the_users_words(library):
    def hits(options):
        request = SearchRequest(QUESTION, size=50, collapse=False, filters=Filters(on_topic_only=False),
                                options=options)
        return [hit.text for hit in search(library, request).hits]

    found = hits(QueryOptions())
    by_related = [text for text in found if "考核物业公司的履职" in text]
    assert by_related, "the passage that answers in the corpus's words is found through 履职"
    assert by_related[0] not in hits(QueryOptions(related=False))
    holding = [position for position, text in enumerate(found) if any(word in text for word in USER_WORDS)]
    assert max(holding) < found.index(by_related[0])


def test_passages_only_the_expansion_finds_score_below_the_first_pass():
    generator = np.random.default_rng(14)
    for _ in range(20):
        first = np.sort(generator.choice(100, 10, replace=False))
        more = np.sort(generator.choice(100, 10, replace=False))
        first_scores, more_scores = generator.uniform(0.1, 5, 10), generator.uniform(0.1, 50, 10)
        docnums, scores = expanded(first, first_scores, more, more_scores)
        holding = np.isin(docnums, first)
        assert scores[holding].min() > scores[~holding].max(initial=0)


def test_analyze_shows_the_related_terms(library):
    words = {word["text"]: word for word in explain(library, QUESTION)["query"]["words"]}
    assert "履职" in [related["word"] for related in words["津贴"]["related"]]
    output = CliRunner().invoke(main, ["analyze", QUESTION, "--home", str(library.home)]).output
    assert "相关词(语料共现):" in output and "履职" in output


def test_the_migration_adds_the_table_to_an_older_store(tmp_path):
    home = tmp_path / "home"
    home.mkdir()
    db = sqlite3.connect(home / "redprop.sqlite3")
    adds_related = next(m.version for m in MIGRATIONS if "related terms" in m.name)
    for migration in MIGRATIONS[:adds_related - 1]:  # a store written by the version before
        db.executescript(migration.sql)
        if migration.apply is not None:
            migration.apply(db)
    db.execute(f"PRAGMA user_version = {adds_related - 1}")
    db.close()
    library = Library(home)
    library.store.migrate()
    assert library.store.schema_version() == LATEST
    assert related_terms(library.store, ["津贴"]) == {}


def test_pairs_counted_in_small_blocks_equal_a_direct_count(monkeypatch):
    """Memory stays flat because pairs are counted a block of words and a chunk of groups at a time, two blocks at
    once in two threads; the counts must be those of counting every passage and every group directly, whatever the
    block size and however many threads."""
    rng = np.random.default_rng(7)
    passages = rng.random((60, 12)) < 0.35
    groups = np.sort(rng.integers(0, 15, size=60))
    expected = {}
    for a in range(12):
        for b in range(a + 1, 12):
            both = passages[:, a] & passages[:, b]
            if both.sum() >= learning.MIN_DOCUMENTS:
                expected[(a, b)] = (int(both.sum()), len(set(groups[both].tolist())))
    matrix = sparse.csr_matrix(passages.astype(np.int32))
    for budget, threads in itertools.product((1, 50, 10**9), (1, 2)):
        monkeypatch.setattr(learning, "PRODUCT_ENTRIES", budget)
        a, b, together, support = learning._pairs(matrix, groups, threads=threads)
        found = {(i, j): (t, s) for i, j, t, s in zip(a.tolist(), b.tolist(), together.tolist(), support.tolist(),
                                                      strict=True)}
        assert found == expected
        # learn() keeps only the pairs it wants (strong ones) while counting: the same counts for those, in order
        a, b, together, support = learning._pairs(matrix, groups, lambda a, b, together: (a + b + together) % 2 == 0,
                                                    threads)
        kept = list(zip(a.tolist(), b.tolist(), strict=True))
        assert kept == sorted(pair for pair, (t, _) in expected.items() if (sum(pair) + t) % 2 == 0)
        assert all(expected[pair] == (t, s) for pair, t, s in zip(kept, together.tolist(), support.tolist(), strict=True))


def read_in_another_process(index_dir, asked: list):
    """`term_matrix`'s `apart`: the segments' columns read by a process of their own, as ingest's worker does."""
    pool = ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("fork"))

    def apart(segments, terms):
        asked.append(len(segments))
        future = pool.submit(read_columns, index_dir, segments, terms)
        return lambda: (future.result(), pool.shutdown())[0]
    return apart


def failing_process(asked: list):
    def apart(segments, terms):
        asked.append(len(segments))

        def waiting():
            raise MemoryError("the worker's memory limit")
        return waiting
    return apart


@pytest.mark.parametrize("elsewhere", ["here", "in another process", "another process failed"])
def test_term_matrix_reads_every_segment_without_deleted_passages(tmp_path, elsewhere):
    """The matrix is read segment by segment as arrays: each word's column must be the live passages Whoosh's own
    reader finds for it, across segments, none of them deleted; the same when another process reads the last
    segments, or fails to and they are read here."""
    paths = write_reports(tmp_path / "docs", REPORTS)
    documents = [document for path in paths for document in read_file(path, path.read_bytes())[0]]
    index = SearchIndex(tmp_path / "index")
    for document in documents:  # a commit each: one segment each
        index.update([document])
    index.update([], [documents[1].doc_id, documents[-1].doc_id])  # their passages stay, marked deleted
    asked: list[int] = []
    apart = {"here": None, "in another process": read_in_another_process(index.directory, asked),
             "another process failed": failing_process(asked)}[elsewhere]
    with index.searcher() as searcher:
        reader = searcher.reader()
        assert len(list(reader.leaf_readers())) == len(documents) and reader.has_deletions()
        matrix = term_matrix(searcher, learning.worth_relating, 1, 10**6, apart)
        assert asked == [] if apart is None else 0 < asked[0] < len(documents)  # the last segments, not all
        expected = {}
        for term, _ in reader.iter_field("body"):
            word = term.decode("utf-8")
            live = list(reader.postings("body", term).all_ids())
            if live and learning.worth_relating(word):
                expected[word] = live
        assert matrix.words == sorted(expected, key=lambda word: word.encode("utf-8"))
        assert {word: matrix.passages[:, column].nonzero()[0].tolist()
                for column, word in enumerate(matrix.words)} == expected
        assert matrix.total == reader.doc_count()


def mapped_kb(directory) -> int:
    """Resident kB of this process's mappings of the files in `directory` (Linux's /proc/self/smaps)."""
    resident, inside = 0, False
    with open("/proc/self/smaps", encoding="utf-8", errors="replace") as smaps:
        for line in smaps:
            fields = line.split()
            if "-" in fields[0] and not fields[0].endswith(":"):
                inside = len(fields) > 5 and fields[5].startswith(str(directory))
            elif inside and fields[0] == "Rss:":
                resident += int(fields[1])
    return resident


@pytest.mark.skipif(not os.path.exists("/proc/self/smaps"), reason="reads Linux's /proc/self/smaps")
def test_reading_the_matrix_leaves_no_segment_pages_in_memory(tmp_path):
    """Reading the matrix touches most of the index; at the end of a large ingest those pages sat on top of the
    matrix in the writer's memory. They are let go once each segment is read; the searcher still reads them."""
    paths = write_reports(tmp_path / "docs", REPORTS)
    index = SearchIndex(tmp_path / "index")
    index.update([document for path in paths for document in read_file(path, path.read_bytes())[0]])
    with index.searcher() as searcher:
        list(searcher.reader().iter_field("body"))
        assert mapped_kb(tmp_path / "index") > 0  # reading maps the segment's pages in ...
        matrix = term_matrix(searcher, learning.worth_relating, 1, 10**6)
        assert mapped_kb(tmp_path / "index") == 0  # ... and the matrix read lets them go
        word = matrix.words[0]
        assert list(searcher.reader().postings("body", word).all_ids()) == matrix.passages[:, 0].nonzero()[0].tolist()


def test_a_process_busy_merging_first_is_given_fewer_segments_of_the_matrix():
    assert _apart_count([100] * 10, busy=0) == 5  # half the passages each
    assert _apart_count([100] * 10, busy=100) == 2  # a merge costs MERGE_COST_IN_READS reads per passage
    assert _apart_count([100] * 10, busy=1_000) == 0
    assert _apart_count([100], busy=0) == 0  # the first segment is always read here
