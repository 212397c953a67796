"""The red-property topic flag: explainable term scores with a threshold."""
from __future__ import annotations

from ingest.topic import topic_score


def test_property_management_story_is_on_topic_and_says_why():
    score = topic_score("小区党支部牵头，业委会和物业服务企业共同商议物业费调整，业主大会表决通过。")
    assert score.on_topic and score.score >= score.needed
    assert {"业委会", "物业费", "业主大会"} <= set(score.hits)


def test_unrelated_stories_are_off_topic():
    assert not topic_score("采访团走进汽车城和卫星公司，感受科技创新推动文旅融合的活力。").on_topic
    assert not topic_score("非遗传承人在传统技艺大展上展示蛋雕技艺。").on_topic


def test_one_word_repeated_does_not_outweigh_the_cap():
    assert topic_score("社区" * 50).score == topic_score("社区" * 3).score


def test_short_domain_note_is_on_topic_but_passing_mentions_in_a_long_story_are_not():
    assert topic_score("业委会公示了年度收支情况。").on_topic
    travel = "游客漫步老街，品尝小吃，欣赏非遗表演。" * 60 + "街道两旁的居民热情招呼游客。" * 3
    assert not topic_score(travel).on_topic
