"""Place mentions, not substring hits (issue 12): boundaries, longer names, corroboration, resolution, evidence."""
from __future__ import annotations

import pytest

from ingest.places import find_mentions, place_evidence, places_of


@pytest.mark.parametrize("text, absent", [
    # a district name closing an estate name of another province
    ("银川市金凤区某街道的秀水花城东区是老小区，银川市住建局说，秀水花城东区业委会已改选。", "城东区"),
    # a road named after a city
    ("福州市仓山区上海路社区在上海路上开了议事厅。", "上海市"),
    # a street named after a city
    ("石家庄市桥西区广安街道推行楼长制。", "广安市"),
    # a town whose name opens with a city's short name
    ("信阳市光山县黄山铺镇组建党员先锋队。", "黄山市"),
    # a slogan holding a city's short name, with no 山西 anywhere
    ("新华区以“长效长治”为目标整治停车。", "长治市"),
    # a company registered under a province's short name
    ("山东和顺社区物业服务有限公司进驻小区。", "山东省"),
])
def test_a_name_inside_a_longer_name_is_not_a_place(text, absent):
    assert absent not in places_of(text)


def test_a_short_name_counts_with_its_province_or_its_full_name():
    assert "长治市" in places_of("山西省的长治推行红色物业。")
    assert "长治市" in places_of("长治市潞州区推行红色物业，长治的做法被推广。")


def test_an_ambiguous_district_follows_the_city_the_text_names():
    assert places_of("兰州市城关区某社区成立物业党支部。")[:3] == ["甘肃省", "兰州市", "城关区"]
    assert "福建省" in places_of("福州市鼓楼区东街街道推行议事厅。")


def test_a_district_written_after_its_city_counts_even_when_the_segmenter_splits_it():
    assert "安定区" in places_of("甘肃省定西市安定区内官营镇的合作社。")


def test_a_place_given_alone_is_a_place():
    assert [m.division.name for m in find_mentions("长治")] == ["长治市"]


def test_each_mention_keeps_its_span_and_reason():
    text = "兰州市城关区某社区成立物业党支部。"
    mentions = find_mentions(text)
    assert [(text[m.start:m.end], bool(m.reason)) for m in mentions] == [("兰州市", True), ("城关区", True)]
    evidence = place_evidence(mentions)
    assert evidence[1]["name"] == "城关区" and "城关区" in evidence[1]["evidence"]
