"""Asked a question, a clause of another regulation that states the best answer's provision in other words (it
holds none of the question's words) is brought in by a second query made of the best clauses' words, below the
question's own matches (index/results/more_like.py); keyword queries are left alone, and a clause unlike the
sources stays out. It ships switched off (docs/search.md): these tests switch it on.

The regulations are invented (甲山市, 乙水市, 丙林市) and ingested from Markdown, as a user would.
"""
import pytest
from regulation_library import clause_order, ingested

from index.query.syntax import QueryOptions

# 甲山 第三条 answers the question in its words; 乙水 第六条 says the same in its own (津贴, 履职人员) and shares the
# answer's other words (业主大会表决, 公共收益, 列支, 每半年, 公示); 丙林 第七条 shares nothing with either.
REGULATIONS = {
    "甲山市业主委员会规定.md": """# 甲山市业主委员会规定

第一条 为了规范业主委员会的工作，制定本规定。

第三条 业主委员会委员可以领取工作补贴，补贴标准经业主大会表决确定，从公共收益中列支，并每半年向全体业主公示。

第四条 业主委员会委员应当遵守管理规约。
""",
    "乙水市物业管理条例.md": """# 乙水市物业管理条例

第一条 为了规范物业管理活动，制定本条例。

第六条 履职人员可以领取工作津贴，津贴数额经业主大会表决确定，从公共收益中列支，并每半年向全体业主公示。

第七条 物业服务企业应当公示收费项目。
""",
    "丙林市物业服务办法.md": """# 丙林市物业服务办法

第一条 为了规范物业服务，制定本办法。

第七条 住宅装饰装修不得拆改房屋承重结构。

第八条 居民委员会协助做好小区治安工作。
""",
}
QUESTION = "业主委员会委员的补贴标准是什么"
ON = QueryOptions(more_like=True)
BROUGHT = ("乙水", "第六条")


@pytest.fixture(scope="module")
def library(tmp_path_factory):
    return ingested(tmp_path_factory, REGULATIONS)


def test_a_clause_in_other_words_is_brought_in_below_the_answer(library):
    order = clause_order(library, QUESTION, ON)
    assert order[0] == ("甲山", "第三条")
    assert BROUGHT in order


def test_switched_off_the_clause_in_other_words_is_not_found(library):
    """The fixture's premise: the clause holds none of the question's words."""
    assert BROUGHT not in clause_order(library, QUESTION, QueryOptions(more_like=False))


def test_a_clause_unlike_the_answer_stays_out(library):
    assert ("丙林", "第七条") not in clause_order(library, QUESTION, ON)


def test_a_keyword_query_is_left_alone(library):
    assert clause_order(library, "业主委员会 补贴", ON) == clause_order(library, "业主委员会 补贴", QueryOptions())

