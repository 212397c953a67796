"""Asked a question, a clause of another regulation that reads like the best answer as a whole (its counterpart)
rises above a clause that names the question's words in passing (index/results/counterparts.py); keyword queries
are left alone. It ships switched off (docs/search.md): these tests switch it on.

The three regulations are invented (甲山市, 乙水市, 丙林市) and ingested from Markdown, as a user would.
"""
import pytest
from regulation_library import clause_order, ingested

from index.query.syntax import QueryOptions
from index.results.relevance import options_for

# 甲山 第三条 answers the question; 乙水 第四条 is its counterpart, longer and in its own order of words; 丙林 第六条
# names both words in passing, in fewer words (so plain BM25 puts it just above 乙水 第四条).
REGULATIONS = {
    "甲山市业主委员会规定.md": """# 甲山市业主委员会规定

第一条 为了规范业主委员会的工作，制定本规定。

第二条 业主委员会由业主大会选举产生，对业主大会负责。

第三条 业主委员会每届任期五年，委员可以连选连任，任期届满前应当组织换届选举。

第四条 物业服务企业应当公示收费项目和标准。
""",
    "乙水市物业管理条例.md": """# 乙水市物业管理条例

第一条 为了规范物业管理活动，制定本条例。

第四条 业主委员会委员每届任期不超过五年，期满可以连选连任；委员会应当在届满前六个月组织换届选举，并向街道办事处报告选举结果，同时在小区显著位置公示新一届委员名单和联系方式。

第五条 住宅装修不得拆改承重墙。
""",
    "丙林市物业服务办法.md": """# 丙林市物业服务办法

第一条 为了规范物业服务，制定本办法。

第六条 物业服务合同期限由业主大会决定。合同期限不得长于业主委员会任期。

第七条 居民委员会协助做好小区的治安工作。
""",
}
QUESTION = "业主委员会的任期是多久"
ON = QueryOptions(counterparts=True)


@pytest.fixture(scope="module")
def library(tmp_path_factory):
    return ingested(tmp_path_factory, REGULATIONS)


def test_the_counterpart_of_the_best_clause_outranks_a_passing_mention(library):
    order = clause_order(library, QUESTION, ON)
    assert order[0] == ("甲山", "第三条")
    assert order.index(("乙水", "第四条")) < order.index(("丙林", "第六条"))


def test_switched_off_the_passing_mention_ranks_higher(library):
    """The fixture's premise: without counterparts, the short passing mention outranks the counterpart."""
    order = clause_order(library, QUESTION, QueryOptions(counterparts=False))
    assert order.index(("丙林", "第六条")) < order.index(("乙水", "第四条"))


def test_a_keyword_query_is_left_alone(library):
    order = clause_order(library, "业主委员会 任期", ON)
    assert order == clause_order(library, "业主委员会 任期", QueryOptions(counterparts=False))


def test_it_ships_off_and_the_evaluation_can_switch_it_on():
    """`redprop eval --enable counterparts` measures the ranking with it."""
    assert not QueryOptions().counterparts
    assert options_for(enable=["counterparts"]) == ON
