"""Facet counts from cached arrays equal the direct count over stored fields, per document not per passage."""
from __future__ import annotations

from collections import Counter

from whoosh import query as q

from index.facets import FACET_FIELDS, count_facets
from index.library import Library
from ingest.models import DocType, Document, Passage


def naive_facets(searcher, docnums):
    seen: set[str] = set()
    counts = {name: Counter() for name in FACET_FIELDS}
    for docnum in docnums:
        fields = searcher.stored_fields(docnum)
        if fields["doc_id"] in seen:
            continue
        seen.add(fields["doc_id"])
        for place in filter(None, (fields.get("places") or "").split(",")):
            counts["places"][place] += 1
        counts["year"][fields.get("year") or "未知"] += 1
        counts["doc_type"][fields.get("doc_type")] += 1
        counts["source"][fields.get("source")] += 1
    return {name: dict(counter.most_common()) for name, counter in counts.items()}, len(seen)


def make_document(number: int, places: list[str], date: str | None, doc_type: DocType) -> Document:
    doc_id = f"doc{number:04d}"
    passages = [Passage(f"{doc_id}-{i:04d}", i, f"第{i}段 物业服务 小区{number % 3}") for i in range(1 + number % 3)]
    return Document(doc_id, f"src{number % 4}.txt", f"/x/{number}", f"标题{number}", doc_type, passages,
                    date=date, places=places)


def test_counts_match_the_direct_method_across_segments_and_deletions(tmp_path):
    library = Library(tmp_path)
    provinces = ["山东省", "浙江省", "湖北省"]
    documents = [
        make_document(n, provinces[: n % 4], f"{2018 + n % 5}-01-01" if n % 6 else None,
                      DocType.POLICY if n % 5 == 0 else DocType.NEWS)
        for n in range(40)
    ]
    library.index.update(documents[:25])
    library.index.update(documents[25:], removed_doc_ids=["doc0003", "doc0007"])  # a second segment, deletions
    with library.index.searcher() as searcher:
        for query in (q.Term("body", "物业"), q.Term("source", "src1.txt"), q.Term("doc_type", "policy")):
            docnums = list(query.docs(searcher))
            assert docnums
            assert count_facets(searcher, docnums) == naive_facets(searcher, docnums)
        assert count_facets(searcher, []) == ({name: {} for name in FACET_FIELDS}, 0)


def test_counts_survive_a_restart_from_saved_arrays(tmp_path):
    library = Library(tmp_path)
    library.index.update([make_document(n, ["山东省"], "2020-05-01", DocType.NEWS) for n in range(6)])
    with library.index.searcher() as searcher:
        first = count_facets(searcher, list(q.Term("body", "物业").docs(searcher)))
    reopened = Library(tmp_path)
    with reopened.index.searcher() as searcher:
        assert count_facets(searcher, list(q.Term("body", "物业").docs(searcher))) == first
    assert first[0]["places"] == {"山东省": 6} and first[1] == 6


def test_arrays_are_saved_beside_their_segment(tmp_path):
    library = Library(tmp_path)
    library.index.update([make_document(n, ["山东省"], "2020-05-01", DocType.NEWS) for n in range(3)])
    with library.index.searcher() as searcher:
        count_facets(searcher, list(q.Term("body", "物业").docs(searcher)))
    assert list(library.index.directory.glob("*.facets.npz"))
