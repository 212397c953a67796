"""Asked a question, a regulation's clause that opens with the question's words (its subject) ranks above a clause
that names them only later, in passing (index/results/openings.py); keyword queries are left alone.

The regulation is invented (白沙市) and ingested from Markdown.
"""
import pytest
from search_fixtures import library_with_file

from index.query.filters import Filters
from index.query.syntax import QueryOptions, parse_query
from index.results.openings import opening, opening_share, question_forms
from index.results.relevance import options_for
from index.results.search import SearchRequest, search

# 第三条 rules on the term of office and says so first; 第五条 is about a record and names the committee and its term
# after its first sentence, in fewer words (so plain BM25F puts it first).
BAISHA = """# 白沙市业主自治办法

第一条 为了规范业主自治活动，制定本办法。

第二条 本办法适用于本市行政区域内的住宅小区。

第三条 业主委员会每届任期五年，委员可以连选连任。届满前三个月应当组织换届选举，并将选举结果、委员名单和联系方式报街道办事处和区房屋管理部门备案，同时在小区显著位置公示十日。

第四条 物业服务企业应当公示收费项目和标准。

第五条 街道办事处应当建立履职档案。档案记录业主委员会任期内的工作。

第六条 本办法自公布之日起施行。
"""
QUESTION = "业主委员会的任期是怎样的"


@pytest.fixture(scope="module")
def library(tmp_path_factory):
    return library_with_file(tmp_path_factory, "白沙市业主自治办法.md", BAISHA)


def clause_order(library, question, options: QueryOptions):
    request = SearchRequest(question, collapse=False, filters=Filters(on_topic_only=False), options=options)
    return [hit.clause for hit in search(library, request).hits]


def test_the_clause_opening_with_the_question_words_ranks_first(library):
    assert clause_order(library, QUESTION, QueryOptions())[0] == "第三条"


def test_switched_off_the_passing_mention_ranks_first(library):
    """The fixture's premise: without the opening's share, the clause naming the words more often wins."""
    assert clause_order(library, QUESTION, QueryOptions(openings=False))[0] == "第五条"


def test_a_keyword_query_is_left_alone(library):
    assert clause_order(library, "业主委员会 任期", QueryOptions()) == clause_order(
        library, "业主委员会 任期", QueryOptions(openings=False))


@pytest.mark.parametrize(("text", "expected"), [
    ("第十二条 业主委员会每届任期五年。委员可以连选连任。", "业主委员会每届任期五年"),
    ("第三十条之一 有下列情形之一的,应当组建物业管理委员会：（一）不具备成立条件", "有下列情形之一的,应当组建物业管理委员会"),
    ("没有条号的段落；第二句", "没有条号的段落"),
])
def test_the_opening_is_the_first_sentence_without_the_label(text, expected):
    assert opening(text) == expected


def test_the_words_are_those_searched_for():
    """Filters, quoted phrases and exclusions are not the question's words."""
    parsed = parse_query('业委会任期怎么规定 place:湖州 -物业 "业主大会"')
    assert parsed.words == ["业委会", "任期", "规定"]


def test_the_share_counts_synonyms_and_weighs_words():
    forms = question_forms(["业委会", "任期", "规定", "用"])
    assert [group[0] for group in forms] == ["业委会", "任期", "规定"]  # a one-character word is no sign
    assert "业主委员会" in forms[0]  # its standard form counts as the word
    assert opening_share("业主委员会每届任期五年", forms, [2.0, 1.0, 1.0]) == pytest.approx(0.75)


def test_the_evaluation_can_switch_it_off():
    """`redprop eval --ablate openings` measures the ranking without it."""
    assert QueryOptions().openings
    assert options_for(["openings"]) == QueryOptions(openings=False)
