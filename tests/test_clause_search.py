"""Clause questions over regulations: a clause is found through its chapter, the clause that states a condition
outranks one that mentions it in passing, and each regulation shows its best clause with a count of the rest.

The two regulations are invented (松岭市, 柏川县) and ingested from Markdown, so parsing (chapters, 项 kept inside
their 条), indexing and ranking are exercised together.
"""
import pytest

from index.query.filters import Filters
from index.results.search import SearchRequest, search
from index.store.library import Library
from index.write.pipeline import ingest_paths
from ingest.policy import defining_lead

# The chapter label stands on its own line, its title on the next (as PDF and Word pages often set it).
SONGLING = """# 松岭市住宅小区管理规定

第一章 总则

第一条 为了规范住宅小区的管理，维护业主的合法权益，制定本规定。

第二条 本规定适用于本市行政区域内的住宅小区。

第二章

业主委员会

第三条 委员由业主大会选举产生，每届任期四年，可以连选连任。

第四条 委员应当具备下列条件：

（一）是本小区的业主；

（二）具有完全民事行为能力；

（三）按时交纳物业费和专项维修资金；

（四）热心公益，办事公道，有一定的组织能力和工作时间；

（五）本人及近亲属不在为本小区服务的物业服务企业任职。

第三章 物业服务

第五条 物业服务企业应当在小区显著位置公示收费项目和标准。

第六条 委员不再具备条件的，由业主大会罢免。
"""

BOCHUAN = """# 柏川县物业服务办法

第一条 为了提升物业服务水平，制定本办法。

第二条 业主委员会应当每年向全体业主公布共有收入的收支情况。

第三条 居民委员会成员的任期为五年。

第四条 物业服务企业退出小区的，应当办理交接。
"""


@pytest.fixture(scope="module")
def library(tmp_path_factory):
    folder = tmp_path_factory.mktemp("clauses")
    (folder / "松岭市住宅小区管理规定.md").write_text(SONGLING, encoding="utf-8")
    (folder / "柏川县物业服务办法.md").write_text(BOCHUAN, encoding="utf-8")
    library = Library(tmp_path_factory.mktemp("clause-home"))
    report = ingest_paths([folder], library, workers=1)
    assert not report.failed
    return library


def passages(library, question, **options):
    request = SearchRequest(question, filters=Filters(on_topic_only=False), **options)
    return search(library, request).hits


def test_a_clause_is_found_through_its_chapter_title(library):
    """第三条 never says 业主委员会: its chapter does, so it answers 业主委员会任期 before clauses with one word."""
    best = passages(library, "业主委员会任期", collapse=False)[0]
    assert best.clause == "第三条" and best.title == "松岭市住宅小区管理规定"
    stored = library.store.passages([best.passage_id])[best.passage_id]
    assert stored["chapter"] == "第二章 业主委员会"


def test_the_clause_that_states_the_condition_outranks_a_passing_mention(library):
    """第四条 lists five items after 应当具备下列条件; 第六条 is short and only refers to the condition."""
    ranked = [hit.clause for hit in passages(library, "委员需要什么条件", collapse=False)]
    assert ranked.index("第四条") < ranked.index("第六条")
    assert ranked[0] == "第四条"


def test_each_regulation_shows_its_best_clause_and_counts_the_rest(library):
    """Three clauses of 松岭 say 委员: with per_doc=1 one is shown and two counted; with per_doc=2 a second one is
    shown under it. The other regulation still shows."""
    one = [hit for hit in passages(library, "委员", per_doc=1) if hit.title == "松岭市住宅小区管理规定"]
    assert len(one) == 1 and one[0].more_in_document == 2
    assert any(hit.title == "柏川县物业服务办法" for hit in passages(library, "委员"))
    two = [hit for hit in passages(library, "委员", per_doc=2) if hit.title == "松岭市住宅小区管理规定"]
    assert len(two) == 2 and two[1].grouped_under == two[0].passage_id and two[0].more_in_document == 1


@pytest.mark.parametrize(("text", "lead"), [
    ("第四条 委员应当具备下列条件：\n（一）是本小区的业主；", "委员应当具备下列条件"),
    ("第九条 有下列情形之一的,应当组建临时管理小组:\n(一)尚未选举委员;", "有下列情形之一的,应当组建临时管理小组"),
    ("第十条 申请人应当提交下列材料：\n（一）申请书；", None),  # documents, not a condition
    ("第六条 小区暂不具备选举委员条件的，街道办事处可以指定临时管理人员。", None),  # a passing mention
])
def test_defining_lead(text, lead):
    assert defining_lead(text) == lead
