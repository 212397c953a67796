"""Figures a case reports (成效数据): value, unit, indicator, scope, with the sentence as evidence.

Shapes handled, all by general patterns:
- a rate or share: "…物业覆盖率达到100%", "在全省占比22.2%", "投诉率降到0.4%";
- parallel lists: "物业覆盖率、业委会覆盖率、业主满意率分别达到100%、98%、90.5%";
- a change: "物业费从每平方米1.69元上调为1.99元" (value is the new figure, `previous` the old one);
- a count with its noun after ("240个市级红色物业示范小区") or before it ("党员 267 人", "成立党组织58个").
Chinese numerals are read with cn2an ("二十余个", "百分之九十").
"""
from __future__ import annotations

import re
from dataclasses import dataclass

import cn2an
import jieba
import jieba.posseg

from ingest.cases.text import Sentence

CN_DIGITS = "零〇一二两三四五六七八九十百千万亿"
NUMBER = rf"(?:\d+(?:\.\d+)?|[{CN_DIGITS}]{{2,}}|[二两三四五六七八九])"
APPROX = r"(?:余|多)?"
# Units a figure may carry; 万/亿 multiply.
UNITS = (
    "平方米", "万元", "亿元", "元", "个", "家", "户", "人次", "人", "名", "场", "次", "部", "块", "根", "栋", "单元",
    "项", "条", "所", "座", "支", "辆", "间", "套", "处", "批", "件", "位", "类",
)
UNIT = "|".join(sorted(UNITS, key=len, reverse=True))
PERCENT = re.compile(rf"(?P<value>\d+(?:\.\d+)?)\s*%|百分之(?P<cn>[{CN_DIGITS}点]+)")
PARALLEL = re.compile(
    r"(?P<names>[\u4e00-\u9fff]{2,18}(?:、[\u4e00-\u9fff]{2,12})+)分别(?:达到|达|为|是|提高到|提升至|降到|降至)"
    r"(?P<values>\d+(?:\.\d+)?%(?:、\d+(?:\.\d+)?%)+)"
)
CHANGE = re.compile(
    r"(?P<indicator>[\u4e00-\u9fff]{2,8})(?:从|由)(?P<per>每[\u4e00-\u9fff]{1,4})?"
    r"(?P<old>\d+(?:\.\d+)?)(?P<unit>元|%|个|人)"
    r"(?:上调|下调|提高|提升|增加|降低|下降|调整|调)(?:为|到|至)(?P<new>\d+(?:\.\d+)?)(?P=unit)"
)
COUNT = re.compile(rf"(?P<approx1>近|超过|约)?(?P<value>{NUMBER})(?P<wan>万)?{APPROX}(?P<unit>{UNIT}){APPROX}")
# What precedes a number and is not part of the indicator.
VERBS_BEFORE_VALUE = re.compile(
    r"(?:共有|共|有|达到|达|为|是|超过|累计|新增|建成|创建|成立|完成|实现|占比|占|"
    r"(?:提升|提高|上升|增长|增加|下降|降低|减少|降|增|升)(?:到|至|为|了)?)+$"
)
SCOPE_WORDS = ("全国", "全省", "全市", "全区", "全县", "中心城区", "城区", "市级", "省级", "国家级", "辖区")
# Verbs after which the indicator starts ("全市住宅小区中成立业主组织167个" → 业主组织).
INDICATOR_AFTER = re.compile(r"(?:共有|拥有|新增|成立|创建|建立|建成|完成|达到|实现|累计|开展|入选|组建|引进|培育|覆盖)")
# Verbs that end the counted thing and start what is said about it.
PREDICATE = re.compile(
    r"(?:完成|实现|具备|参加|参与|加入|入驻|前来|建立|全部|均已|提供|开展|成立|进行|获得|点亮|增设|加装|备案|申报|入选|培育|畅所欲言|纳入|覆盖|达到)"
)
SHARE = re.compile(r"(?:占比|占)$")
# Numbers that are dates, ordinals or durations, not figures.
NOT_FIGURE_BEFORE = re.compile(r"(?:第|近|这|前|后)$")
NOT_FIGURE_AFTER = re.compile(r"^(?:年|月|日|届|号|期|岁|周|季度|天|小时|时)")
# After the unit: thresholds and addresses ("30人以上", "11栋一层"), not figures.
NOT_FIGURE_UNIT_AFTER = re.compile(r"^(?:以上|以下|以内|左右|一层|\d+层|号)")
CLAUSE_MARKS = ",,。;;:、(()…“”\"!?"
MAX_INDICATOR_CHARS = 12
MIN_CN_VALUE = 10  # "一名党员", "两位负责人": small counts in words are wording, not reported figures


@dataclass
class Metric:
    indicator: str
    value: float
    unit: str
    scope: str
    evidence: str
    passage_id: str
    previous: float | None = None

    def to_json(self) -> dict:
        data = {"indicator": self.indicator, "value": _plain(self.value), "unit": self.unit, "scope": self.scope,
                "evidence": self.evidence, "passage_id": self.passage_id}
        if self.previous is not None:
            data["previous"] = _plain(self.previous)
        return data


def _plain(value: float) -> float | int:
    return int(value) if float(value).is_integer() else value


def to_number(text: str) -> float | None:
    if re.fullmatch(r"\d+(?:\.\d+)?", text):
        return float(text)
    try:
        return float(cn2an.cn2an(text, "smart"))
    except (ValueError, KeyError, TypeError):
        return None


def _clause_before(text: str, end: int) -> str:
    start = max(text.rfind(mark, 0, end) for mark in CLAUSE_MARKS) + 1
    return text[start:end]


def _clause_after(text: str, start: int) -> str:
    """The rest of the clause, quotes kept out of the way ("100个“红色物业”小区" counts 红色物业小区)."""
    ends = [text.find(mark, start) for mark in CLAUSE_MARKS if mark not in "“”\""]
    ends = [i for i in ends if i >= 0]
    return re.sub(r"[“”\"]", "", text[start : min(ends) if ends else len(text)])


def _noun_phrase(text: str) -> str:
    """The counted thing after a number: up to a conjunction or a predicate verb ("8个家园参加…" → 家园)."""
    phrase = PREDICATE.split(text, maxsplit=1)[0]
    return re.split(r"[的和及与等也都已将均还又就]", phrase)[0][:MAX_INDICATOR_CHARS]


def _ends_with_noun(text: str) -> bool:
    words = list(jieba.posseg.cut(text))
    return bool(words) and words[-1].flag.startswith("n") and len(words[-1].word) >= 2


def _split_indicator(phrase: str) -> tuple[str, str]:
    """"威海全市住宅小区物业覆盖率" → scope "威海全市住宅小区", indicator "物业覆盖率" (last words, ≤6 characters)."""
    if SHARE.search(phrase):
        return SHARE.sub("", phrase), "占比"
    phrase = VERBS_BEFORE_VALUE.sub("", phrase)
    verb = None
    for verb in INDICATOR_AFTER.finditer(phrase):
        pass
    if verb is not None and len(phrase) - verb.end() >= 2:
        return phrase[: verb.start()], phrase[verb.end() :]
    words = [(w.word, w.flag) for w in jieba.posseg.cut(phrase)]
    indicator = ""
    while words and len(indicator) + len(words[-1][0]) <= 6 and not (len(indicator) >= 2 and words[-1][1] == "v"):
        indicator = words.pop()[0] + indicator
    if not indicator and words:
        indicator = words.pop()[0]
    return "".join(word for word, _ in words), indicator


def _scope(text: str, place: str) -> str:
    for word in SCOPE_WORDS:
        if word in text:
            return word
    return place


def find_metrics(sentences: list[Sentence], place: str) -> list[Metric]:
    """Every figure of the sentences, the first of each (indicator, value, unit) kept."""
    metrics: dict[tuple, Metric] = {}
    for sentence in sentences:
        for metric in _in_sentence(sentence, place):
            metrics.setdefault((metric.indicator, metric.value, metric.unit), metric)
    return list(metrics.values())


def _in_sentence(sentence: Sentence, place: str) -> list[Metric]:
    text = sentence.text
    found: list[Metric] = []
    taken: list[tuple[int, int]] = []

    def add(metric: Metric, span: tuple[int, int]) -> None:
        if any(a < span[1] and span[0] < b for a, b in taken):
            return
        taken.append(span)
        found.append(metric)

    for match in PARALLEL.finditer(text):
        names = match.group("names").split("、")
        values = match.group("values").split("、")
        if len(names) != len(values):
            continue
        scope, first = _split_indicator(names[0])
        scope = scope or _scope(text, place)
        for name, value in zip([first] + names[1:], values):
            found.append(Metric(name, float(value.rstrip("%")), "%", scope, text, sentence.passage_id))
        taken.append(match.span())
    for match in CHANGE.finditer(text):
        unit = match.group("unit") + ("/" + match.group("per")[1:] if match.group("per") else "")
        add(Metric(match.group("indicator"), float(match.group("new")), unit, _scope(text, place), text,
                   sentence.passage_id, previous=float(match.group("old"))), match.span())
    for match in PERCENT.finditer(text):
        value = to_number(match.group("value") or match.group("cn").replace("点", "."))
        scope, indicator = _split_indicator(_clause_before(text, match.start()))
        if value is None or not indicator:
            continue
        add(Metric(indicator, value, "%", scope or _scope(text, place), text, sentence.passage_id), match.span())
    for match in COUNT.finditer(text):
        metric = _count(text, match, sentence, place)
        if metric is not None:
            add(metric, match.span())
    return found


def _count(text: str, match: re.Match, sentence: Sentence, place: str) -> Metric | None:
    raw = match.group("value")
    value = to_number(raw)
    if value is None or NOT_FIGURE_BEFORE.search(text[: match.start()]) and not match.group("approx1"):
        return None
    if NOT_FIGURE_AFTER.match(text[match.end() :]) or (not raw[0].isdigit() and value < MIN_CN_VALUE):
        return None
    if NOT_FIGURE_UNIT_AFTER.match(text[match.end() :]):
        return None
    if match.group("wan"):
        value *= 10000
    after = _clause_after(text, match.end())
    before = _clause_before(text, match.start())
    if after.startswith("的") and _ends_with_noun(before):
        after = ""  # "现有住户428户的龙庭小区": the count is of 住户
    after = _noun_phrase(after.removeprefix("的"))
    if len(after) >= 2 and not after[0].isdigit():
        indicator, scope = after, _scope(before + after, place)
    else:
        scope, indicator = _split_indicator(re.sub(rf"{NUMBER}(?:{UNIT})$", "", before))
        scope = scope or _scope(text, place)
    if len(indicator) < 2:
        return None
    return Metric(indicator, value, match.group("unit"), scope, text, sentence.passage_id)
