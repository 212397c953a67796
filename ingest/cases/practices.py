"""Practice names a case reports (做法名称), found by the grammar reports use, not by lists of names.

Forms, each explainable on its own (heads and their kinds are general vocabulary in `data/practice_heads.txt`):
- a quoted name, with its head ("红色物业服务站", “接诉即办”工作机制, “红色管家”团) or without one when an
  establishing verb introduces it (推行“红色管家”服务), when it is a numbered formula (“四同四心”, “1+3+N”), a
  parallel list (“共商、共治、共享”), or the case repeats it; 以“X”为目标/理念 makes a slogan;
- an unquoted numbered formula: numeral-led units repeated (四同四心, 一户一档) or an N方 mechanism (三方联动);
- a named body or venue: the nouns before a body head (设了红色驿站, 组建了一支党员先锋队);
- a bounded mechanism: an establishing verb, then the words up to a mechanism head in the same clause
  (建立业委会、物业、社区三方议事机制; 推出错时共享停车办法);
- an unquoted parallel list of three or more short items sharing a first character (共商、共治、共享).
Each name has a kind (mechanism, body, event, standard, slogan). Spellings of one practice share a key (no
quotes, 、 or spaces); a key inside a longer key of the case that only adds a head (红色管家 / 红色管家团) folds into it.
"""
from __future__ import annotations

import re
from collections import OrderedDict
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from ingest.cases.text import Sentence, tag, word_freq, word_tag

NUMERAL = "一二三四五六七八九十百双两多"
DATA = Path(__file__).parent / "data"
QUOTE_OPEN, QUOTE_CLOSE = "“\"「『", "”\"」』"
QUOTED = re.compile(r"[“\"「『]([^“”\"「」『』。,，!！?？\n]{1,16})[”\"」』]")
BOOK_TITLE = re.compile(r"《([^《》]{2,30}(?:标准|规范|制度|机制|办法|规则))》")
# Numeral-led units repeated: 三系四力, 四室四中心, 一户一档, 双述双评, 一核两翼三长联动.
FORMULA = re.compile(rf"(?:[{NUMERAL}][\u4e00-\u9fff]{{1,2}}){{2,3}}(?:联动|共建|共治|会谈)?")
FORMULA_UNIT = re.compile(rf"[{NUMERAL}][^{NUMERAL}]{{1,3}}")
N_PARTY = re.compile(rf"[{NUMERAL}]方(?:共建|联动|共治|会谈|协同|议事|协商)")
# A formula of digits and letters joined by +: 1+3+N, 党建+物业.
PLUS_FORMULA = re.compile(r"^[\w\u4e00-\u9fff]{1,8}(?:\+[\w\u4e00-\u9fff]{1,8})+$")
# Verbs that introduce a practice's name ("推行“红色管家”服务", "建立…机制").
ESTABLISHING = re.compile(
    r"(?:成立|建立|打造|搭建|推行|实行|创建|设立|推出|出台|创新|探索|形成|开展|实施|启动|采取|推广|引进|试行|构建|"
    r"完善|健全|组建|依托|实施|落实|制定)了?$"
)
MECHANISM_VERB = re.compile(r"建立|推行|实行|创新|探索|构建|推出|完善|健全|形成|试行|实施|出台|制定|落实")
# 以“长效长治”为目标: a quoted phrase set as a goal or motto is a slogan.
SLOGAN = re.compile(r"以$")
SLOGAN_AFTER = re.compile(r"^为(?:目标|理念|主线|抓手|宗旨|口号|方向|引领)")
# A quotation followed by a light verb is the subject of what follows, not a name with a head ("红色物业"成为品牌).
COPULA = re.compile(r"^(?:成为|作为|是|为|有|的)")
# Measure words: a numeral followed by one is a count (一名, 三年, 二十届), not a formula unit.
MEASURE_CHARS = frozenset("名个件位届年月日次家人户条项批种只场天支")
# A formula unit that is an ordinary word this frequent (一直, 百姓, 一体) is not a numbered formula.
COMMON_UNIT_FREQ = 1000
MAX_NAME_CHARS = 24
MAX_HEAD_MODIFIER = 2
MAX_LIST_ITEM = 5
# How much a longer spelling may add to a shorter one and still be the same practice (a head, a list of parties).
MAX_QUALIFIER_CHARS = 10
# POS tags that may stand in a body's name before its head (nouns, names, adjectives, noun-verbs, numerals of
# formulas); anything else ends the name on its left.
NAME_TAGS = ("n", "a", "b", "vn", "j", "l", "nz")
PLACE_TAGS = ("ns", "nt")
# What a practice key leaves out, and what ends the clause before a body head or a mechanism head (compiled here
# rather than looked up in re's cache at each call).
NOT_IN_KEY = re.compile(r"[“”\"「」『』《》、,，\s·]")
NOT_CJK = re.compile(r"[^\u4e00-\u9fff]")
NOT_IN_MECHANISM = re.compile(r"[^\u4e00-\u9fff、+]")
# Parallel lists: three or more items of 2–4 characters sharing their first character (共商、共治、共享).
MIN_PARALLEL_ITEMS = 3  # PARALLEL's {2,} more items after the first
PARALLEL = re.compile(r"(?<![\u4e00-\u9fff])([\u4e00-\u9fff]{2,4})(?:、([\u4e00-\u9fff]{2,4})){2,}(?![\u4e00-\u9fff])")
# The topic's own names are the subject of every report, never one place's practice.
TOPIC_NAMES = frozenset(["红色物业", "红心物业", "党建引领", "物业服务", "物业管理", "基层治理", "社区治理", "小区治理"])


@dataclass
class Practice:
    name: str
    kind: str
    passage_ids: list[str] = field(default_factory=list)
    evidence: str = ""


@lru_cache(maxsize=1)
def heads() -> dict[str, str]:
    """Head word → kind, longest first (so 志愿服务队 wins over 服务队)."""
    found = {}
    for line in (DATA / "practice_heads.txt").read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            head, kind = line.split("\t")
            found[head.strip()] = kind.strip()
    return dict(sorted(found.items(), key=lambda item: -len(item[0])))


@lru_cache(maxsize=1)
def _head_pattern() -> re.Pattern:
    return re.compile("|".join(re.escape(head) for head in heads()))


@lru_cache(maxsize=1)
def _head_after_quote() -> re.Pattern:
    """A head right after a quotation, with up to MAX_HEAD_MODIFIER characters before it (“135”管理机制)."""
    alternatives = "|".join(re.escape(head) for head in heads())
    return re.compile(rf"[\u4e00-\u9fff]{{0,{MAX_HEAD_MODIFIER}}}?(?:{alternatives})")


def practice_key(name: str) -> str:
    """What two spellings of one practice share: no quotes, book-title marks, 、 or spaces."""
    return NOT_IN_KEY.sub("", name)


def _head_of(name: str) -> str | None:
    """The longest head the name ends with (heads are longest first, so the first that matches)."""
    return next((name[-size:] for size in _head_lengths() if size <= len(name) and name[-size:] in heads()), None)


@lru_cache(maxsize=1)
def _head_lengths() -> tuple[int, ...]:
    """The heads' lengths, longest first: a name's endings of these lengths are looked up, not every head tried."""
    return tuple(sorted({len(head) for head in heads()}, reverse=True))


def _is_formula(text: str) -> bool:
    if N_PARTY.fullmatch(text) or PLUS_FORMULA.match(text):
        return True
    units = FORMULA_UNIT.findall(text)
    if len(units) < 2 or not FORMULA.fullmatch(text):
        return False
    return not any(unit[1] in MEASURE_CHARS or word_freq(unit[:2]) >= COMMON_UNIT_FREQ for unit in units)


def _kind(name: str, default: str = "mechanism") -> str:
    head = _head_of(practice_key(name))
    return heads()[head] if head else default


def _quoted(sentence: str) -> list[tuple[str, str, str | None]]:
    """(name, kind, key) of the quoted names; a key when the name counts only if the case repeats it."""
    names = []
    for match in QUOTED.finditer(sentence):
        inner = match.group(1).strip()
        key = practice_key(inner)
        if len(key) < 2 or key in TOPIC_NAMES:
            continue
        before, after = sentence[: match.start()], sentence[match.end():]
        head = _head_after_quote().match(after) if not COPULA.match(after) else None
        if SLOGAN.search(before) and SLOGAN_AFTER.match(after):
            names.append((f"“{inner}”", "slogan", None))
        elif head:
            names.append((f"“{inner}”{head.group(0)}", _kind(head.group(0)), None))
        else:
            if re.fullmatch(r"[\d.]+", key) and not _is_formula(key):
                continue
            named = _head_of(key) or _is_formula(key) or _is_short_list(inner) or ESTABLISHING.search(before)
            names.append((f"“{inner}”", _kind(key), None if named else key))
    return names


# A body's name holding a bare level word ("小区业委会", "社区党群服务站") is that place's own office, not a name.
GENERIC_LEVEL = re.compile(r"小区|社区|街道|乡镇|村委")


def _is_short_list(text: str) -> bool:
    """A quoted list of short items (“共商、共治、共享”, “双向进入、交叉任职”), not a quoted line of verse."""
    items = re.split(r"[、,，]", text)
    return len(items) >= 2 and all(2 <= len(item) <= MAX_LIST_ITEM for item in items)


def _name_before(text: str) -> str:
    """The nouns and adjectives a clause ends with, whole words, place names left off ("哈尔滨市南岗区红色物业")."""
    words = tag(text)
    kept: list[str] = []
    for word, flag in reversed(words):
        if not flag.startswith(NAME_TAGS) or flag.startswith(PLACE_TAGS) or len("".join(kept)) + len(word) > 10:
            break
        kept.insert(0, word)
    while kept and (word_tag(kept[0]).startswith(("v", "m", "d")) or kept[0][0] in NUMERAL and len(kept) > 1):
        kept.pop(0)  # "余场", "明确": a count's or a verb's word before the name
    return "".join(kept)


def _unquoted_heads(sentence: str) -> dict[str, list[re.Match]]:
    """kind → the heads of that kind in the sentence, found once for bodies and mechanisms; a head right after a
    closing quote is the quotation's (`_quoted`)."""
    found: dict[str, list[re.Match]] = {}
    for match in _head_pattern().finditer(sentence):
        if sentence[match.start() - 1 : match.start()] not in QUOTE_CLOSE:
            found.setdefault(heads()[match.group(0)], []).append(match)
    return found


def _bodies(sentence: str, head_matches: list[re.Match]) -> list[tuple[str, str]]:
    """Named bodies and venues without quotes: the nouns before a body head (设了红色驿站 → 红色驿站)."""
    names = []
    for match in head_matches:
        head = match.group(0)
        clause = NOT_CJK.split(sentence[: match.start()])[-1]
        stem = _name_before(clause)
        following = tag(sentence[match.start() : match.end() + 4])
        if len(following) > 1 and following[0][0] == head and following[1][1] in ("n", "vn") and len(following[1][0]) > 1:
            continue  # "业委会专题培训": the head word modifies a noun after it
        if len(stem) >= 2 and not GENERIC_LEVEL.search(stem):
            names.append((stem + head, "body"))
    return names


def _mechanisms(sentence: str, head_matches: list[re.Match]) -> list[tuple[str, str]]:
    """An establishing verb, then the words up to a mechanism head in the same clause (建立…三方议事机制)."""
    names = []
    for match in head_matches:
        head = match.group(0)
        clause = NOT_IN_MECHANISM.split(sentence[: match.start()])[-1]
        verbs = list(MECHANISM_VERB.finditer(clause))
        if not verbs:
            continue
        stem = clause[verbs[-1].end():].lstrip("了").rsplit("的", 1)[-1]  # "…领导下的居委会、业委会…协调运行机制"
        words = tag(stem)
        while len(words) > 1 and words[0][1] == "v":
            words.pop(0)  # "设立小区小额维修金…制度": the verb before the name is the action
        stem = "".join(word for word, _ in words)
        if stem in TOPIC_NAMES:
            continue  # "创新物业管理模式": the topic's own way of working, not a named practice
        if 2 <= len(stem) + len(head) <= MAX_NAME_CHARS and len(stem) >= 2 and not stem.startswith("、"):
            names.append((stem + head, "mechanism"))
    return names


def _formulas(sentence: str) -> list[tuple[str, str]]:
    found = []
    for pattern in (FORMULA, N_PARTY):
        for match in pattern.finditer(sentence):
            text = match.group(0)
            if sentence[match.start() - 1 : match.start()] in QUOTE_OPEN or not _is_formula(text):
                continue
            found.append((text, "mechanism"))
    return found


def _lists(sentence: str) -> list[tuple[str, str]]:
    """Unquoted parallel lists whose items share their first character (共商、共治、共享); a list spelling out a
    formula named just before it ("四同四心"工作法:同学习、同议事…) is that formula, not a second practice."""
    found = []
    if sentence.count("、") < MIN_PARALLEL_ITEMS - 1:
        return found  # no room for a list: PARALLEL is not tried at every character
    for match in PARALLEL.finditer(sentence):
        items = match.group(0).split("、")
        if len({item[0] for item in items}) != 1 or sentence[match.start() - 1 : match.start()] in QUOTE_OPEN:
            continue
        if re.search(r"[:：]$", sentence[: match.start()]):
            continue
        found.append((match.group(0), "mechanism"))
    return found


def find_practices(sentences: list[Sentence]) -> OrderedDict[str, Practice]:
    """key → Practice, in order of first mention; the longest spelling of a key wins."""
    readings = [_sentence_names(sentence.text) for sentence in sentences]
    counts: dict[str, int] = {}
    for _, quoted_keys in readings:
        for key in quoted_keys:
            counts[key] = counts.get(key, 0) + 1
    found: OrderedDict[str, Practice] = OrderedDict()
    for sentence, (names, _) in zip(sentences, readings):
        for name, kind, repeated in names:
            if repeated is not None and counts.get(repeated, 0) < 2:
                continue  # a quotation without a head or an establishing verb names a practice when repeated
            key = practice_key(name)
            if key in TOPIC_NAMES:
                continue
            practice = found.setdefault(key, Practice(name, kind, evidence=sentence.text))
            if sentence.passage_id not in practice.passage_ids:
                practice.passage_ids.append(sentence.passage_id)
    return _merge_contained(found)


# A case's sentences are read for practices once per grouping of its document (extract_cases groups twice).
@lru_cache(maxsize=4096)
def _sentence_names(text: str) -> tuple[tuple[tuple[str, str, str | None], ...], tuple[str, ...]]:
    """A sentence's candidate names (name, kind, the key it must be repeated under or None), and the keys of its
    quotations (what a case's repetitions are counted over)."""
    names = _quoted(text) + [(f"《{m.group(1)}》", _kind(m.group(1)), None) for m in BOOK_TITLE.finditer(text)]
    found_heads = _unquoted_heads(text)
    unquoted = (_formulas(text) + _bodies(text, found_heads.get("body", []))
                + _mechanisms(text, found_heads.get("mechanism", [])) + _lists(text))
    names += [(name, kind, None) for name, kind in unquoted]
    return tuple(names), tuple(practice_key(match.group(1)) for match in QUOTED.finditer(text))


def _merge_contained(found: OrderedDict[str, Practice]) -> OrderedDict[str, Practice]:
    """Spellings of one practice become one entry under the longer key: a key inside a longer one that adds a head
    or a qualifier ("红色管家" / "红色管家团", "三方议事机制" / "业委会物业社区三方议事机制")."""
    merged: OrderedDict[str, Practice] = OrderedDict()
    keys = list(found)
    for key in keys:
        longer = [other for other in keys if other != key and key in other and len(other) - len(key) <= MAX_QUALIFIER_CHARS]
        if longer:
            target = found[max(longer, key=len)]
            target.passage_ids = list(dict.fromkeys(target.passage_ids + found[key].passage_ids))
            if target.kind == "mechanism" and found[key].kind != "mechanism":
                target.kind = found[key].kind
            continue
        merged[key] = found[key]
    return merged
