"""The term table remembers where each asked term is (index/engine/codec.py `_TermsReader`): what it answers is
what W3's table answers, and a term asked again is not looked up on disk again."""
from __future__ import annotations

from whoosh.codec.whoosh3 import W3TermsReader
from whoosh.reading import TermNotFound


def test_remembered_terms_answer_as_the_table_does(big_index, monkeypatch):
    with big_index.searcher() as searcher:
        terms = searcher.leaf_searchers()[0][0].reader()._terms
        terms.known = {}  # as a freshly opened segment
        present, absent = ("body", "物业".encode()), ("body", "不存在的词".encode())
        probes = []
        real = terms._tindex.ranges_for_key
        monkeypatch.setattr(terms._tindex, "ranges_for_key", lambda key: probes.append(key) or real(key))
        for _ in range(3):
            assert present in terms and absent not in terms
            info = terms.term_info(*present)
            assert terms.doc_frequency(*present) == info.doc_frequency() > 0
        assert len(probes) == 2  # once per term
        plain = W3TermsReader.term_info(terms, *present)
        assert (info.doc_frequency(), info.weight(), info.max_length()) == (
            plain.doc_frequency(), plain.weight(), plain.max_length())
        try:
            terms.term_info(*absent)
            raise AssertionError("a missing term has no record")
        except TermNotFound:
            pass
