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
from functools import lru_cache

import cn2an

from ingest.cases.text import Sentence, tag

CN_DIGITS = "零〇一二两三四五六七八九十百千万亿"
NUMBER = rf"(?:\d+(?:\.\d+)?|[{CN_DIGITS}]{{2,}}|[二两三四五六七八九十])"
APPROX = r"(?:余|多)?"
# Words that make a value approximate: 30多个, 十余名, 近百户, 约2000人, 95%以上, 20户左右.
APPROX_BEFORE = re.compile(r"(?:近|约|超过|逾|将近|大约|不少于|不低于|至少)$")
APPROX_AFTER = re.compile(r"^(?:以上|左右|上下|有余)")
# Units a figure may carry; 万/亿 multiply.
UNITS = (
    "平方米", "万元", "亿元", "元", "个", "家", "户", "人次", "人", "名", "场", "次", "部", "块", "根", "栋", "单元",
    "项", "条", "所", "座", "支", "辆", "间", "套", "处", "批", "件", "位", "类", "封", "起", "台", "张", "份", "盏",
)
UNIT = "|".join(sorted(UNITS, key=len, reverse=True))
PERCENT = re.compile(rf"(?P<value>\d+(?:\.\d+)?)\s*%|百分之(?P<cn>[{CN_DIGITS}点]+)")
# What every PERCENT match holds: most sentences have neither, and the pattern is then not tried at every digit.
PERCENT_WORDS = ("%", "百分之")
PARALLEL = re.compile(
    r"(?P<names>[\u4e00-\u9fff]{2,18}(?:、[\u4e00-\u9fff]{2,12})+)分别(?:达到|达|为|是|提高到|提升至|降到|降至)"
    r"(?P<values>\d+(?:\.\d+)?%(?:、\d+(?:\.\d+)?%)+)"
)
# The word every parallel list holds: PARALLEL is tried only in a sentence that has it (trying its names at every
# character of every sentence was about 40% of the time spent reading figures).
PARALLEL_WORD = "分别"
# A change stated as one figure: "从最初的30多个增加到100个", "由原来的62%提高到91%", "由80元上调为150元".
CHANGE_VERBS = r"(?:上调|下调|提高|提升|上升|增加|增长|增至|扩大|降低|下降|减少|压缩|缩减|调整|调)"
CHANGE = re.compile(
    rf"(?:从|由)(?P<per>每[\u4e00-\u9fff]{{1,4}})?(?:原来的|最初的|原先的|之前的|过去的|去年的|以前的|原来|最初)?"
    rf"(?P<old>{NUMBER})(?P<old_approx>多|余)?(?P<unit>元|%|{UNIT})?(?P<old_after>以上|左右)?"
    rf"(?:的)?{CHANGE_VERBS}(?:为|到|至|成)(?P<new>{NUMBER})(?P<new_approx>多|余)?(?P<unit2>元|%|{UNIT})?"
)
# A change verb and the word before its new value, ending where the value starts (`_changed_to`).
CHANGED_TO = re.compile(rf"{CHANGE_VERBS}(?:到|至|为)\Z")
MAX_CHANGED_TO_CHARS = 3  # the longest change verb (2 characters) and 到/至/为
# The look-ahead lists the characters a count can start with (its qualifier's or its number's), so that the
# pattern is tried only there rather than at every character of every sentence (half of its cost).
COUNT = re.compile(rf"(?=[近超约\d{CN_DIGITS}])(?P<approx1>近|超过|约)?(?P<value>{NUMBER})(?P<wan>万)?{APPROX}(?P<unit>{UNIT}){APPROX}")
# What precedes a number and is not part of the indicator.
VERBS_BEFORE_VALUE = re.compile(
    r"(?:共有|共|有|达到|达|为|是|超过|累计|新增|建成|创建|成立|完成|实现|占比|占|"
    r"(?:提升|提高|上升|增长|增加|下降|降低|减少|降|增|升)(?:到|至|为|了)?)+$"
)
SCOPE_WORDS = ("全国", "全省", "全市", "全区", "全县", "中心城区", "城区", "市级", "省级", "国家级", "辖区")
# Verbs after which the indicator starts ("全市住宅小区中成立业主组织167个" → 业主组织).
INDICATOR_AFTER = re.compile(r"(?:共有|拥有|新增|成立|创建|建立|建成|完成|达到|实现|累计|开展|入选|组建|引进|培育|覆盖)")
# POS tags a counted thing is made of (nouns, names, noun-verbs, adjectives and distinguishing words before them).
NOUN_PHRASE_TAGS = ("n", "vn", "an", "b", "a", "j", "l")
NOT_IN_LABEL_TAGS = ("t", "r", "d", "p", "c", "u", "m", "q")
SHARE = re.compile(r"(?:占比|占)$")
# Numbers that are dates, ordinals or durations, not figures.
NOT_FIGURE_BEFORE = re.compile(r"(?:第|近|这|前|后)$")
NOT_FIGURE_AFTER = re.compile(r"^(?:年|月|日|届|号|期|岁|周|季度|天|小时|时)")
# After the unit: thresholds and addresses ("30人以上", "11栋一层"), not figures.
NOT_FIGURE_UNIT_AFTER = re.compile(r"^(?:以上|以下|以内|左右|一层|\d+层|号)")
# Patterns used per figure, compiled here rather than looked up in re's cache at each call.
DECIMAL = re.compile(r"\d+(?:\.\d+)?")
QUOTE_MARKS = re.compile(r"[“”\"]")
FIGURE_AT_END = re.compile(rf"{NUMBER}(?:{UNIT})$")
CLAUSE_MARKS = ",，。;；:：、(（)）…“”\"!！?？"
# A clause's start and end, each found by one pattern rather than a search for every mark: the text up to the last
# mark before a figure (greedy, so backtracking from the figure), and the first mark after it other than quotes.
UP_TO_LAST_CLAUSE_MARK = re.compile(".*[" + re.escape(CLAUSE_MARKS) + "]", re.DOTALL)
CLAUSE_END = re.compile("[" + re.escape("".join(m for m in CLAUSE_MARKS if m not in "“”\"")) + "]")
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
    approx: bool = False  # the page gives the value with a qualifier (30多个, 十余名, 95%以上)

    def copy(self) -> Metric:
        """A shallow copy, the fields' values shared; copy.copy's generic protocol took four times as long."""
        copied = object.__new__(type(self))
        copied.__dict__.update(self.__dict__)
        return copied

    def to_json(self) -> dict:
        data = {"indicator": self.indicator, "value": _plain(self.value), "unit": self.unit, "scope": self.scope,
                "evidence": self.evidence, "passage_id": self.passage_id, "approx": self.approx}
        if self.previous is not None:
            data["previous"] = _plain(self.previous)
        return data


def _plain(value: float) -> float | int:
    return int(value) if float(value).is_integer() else value


@lru_cache(maxsize=1024)  # a few numerals ("十", "两", "三十") recur, and cn2an reads each slowly
def to_number(text: str) -> float | None:
    if DECIMAL.fullmatch(text):
        return float(text)
    try:
        return float(cn2an.cn2an(text, "smart"))
    except (ValueError, KeyError, TypeError):
        return None


def _clause_before(text: str, end: int) -> str:
    last_mark = UP_TO_LAST_CLAUSE_MARK.match(text, 0, end)
    return text[last_mark.end() if last_mark else 0 : end]


def _clause_after(text: str, start: int) -> str:
    """The rest of the clause, quotes kept out of the way ("100个“红色物业”小区" counts 红色物业小区)."""
    end = CLAUSE_END.search(text, start)
    return QUOTE_MARKS.sub("", text[start : end.start() if end else len(text)])


def _noun_phrase(text: str) -> str:
    """The counted thing after a number: its leading nouns, whole words only, up to the first verb, particle or
    conjunction ("8个家园参加…" → 家园, "47个小区实现…" → 小区, "12个村搬迁来的…" → 村)."""
    phrase = ""
    for word, flag in tag(text):
        if not flag.startswith(NOUN_PHRASE_TAGS) or len(phrase) + len(word) > MAX_INDICATOR_CHARS:
            break
        phrase += word
    return phrase


def _trailing_noun_phrase(text: str) -> str:
    """The nouns a clause ends with, whole words only ("小区里的党员志愿者" → 党员志愿者)."""
    words = tag(text)
    phrase = ""
    while words and words[-1][1].startswith(NOUN_PHRASE_TAGS) and len(phrase) + len(words[-1][0]) <= MAX_INDICATOR_CHARS:
        phrase = words.pop()[0] + phrase
    return phrase


def _ends_with_noun(text: str) -> bool:
    words = tag(text)
    return bool(words) and words[-1][1].startswith("n") and len(words[-1][0]) >= 2


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
    words = tag(phrase)
    indicator = ""
    while words and len(indicator) + len(words[-1][0]) <= 6 and not (len(indicator) >= 2 and words[-1][1] == "v"):
        if indicator and words[-1][1].startswith(NOT_IN_LABEL_TAGS):
            break  # "如今车位": a time word, pronoun or adverb before the label is the sentence's
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
        for metric in map(Metric.copy, _in_sentence(sentence.text, sentence.passage_id, place)):  # callers amend them
            earlier = _earlier_state(metrics, metric, sentence.text)
            if earlier is not None:
                metric.previous = earlier.value  # "原来只有80个车位…如今车位增加到210个": one change
                metrics.pop((earlier.indicator, earlier.value, earlier.unit))
            metrics.setdefault((metric.indicator, metric.value, metric.unit), metric)
    return list(metrics.values())


def _earlier_state(metrics: dict[tuple, Metric], metric: Metric, text: str) -> Metric | None:
    """The figure a "增加到N" sentence changes: the case's last earlier figure of the same indicator and unit."""
    number = _number_text(metric)
    if metric.previous is not None or not _changed_to(text, number):
        return None
    same = [m for m in metrics.values() if m.indicator == metric.indicator and m.unit == metric.unit
            and m.value != metric.value and m.previous is None]
    return same[-1] if same else None


def _changed_to(text: str, number: str) -> bool:
    """Whether the text says something changed to the number ("增加到210"): a change verb and 到/至/为 end right
    before one of the number's uses (looked for there, not by a pattern compiled per number)."""
    at = text.find(number)
    while at >= 0:
        if CHANGED_TO.search(text, max(0, at - MAX_CHANGED_TO_CHARS), at):
            return True
        at = text.find(number, at + 1)
    return False


def _number_text(metric: Metric) -> str:
    return str(_plain(metric.value))


# A case's sentences are read for figures once per grouping of its document (extract_cases groups twice).
@lru_cache(maxsize=4096)
def _in_sentence(text: str, passage_id: str, place: str) -> tuple[Metric, ...]:
    found: list[Metric] = []
    taken: list[tuple[int, int]] = []

    def add(metric: Metric, span: tuple[int, int]) -> None:
        if any(a < span[1] and span[0] < b for a, b in taken):
            return
        taken.append(span)
        found.append(metric)

    for match in PARALLEL.finditer(text) if PARALLEL_WORD in text else ():
        names = match.group("names").split("、")
        values = match.group("values").split("、")
        if len(names) != len(values):
            continue
        scope, first = _split_indicator(names[0])
        scope = scope or _scope(text, place)
        for name, value in zip([first] + names[1:], values):
            found.append(Metric(name, float(value.rstrip("%")), "%", scope, text, passage_id))
        taken.append(match.span())
    for match in CHANGE.finditer(text):
        metric = _change(text, match, passage_id, place)
        if metric is not None:
            add(metric, match.span())
    for match in PERCENT.finditer(text) if any(map(text.__contains__, PERCENT_WORDS)) else ():
        value = to_number(match.group("value") or match.group("cn").replace("点", "."))
        scope, indicator = _split_indicator(_clause_before(text, match.start()))
        if value is None or not indicator:
            continue
        approx = bool(APPROX_BEFORE.search(text[: match.start()]) or APPROX_AFTER.match(text[match.end() :]))
        add(Metric(indicator, value, "%", scope or _scope(text, place), text, passage_id, approx=approx),
            (match.start(), match.end()))
    for match in COUNT.finditer(text):
        metric = _count(text, match, passage_id, place)
        if metric is not None:
            add(metric, match.span())
    return tuple(found)


def _count(text: str, match: re.Match, passage_id: str, place: str) -> Metric | None:
    raw = match.group("value")
    value = to_number(raw)
    if value is None or NOT_FIGURE_BEFORE.search(text[: match.start()]) and not match.group("approx1"):
        return None
    if NOT_FIGURE_AFTER.match(text[match.end() :]) or (not raw[0].isdigit() and value < MIN_CN_VALUE):
        return None
    if NOT_FIGURE_UNIT_AFTER.match(text[match.end() :]) and not APPROX_AFTER.match(text[match.end() :]):
        return None
    if match.group("wan"):
        value *= 10000
    after = _clause_after(text, match.end())
    before = _clause_before(text, match.start())
    if after.startswith("的") and _ends_with_noun(before):
        after = ""  # "现有住户428户的龙庭小区": the count is of 住户
    after = _noun_phrase(after.removeprefix("的"))
    if (len(after) >= 2 and not after[0].isdigit()) or (len(after) == 1 and tag(after)[0][1].startswith("n")):
        indicator, scope = after, _scope(before + after, place)  # "十二个村" counts 村
    else:
        scope, indicator = _split_indicator(APPROX_BEFORE.sub("", FIGURE_AT_END.sub("", before)))
        scope = scope or _scope(text, place)
    if not indicator or len(indicator) < 2 and indicator != after:
        return None
    approx = bool(re.search(r"[余多]", match.group(0)) or match.group("approx1")
                  or APPROX_BEFORE.search(text[: match.start()]) or APPROX_AFTER.match(text[match.end() :]))
    return Metric(indicator, value, match.group("unit"), scope, text, passage_id, approx=approx)


def _change(text: str, match: re.Match, passage_id: str, place: str) -> Metric | None:
    """One figure for a change: the new value, the old one as `previous`, the noun phrase before 从/由 (or the
    counted thing after the new value) as indicator."""
    old, new = to_number(match.group("old")), to_number(match.group("new"))
    unit = match.group("unit2") or match.group("unit") or ""
    if old is None or new is None or not unit:
        return None
    if match.group("per"):
        unit += "/" + match.group("per")[1:]
    before = _clause_before(text, match.start())
    indicator = _trailing_noun_phrase(before) or _noun_phrase(_clause_after(text, match.end()))
    if len(indicator) < 2:
        return None
    approx = bool(match.group("new_approx")) or bool(APPROX_AFTER.match(text[match.end() :]))
    return Metric(indicator, new, unit, _scope(text, place), text, passage_id, previous=old, approx=approx)
