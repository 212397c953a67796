"""Filters, facets, sorting, pagination, reposts and context: what lets a researcher narrow and read results."""
import pytest
from search_fixtures import NARROWING_DOCUMENTS, build_library

from index.query.filters import Filters
from index.results.search import SearchRequest, search


@pytest.fixture(scope="module")
def narrowing_library(tmp_path_factory):
    from index.store.library import Library

    return build_library(Library(tmp_path_factory.mktemp("narrowing")), NARROWING_DOCUMENTS)


def run(library, text, **kwargs):
    return search(library, SearchRequest(text, size=kwargs.pop("size", 20), **kwargs))


def test_place_filter_in_the_query_returns_only_that_place(narrowing_library):
    result = run(narrowing_library, "place:湖州 维修")
    assert {hit.doc_id for hit in result.hits} == {"huzhou", "huzhou-policy"}
    assert all("湖州市" in hit.places for hit in result.hits)


def test_place_matches_at_any_level(narrowing_library):
    by_province = run(narrowing_library, "维修", filters=Filters(places=["浙江"]))
    by_district = run(narrowing_library, "维修", filters=Filters(places=["吴兴区"]))
    assert {hit.doc_id for hit in by_province.hits} == {"huzhou", "huzhou-policy"}
    assert {hit.doc_id for hit in by_district.hits} == {"huzhou"}


def test_type_year_and_date_range_filters(narrowing_library):
    assert {h.doc_id for h in run(narrowing_library, "维修 type:policy").hits} == {"huzhou-policy"}
    assert {h.doc_id for h in run(narrowing_library, "维修 year:2023").hits} == {"huzhou"}
    assert {h.doc_id for h in run(narrowing_library, "维修 year:2021-2022").hits} == {"huzhou-policy", "weihai"}
    ranged = run(narrowing_library, "维修", filters=Filters(date_from="2022-01", date_to="2022-12-31"))
    assert {h.doc_id for h in ranged.hits} == {"weihai"}


def test_filters_alone_list_every_document_that_fits(narrowing_library):
    result = run(narrowing_library, "place:湖州", sort="date")
    assert [hit.doc_id for hit in result.hits] == ["huzhou", "huzhou-policy"]
    assert run(narrowing_library, "").total == 0


def test_when_nothing_has_every_word_some_words_are_enough(narrowing_library):
    strict = run(narrowing_library, "维修资金 音乐会", filters=Filters(on_topic_only=False))
    assert strict.relaxed and strict.total >= 2
    assert not run(narrowing_library, "维修资金 公开").relaxed
    assert run(narrowing_library, "维修资金 -威海 音乐会").hits
    assert "weihai" not in {h.doc_id for h in run(narrowing_library, "维修资金 -威海 音乐会").hits}


def test_off_topic_articles_are_hidden_unless_asked_for(narrowing_library):
    assert "changchun" not in {h.doc_id for h in run(narrowing_library, "维修").hits}
    everything = run(narrowing_library, "维修", filters=Filters(on_topic_only=False))
    assert "changchun" in {h.doc_id for h in everything.hits}


def test_repost_is_shown_once_with_its_other_source(narrowing_library):
    result = run(narrowing_library, "威海 覆盖率")
    assert result.total == 1 and len(result.hits) == 1
    hit = result.hits[0]
    others = {other["doc_id"] for other in hit.other_sources}
    assert {hit.doc_id} | others == {"weihai", "weihai-repost"}


@pytest.mark.parametrize("text", ["维修", "维修资金", "业主", "红色物业"])
def test_single_valued_facets_add_up_to_the_total(narrowing_library, text):
    result = run(narrowing_library, text, filters=Filters(on_topic_only=False))
    assert result.total > 0
    for name in ("year", "doc_type", "source"):
        assert sum(result.facets[name].values()) == result.total, name
    assert set(result.facets) == {"places", "year", "doc_type", "source"}


def test_facets_count_places_at_every_level(narrowing_library):
    facets = run(narrowing_library, "维修").facets["places"]
    assert facets["湖州市"] == 2 and facets["浙江省"] == 2 and facets["威海市"] == 1


def test_sort_by_date_puts_newest_first(narrowing_library):
    dates = [hit.date for hit in run(narrowing_library, "维修", sort="date").hits]
    assert dates == sorted(dates, reverse=True) and len(dates) == 3


@pytest.mark.parametrize("sort", ["relevance", "date"])
def test_pagination_is_stable(narrowing_library, sort):
    whole = [h.passage_id for h in run(narrowing_library, "维修", sort=sort, collapse=False).hits]
    paged = [
        h.passage_id for page in range(1, len(whole) + 1)
        for h in search(narrowing_library, SearchRequest("维修", page=page, size=1, sort=sort, collapse=False)).hits
    ]
    assert paged == whole and len(whole) == len(set(whole)) >= 4


def test_hit_carries_its_neighbouring_passages(narrowing_library):
    hit = run(narrowing_library, "红色物业示范小区 place:湖州").hits[0]
    assert hit.text.startswith("湖州市级红色物业")
    assert hit.context["prev"]["text"].startswith("湖州市推行")
    assert hit.context["next"]["text"].startswith("业主通过电子大屏")


def test_words_standing_together_rank_above_the_same_words_apart(tmp_path):
    from search_fixtures import document

    from index.store.library import Library

    library = build_library(Library(tmp_path / "home"), [
        document("apart", "甲", ["维修资金归全体业主所有,任何单位不得占用,每年向业主公布使用情况。"]),
        document("together", "乙", ["任何单位不得占用,每年向业主公布情况,维修资金使用应当经过表决。"]),
    ])
    assert [hit.doc_id for hit in run(library, "维修资金使用").hits] == ["together", "apart"]


def test_title_match_ranks_above_body_match(tmp_path):
    from search_fixtures import document

    from index.store.library import Library

    library = build_library(Library(tmp_path / "home"), [
        document("body", "小区简报", ["本月小区完成了业委会换届,新一届委员就职。"]),
        document("title", "业委会换届工作指引", ["本月小区完成了选举,新一届委员就职。"]),
    ])
    assert next(hit.doc_id for hit in run(library, "业委会换届").hits) == "title"


def test_question_ranks_passages_with_more_of_its_words_first_and_keeps_the_rest(tmp_path):
    from search_fixtures import document

    from index.store.library import Library

    library = build_library(Library(tmp_path / "home"), [
        document("one-word", "甲", ["老旧小区改造,老旧小区加装电梯,老旧小区环境整治。"]),
        document("both-words", "乙", ["老旧小区引入专业物业服务。"]),
        document("neither", "丙", ["新建小区环境优美。"]),
    ])
    assert [hit.doc_id for hit in run(library, "老旧小区物业怎么办").hits] == ["both-words", "one-word"]


def test_place_word_finds_passages_of_documents_about_that_place(tmp_path):
    from search_fixtures import HUZHOU, WEIHAI, document

    from index.store.library import Library

    library = build_library(Library(tmp_path / "home"), [
        document("hz", "小区简报", ["业主通过电子大屏查看维修资金使用情况。"], places=HUZHOU),
        document("wh", "小区通讯", ["业主通过电子大屏查看维修资金使用情况,随时监督。"], places=WEIHAI),
        document("said", "湖州见闻", ["湖州的电子大屏很醒目。"], places=HUZHOU),
    ])
    assert [hit.doc_id for hit in run(library, "湖州 电子大屏").hits] == ["said", "hz"]
