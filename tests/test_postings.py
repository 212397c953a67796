"""Fewer, cheaper postings (issue 18): the title indexed once per document and inherited by its passages, grams
only where jieba is unsure with substrings found from the term dictionary, compact position values — and
nothing a user could find before is lost."""
import pytest
from search_fixtures import build_library, document

from index.engine.postings import CompactPositions, decode_positions, encode_positions
from index.engine.substrings import words_containing
from index.query.filters import Filters
from index.results.search import SearchRequest, search
from index.store import consistency

EVERYTHING = Filters(on_topic_only=False)

DOCUMENTS = [
    document("lift", "老旧小区加装电梯", [
        "居民议事会商定了费用分摊办法，低层住户少出一些。",
        "楼道里贴出了施工公示，工期三个月。",
        "居民苟晓旸说，终于不用再爬六楼了。",
    ]),
    document("bulletin", "社区工作简报", [
        "加装电梯工作在全区稳步推进。",
        "物业费分摊办法仍在征求意见。",
    ]),
    document("talk", "业主恳谈会纪要", [
        "会上大家对停车位划线提了不少意见。",
        "下次会议定在月底。",
    ]),
    document("law", "学习民法典", [
        "中华人民共和国民法典自二〇二一年起施行，物业服务合同单列一章。",
    ]),
]


def hits(library, text, **kwargs):
    return search(library, SearchRequest(text, filters=EVERYTHING, **kwargs)).hits


@pytest.fixture
def indexed(library):
    return build_library(library, DOCUMENTS)


def test_the_title_is_indexed_once_per_document(indexed):
    with indexed.index.searcher() as searcher:
        assert searcher.doc_frequency("title", "电梯") == 1  # one document record, not one per passage
    assert indexed.index.doc_count() == sum(len(doc.passages) for doc in DOCUMENTS)
    assert consistency.check(indexed).ok  # records are not counted as passages


def test_a_title_word_counts_for_every_passage_of_its_document(indexed):
    # 电梯 only in the title of "lift", 分摊办法 in its first passage: that passage has every word and ranks
    # above the bulletin's passages, each with one of the words in its own text
    first = hits(indexed, "电梯 分摊办法", collapse=False)[0]
    assert (first.doc_id, first.ordinal) == ("lift", 0)


def test_a_document_found_only_by_its_title_is_listed_with_its_first_passage(indexed):
    found = hits(indexed, "恳谈会")
    assert (found[0].doc_id, found[0].ordinal, found[0].grouped_under) == ("talk", 0, None)
    assert all(hit.doc_id == "talk" and hit.grouped_under == found[0].passage_id for hit in found[1:])


def test_records_are_never_results(indexed):
    result = search(indexed, SearchRequest("type:news", filters=EVERYTHING, collapse=False, size=100))
    assert result.total == sum(len(doc.passages) for doc in DOCUMENTS)
    assert all(hit.passage_id for hit in result.hits)


@pytest.mark.parametrize("query, doc_id, ordinal", [
    ("苟晓旸", "lift", 2),  # a name the dictionary does not know
    ("人民共和国", "law", 0),  # inside a longer dictionary word
    ("\"民共和\"", "law", 0),  # a quoted substring that is no word at all
    ("分摊", "lift", 0),  # inside 分摊办法 in the body
])
def test_names_and_substrings_stay_findable(indexed, query, doc_id, ordinal):
    assert (doc_id, ordinal) in {(hit.doc_id, hit.ordinal) for hit in hits(indexed, query, collapse=False)}


def test_words_containing_a_string_come_from_the_term_dictionary():
    lexicon = "\n中华人民共和国\n人民\n共和国\n民共和\n和平\n"
    assert words_containing(lexicon, "共和") == ["中华人民共和国", "共和国", "民共和"]
    assert words_containing(lexicon, "民共和") == ["中华人民共和国"]  # the word itself is the query's own term
    assert words_containing(lexicon, "共和", limit=1) == ["中华人民共和国"]
    assert words_containing(lexicon, "\n") == []


@pytest.mark.parametrize("positions", [[], [0], [255], [256], [3, 4, 9], [7, 300], [1, 70_000, 70_001]])
def test_compact_positions_read_back(positions):
    value = encode_positions(positions)
    assert decode_positions(value) == positions
    assert CompactPositions().decode_frequency(value) == len(positions)
    assert len(value) <= 1 + 4 * len(positions)
