"""The topic classifier: red property needs property and party-building words in one sentence (issue 12)."""
from __future__ import annotations

import pytest

from ingest.topic import topic_score


def test_party_led_property_work_is_red_property_and_says_why():
    score = topic_score("小区党支部牵头，业委会和物业服务企业共同商议物业费调整，业主大会表决通过。")
    assert score.label == "red-property" and score.on_topic and score.score > 0
    assert {"党支部", "业委会", "物业费"} <= set(score.hits)


@pytest.mark.parametrize("text, label", [
    # a fee court story: property words, no party words
    ("区法院审结一起物业服务合同纠纷。业主以电梯常坏为由拒交物业费，法院判决其补交欠费。", "property-industry"),
    # a price notice
    ("市发改委调整住宅小区物业服务费收费标准，自下月起执行。", "property-industry"),
    # a rural cooperative led by the village party branch
    ("村党支部领办蔬菜合作社，党员带头试种新品种，农户入股分红。", "party-building-other"),
    # red tourism
    ("暑期到纪念馆参观的游客增多，红色教育基地接待党员干部三万人次。", "party-building-other"),
    ("采访团走进汽车城和卫星公司，感受科技创新推动文旅融合的活力。", "unrelated"),
])
def test_near_misses_are_off_topic_with_their_own_label(text, label):
    score = topic_score(text)
    assert score.label == label and not score.on_topic


def test_the_two_vocabularies_in_one_paragraph_but_different_sentences_count_half():
    apart = topic_score("社区党委每月召开会议。业委会公布收支。")
    together = topic_score("社区党委每月召开会议，业委会公布收支。")
    assert together.both == 1 and apart.both == 0.5 and not apart.on_topic


def test_a_long_story_with_one_passing_word_from_each_side_apart_is_not_red_property():
    travel = "游客漫步老街，品尝小吃，欣赏非遗表演。\n" * 60 + "街上有党员志愿者引导游客。\n小区居民热情招呼游客。"
    assert not topic_score(travel).on_topic
