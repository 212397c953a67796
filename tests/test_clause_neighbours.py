"""Asked a question, a regulation's clause that continues a well-matching clause beside it, in its own words, ranks
above a clause elsewhere that holds as many of the question's words in passing (index/results/neighbours.py);
keyword queries are left alone. It ships switched off (docs/search.md): these tests switch it on.

The regulation is invented (青石市) and ingested from Markdown, so clause order in the index is the parser's.
"""
import pytest
from search_fixtures import library_with_file

from index.query.filters import Filters
from index.query.syntax import QueryOptions
from index.results.relevance import options_for
from index.results.search import SearchRequest, search

# 第五条 answers 紧急情况 维修资金; 第六条 goes on with the same matter and names only 维修资金; 第九条 names
# 维修资金 in passing, in fewer words (so plain BM25 puts it above 第六条).
QINGSHI = """# 青石市住宅维修办法

第一条 为了规范住宅共用部位的维修，制定本办法。

第二条 本办法适用于本市行政区域内的住宅小区。

第三条 业主大会决定小区绿化和停车的管理事项。

第四条 物业服务企业应当公示收费项目和标准。

第五条 电梯、消防设施等发生危及安全的紧急情况，需要立即维修的，物业服务企业可以申请使用维修资金。

第六条 应急维修完成后十日内，申请人应当将维修资金的列支金额报业主委员会核对，并在小区公示。

第七条 住宅装修不得拆改承重墙。

第八条 居民委员会协助做好小区的治安工作。

第九条 维修资金余额不予退还。

第十条 本办法自公布之日起施行。
"""


@pytest.fixture(scope="module")
def library(tmp_path_factory):
    return library_with_file(tmp_path_factory, "青石市住宅维修办法.md", QINGSHI)


ON = QueryOptions(neighbours=True)


def clause_order(library, question, options: QueryOptions):
    request = SearchRequest(question, collapse=False, filters=Filters(on_topic_only=False), options=options)
    return [hit.clause for hit in search(library, request).hits]


def test_the_clause_continuing_the_best_one_outranks_a_passing_mention(library):
    order = clause_order(library, "紧急情况下怎么使用维修资金", ON)
    assert order[0] == "第五条"
    assert order.index("第六条") < order.index("第九条")


def test_switched_off_the_passing_mention_ranks_first(library):
    """The fixture's premise: without the neighbour's share, the shorter passing mention wins."""
    order = clause_order(library, "紧急情况下怎么使用维修资金", QueryOptions(neighbours=False))
    assert order[0] == "第五条"
    assert order.index("第九条") < order.index("第六条")


def test_a_keyword_query_is_left_alone(library):
    """Two words are no question: every result shows them, ranked by what it holds (as with neighbours off)."""
    order = clause_order(library, "紧急情况维修资金", ON)
    assert order == clause_order(library, "紧急情况维修资金", QueryOptions(neighbours=False))
    assert order.index("第九条") < order.index("第六条")


def test_a_clause_matching_nothing_is_not_lifted(library):
    """第四条 sits beside 第五条 but holds no word of the question: it stays out of the results."""
    assert "第四条" not in clause_order(library, "紧急情况下怎么使用维修资金", ON)


def test_it_ships_off_and_the_evaluation_can_switch_it_on():
    """`redprop eval --enable neighbours` measures the ranking with it."""
    assert not QueryOptions().neighbours
    assert options_for(enable=["neighbours"]) == ON
