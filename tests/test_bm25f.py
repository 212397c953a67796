"""BM25F over a passage's fields (index/engine/bm25f.py): a word's evidence is pooled across fields before it
saturates, and a query of one compound word also finds its parts apart.

The documents are invented; each is ingested from Markdown, so parsing, indexing and ranking
are exercised together.
"""
import pytest

from index.query.filters import Filters
from index.query.syntax import QueryOptions
from index.results.search import SearchRequest, search
from index.store.library import Library
from index.write.pipeline import ingest_paths

# The same paragraph under a chapter that names the word (甲), under one that does not (乙), and the word only in
# the chapter title (丙): 甲's heading and body are one word's evidence, not two words'.
REGULATIONS = {
    "甲镇管理规定.md": "# 甲镇管理规定\n\n第一章 报酬\n\n第一条 委员可以领取报酬，标准公开。\n\n第二条 本规定自公布之日起施行。\n",
    "乙镇管理规定.md": "# 乙镇管理规定\n\n第一章 总则\n\n第一条 委员可以领取报酬，标准公开。\n\n第二条 本规定自公布之日起施行。\n",
    "丙镇管理规定.md": "# 丙镇管理规定\n\n第一章 报酬\n\n第一条 委员履职公开，接受监督。\n\n第二条 本规定自公布之日起施行。\n",
}
# The compound 物业行业党委 in one article; its parts far apart in another; none of them in a third.
ARTICLES = {
    "成立.md": "# 松溪成立党组织\n\n松溪市住建局近日成立物业行业党委，统筹全市小区党建。\n",
    "走访.md": "# 柏岭走访小区\n\n柏岭的行业党委书记上周走访了三个小区，听取居民意见。"
             "居民反映楼道照明不足、车辆乱停，希望早日解决。另外，多家物业服务企业表示会配合整改。\n",
    "绿化.md": "# 桐城小区绿化\n\n桐城的老小区完成绿化改造，居民在新建的花园里散步。\n",
}


@pytest.fixture(scope="module")
def library(tmp_path_factory):
    folder = tmp_path_factory.mktemp("bm25f")
    for name, text in {**REGULATIONS, **ARTICLES}.items():
        (folder / name).write_text(text, encoding="utf-8")
    library = Library(tmp_path_factory.mktemp("bm25f-home"))
    assert not ingest_paths([folder], library, workers=1).failed
    return library


def ranked(library, question, **options):
    request = SearchRequest(question, filters=Filters(on_topic_only=False), collapse=False,
                            options=QueryOptions(related=False, **options))
    return search(library, request).hits


def test_a_word_in_heading_and_body_is_one_words_evidence(library):
    scores = {hit.title: hit.score for hit in ranked(library, "报酬") if hit.text.startswith("第一条")}
    both, body, heading = scores["甲镇管理规定"], scores["乙镇管理规定"], scores["丙镇管理规定"]
    assert both > max(body, heading)  # found in more of the passage: still first
    assert both < body + heading  # but saturated once: not scored as two matches


def test_a_compound_alone_also_finds_its_parts_apart(library):
    titles = [hit.title for hit in ranked(library, "物业行业党委")]
    assert titles[0] == "松溪成立党组织"  # the whole word first
    assert "柏岭走访小区" in titles  # 行业党委 … 物业服务企业, far apart
    assert "桐城小区绿化" not in titles
