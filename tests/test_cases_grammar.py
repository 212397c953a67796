"""Case extraction by grammar (issue 13), on sentences written for these tests: localities bounded by words and
parents, practice names by form with a kind, figures with whole labels, one case per locality with its parent."""
from __future__ import annotations

import pytest

from ingest.cases.build import extract_cases
from ingest.cases.metrics import find_metrics
from ingest.cases.places import PlaceBook
from ingest.cases.practices import find_practices, practice_key
from ingest.cases.text import sentences
from ingest.models import DocType, Document, Passage


def one(text: str):
    return sentences(text, "p-1")


def local_names(*texts: str) -> set[str]:
    book = PlaceBook(list(texts))
    return {node.name for key, node in book.nodes.items() if key.startswith("L:")}


def document(*paragraphs: str, title: str = "标题", on_topic: bool = True) -> Document:
    passages = [Passage(passage_id=f"t-{i}", ordinal=i, text=text) for i, text in enumerate(paragraphs)]
    return Document(doc_id="t", source="t.txt", path="t.txt", title=title, doc_type=DocType.NEWS, passages=passages,
                    on_topic=on_topic)


# -- localities ----------------------------------------------------------------------------------------------

@pytest.mark.parametrize(("text", "wanted", "not_wanted"), [
    # a verb phrase before 社区 is no name: 社区“两委” after 全面推行
    ("许昌市魏都区东城街道全面推行社区“两委”成员兼任业委会委员。", {"东城街道"}, {"全面推行社区"}),
    # a community inside a company's name is no community
    ("街道引入河南和顺社区服务有限公司托管无物业院落。", set(), {"和顺社区", "河南和顺社区"}),
    # a name written right after its parent may start with an adjective (秀 is tagged as one)
    ("思明区嘉莲街道莲秀社区推行红色物业。", {"嘉莲街道", "莲秀社区"}, set()),
    # a numbered road inside an estate's name; a frequent word before a name belongs to the sentence
    ("社区指导纬三路小区成立党支部。", {"纬三路小区"}, {"指导纬三路小区"}),
    # a city name that starts a street's name is the street's, not the city
    ("石家庄市长安区广安街道青园社区", {"广安街道", "青园社区"}, {"长安区广安街道"}),
])
def test_local_names_are_noun_phrases_bounded_by_words_and_parents(text, wanted, not_wanted):
    names = local_names(text)
    assert wanted <= names and not names & not_wanted


def test_a_city_name_that_starts_a_street_name_is_no_division():
    book = PlaceBook(["石家庄市长安区广安街道青园社区的青园小区有了党支部。"])
    assert "广安市" not in {node.name for node in book.nodes.values()}
    assert book.chain("L:青园小区") == ["河北省", "石家庄市", "长安区", "广安街道", "青园社区", "青园小区"]


# -- practices -----------------------------------------------------------------------------------------------

def practices(text: str) -> dict[str, str]:
    return {practice_key(p.name): p.kind for p in find_practices(one(text)).values()}


@pytest.mark.parametrize(("text", "name", "kind"), [
    ("社区依托“暖心议事厅”收集意见。", "暖心议事厅", "body"),  # quoted, head inside
    ("社区建立“随叫随到”工作机制。", "随叫随到工作机制", "mechanism"),  # quoted, head after
    ("小区推行“红色楼长”服务,党员认领楼栋。", "红色楼长", "mechanism"),  # quoted, introduced by a verb
    ("街道总结出“三访三清”做法。", "三访三清", "mechanism"),  # quoted numbered formula
    ("社区构建“1+2+N”治理格局。", "1+2+N", "mechanism"),  # formula with +
    ("小区在门岗旁设了便民驿站,党员轮流值守。", "便民驿站", "body"),  # unquoted venue
    ("镇里组建了一支巾帼志愿服务队。", "巾帼志愿服务队", "body"),  # unquoted body, count words left off
    ("街道建立业委会、物业、社区三方联席制度。", "业委会物业社区三方联席制度", "mechanism"),  # bounded mechanism
    ("社区推广“共建、共管、共享”的办法。", "共建共管共享", "mechanism"),  # quoted parallel list
    ("街道实行网格员包片责任制。", "网格员包片责任制", "mechanism"),
    ("社区以“邻里守望”为理念开展服务。", "邻里守望", "slogan"),
    ("社区开展“睦邻文化节”,居民踊跃参加。", "睦邻文化节", "event"),
    ("街道推行物业服务“红黄榜”。", "红黄榜", "standard"),
])
def test_practice_names_by_form_with_a_kind(text, name, kind):
    found = practices(text)
    assert found.get(name) == kind, found


@pytest.mark.parametrize("text", [
    "打通服务“最后一公里”,让“红色物业”成为品牌。",  # slogans and the topic's own name
    "街道创新物业管理模式,提升服务水平。",  # the topic's own way of working
    "全年开展600余场业委会专题培训。",  # a head word modifying a noun after it
    "小区业委会每月公开账目。",  # a place's own office
])
def test_generic_phrases_are_not_practices(text):
    assert not practices(text)


def test_spellings_of_one_practice_are_one_entry():
    found = find_practices(one("小区推行“红色管家”服务。小区成立红色管家团,由党员业主组成。"))
    assert [practice_key(p.name) for p in found.values()] == ["红色管家团"]


# -- figures -------------------------------------------------------------------------------------------------

def figures(text: str):
    return [(m.indicator, m.value, m.unit, m.previous, m.approx) for m in find_metrics(one(text), "某地")]


@pytest.mark.parametrize(("text", "wanted"), [
    ("小区里的楼栋长从最初的20多名增加到60名,分片包干。", ("楼栋长", 60, "名", 20, False)),
    ("物业费收缴率由原来的55%提高到80%。", ("物业费收缴率", 80, "%", 55, False)),
    ("十余名党员参与值守。", None),  # approx, checked below
    ("截至目前,全镇已有35个小区实现红色物业全覆盖。", ("小区", 35, "个", None, False)),
    ("居民满意率达到90%以上。", ("居民满意率", 90, "%", None, True)),
    ("收到表扬信30多封。", ("表扬信", 30, "封", None, True)),
])
def test_figures_keep_whole_labels_changes_and_qualifiers(text, wanted):
    found = figures(text)
    if wanted is None:
        assert [(i, v, a) for i, v, _, _, a in found] == [("党员", 10, True)]
    else:
        assert wanted in found, found
    assert all(len(indicator) >= 2 for indicator, *_ in found)


def test_a_change_to_a_figure_stated_earlier_is_one_figure():
    found = find_metrics(one("小区原来只有60个车位。如今车位增加到150个。"), "某地")
    assert [(m.indicator, m.value, m.previous) for m in found] == [("车位", 150, 60)]


# -- cases ---------------------------------------------------------------------------------------------------

ESTATE_STORY = (
    "2024-03-05 10:20:31",
    "潍坊市奎文区梨园街道桃源社区的枫林小区建于上世纪九十年代,过去停车混乱。",
    "去年以来,枫林小区成立了小区党支部,设立“枫林议事会”,物业费收缴率从58%提高到86%。",
    "截至目前,梨园街道已有26个小区建立红色物业联席制度。",
)


def test_an_estate_with_its_own_practice_is_a_case_under_its_street():
    cases = {case.place: case for case in extract_cases(document(*ESTATE_STORY, title="2024-03-05 10:20:31"))}
    estate, street = cases["枫林小区"], cases["梨园街道"]
    assert estate.place_chain == ["山东省", "潍坊市", "奎文区", "梨园街道", "桃源社区", "枫林小区"]
    assert estate.parent_case_id == street.case_id and street.children == [estate.case_id]
    assert estate.practice_kinds == {"“枫林议事会”": "body"}
    assert any(m.value == 86 and m.previous == 58 for m in estate.metrics)
    assert any(m.value == 26 for m in street.metrics) and not any(m.value == 26 for m in estate.metrics)
    assert all(not case.title[:4].isdigit() for case in cases.values())  # titles are never timestamps


def test_a_story_naming_only_property_gives_no_case():
    court = document("海口市美兰区某小区物业公司起诉26户业主追缴物业费。",
                     "法院审理后判决业主支付欠缴的物业费,其中18户当庭达成分期缴费协议。")
    assert extract_cases(court) == []
    assert extract_cases(document(*ESTATE_STORY, on_topic=False)) == []
