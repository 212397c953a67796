"""Coordination over a question's words weighs each word by its rarity: a passage holding the question's rare
word answers more of it than a passage holding only its common word, however often it repeats that one."""
import pytest
from search_fixtures import build_library, document

from index.query.filters import Filters
from index.results.search import SearchRequest, search
from index.store.library import Library

# 业主 is in every report; 公共收益 in one clause. The clause that names the rare word is long, the passage that
# only repeats the common word short: counted word by word, each matches half of the question alike.
FILLER = [document(f"report-{i}", f"社区走访{i}", [f"第{i}期走访:业主反映楼道照明问题,物业及时维修。"])
          for i in range(12)]
DOCUMENTS = [
    *FILLER,
    document("rule", "某市物业管理条例", [
        ("第五十条 利用共有部分停车、设置广告等经营所得的公共收益,在扣除合理成本之后,应当单独列账,"
         "定期在物业管理区域显著位置公示收支情况,接受监督。"),
    ]),
    document("notice", "业主须知", ["业主须知:业主之间互相尊重,业主有事找业委会。"]),
]


@pytest.fixture(scope="module")
def library(tmp_path_factory):
    return build_library(Library(tmp_path_factory.mktemp("coordination")), DOCUMENTS)


def test_the_passage_with_the_rare_word_ranks_above_the_one_with_only_the_common_word(library):
    hits = search(library, SearchRequest("公共收益 业主", collapse=False, filters=Filters(on_topic_only=False))).hits
    order = [hit.doc_id for hit in hits]
    assert order.index("rule") < order.index("notice")
