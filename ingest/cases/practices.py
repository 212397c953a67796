"""Practice names a case reports (做法名称): "321"模式, "红心物业"联盟, 三系四力, 《红心物业建设规范》.

Three general shapes, each explainable on its own:
- a quoted name, kept when a practice head follows it ("五红"标准), when it is a numbered formula ("四微"), when an
  establishing verb introduces it (成立"议事港湾"), or when the case repeats it;
- an unquoted numbered formula: numeral-led units repeated (三系四力, 四室四中心, 一核两翼三长联动) or an N方 mechanism
  (五方共建, 三方联动);
- an unquoted phrase ending in a practice head (小额维修金提取使用制度, 三级联动平台), its left edge cut by jieba.
Names are deduplicated per case by a key without quotes, 、 and spaces; the longer spelling wins.
"""
from __future__ import annotations

import re
from collections import OrderedDict
from functools import lru_cache
from pathlib import Path

import jieba.posseg

from ingest.cases.places import word_freq
from ingest.cases.text import Sentence

NUMERAL = "一二三四五六七八九十百双两多"
# Words that end a practice name when they follow it (the name's "head").
HEADS = (
    "管理机制", "工作机制", "运行机制", "治理模式", "工作法", "模式", "机制", "标准", "制度", "行动", "联盟", "平台",
    "品牌", "体系", "工程", "规范", "驿站", "服务站", "议事厅", "专班", "计划",
)
HEAD = "|".join(HEADS)
QUOTED = re.compile(rf"[“\"「『]([^“”\"「」『』。,，!！?？\n]{{1,16}})[”\"」』]((?:[\u4e00-\u9fff]{{0,4}}?(?:{HEAD}))?)")
BOOK_TITLE = re.compile(r"《([^《》]{2,30}(?:标准|规范|制度|机制))》")
# Numeral-led units repeated: 三系四力, 四室四中心, 一楼三管, 双报到双报告, 一核两翼三长联动.
FORMULA = re.compile(rf"(?:[{NUMERAL}][\u4e00-\u9fff]{{1,2}}){{2,3}}(?:联动|共建|共治|会谈)?")
FORMULA_UNIT = re.compile(rf"[{NUMERAL}][^{NUMERAL}]{{1,3}}")
N_PARTY = re.compile(rf"[{NUMERAL}]方(?:共建|联动|共治|会谈|协同|议事|协商)")
HEADED = re.compile(rf"(?:{HEAD})")
ESTABLISHING = re.compile(
    r"(?:成立|建立|打造|搭建|推行|实行|创建|设立|推出|出台|创新|探索|形成|开展|实施|建设|启动|采取|推广|引进|试行)了?$"
)
# Verbs that introduce a name ("搭建…平台", "纳入…考核体系"); the name starts after them.
LEAD_VERBS = frozenset(
    ["纳入", "搭建", "致力于", "利用", "健全", "完善", "建立", "推进", "推动", "加快", "加强", "发挥", "确保", "组建", "设立", "创新", "探索", "落实", "推行", "形成", "构建", "注重", "依托", "通过", "围绕", "成立", "打造", "实行", "创建", "推出", "出台", "开展", "实施", "启动", "采取", "推广", "引进", "试行", "制定", "出台", "提供", "拟定", "深化"]
)
# Light verbs between a quotation and a head word mean the head is not part of the name.
COPULA = re.compile(r"(?:成为|作为|是|为|有|的)")
# Single characters that start no practice name ("暨明珠街道…服务站").
STOP_CHARS = frozenset("暨及与和或等了的是为于由在对把被将让给")
# Measure words: a numeral followed by one is a count (一名, 三年, 二十届), not a formula unit.
MEASURE_CHARS = frozenset("名个件位届年月日次家人户条项批种只场天")
# A formula unit that is an ordinary word this frequent (一直, 百姓, 一体) is not a numbered formula.
COMMON_UNIT_FREQ = 1000
MAX_HEADED_CHARS = 14
STOP_TAGS = ("p", "c", "u", "r", "d", "f", "t", "m", "q", "x")
DATA = Path(__file__).parent / "data"


@lru_cache(maxsize=1)
def generic_terms() -> frozenset[str]:
    lines = (DATA / "generic_terms.txt").read_text(encoding="utf-8").splitlines()
    return frozenset(line.strip() for line in lines if line.strip() and not line.startswith("#"))


def practice_key(name: str) -> str:
    """What two spellings of one practice share: no quotes, book-title marks, 、 or spaces."""
    return re.sub(r"[“”\"「」『』《》、,\s·]", "", name)


def _display(quoted: str, head: str) -> str:
    return f"“{quoted}”{head}"


def _is_formula(text: str) -> bool:
    if N_PARTY.fullmatch(text):
        return True
    units = FORMULA_UNIT.findall(text)
    if len(units) < 2 or not FORMULA.fullmatch(text):
        return False
    return not any(unit[1] in MEASURE_CHARS or word_freq(unit[:2]) >= COMMON_UNIT_FREQ for unit in units)


def _quoted(sentence: str, counts: dict[str, int]) -> list[str]:
    names = []
    for match in QUOTED.finditer(sentence):
        inner, head = match.group(1).strip(), match.group(2)
        if head and COPULA.match(head):
            head = ""  # "“红色物业”成为品牌": the quote is the subject, not a name with its head
        key = practice_key(inner)
        if len(key) < 2 or key in generic_terms() and not head:
            continue
        if head:
            names.append(_display(inner, head))
        elif (_is_formula(key) or re.fullmatch(r"\d{2,4}", key) or ESTABLISHING.search(sentence[: match.start()])
              or counts.get(key, 0) >= 2) and not re.search(r"[,，。]", inner) and len(key) <= 10:
            names.append(_display(inner, ""))
    return names


def _headed(sentence: str) -> list[str]:
    """Unquoted names ending in a head: the words before the head up to a function word or verb phrase start."""
    names = []
    for match in HEADED.finditer(sentence):
        left = sentence[max(0, match.start() - MAX_HEADED_CHARS) : match.start()]
        if not left or left[-1] in "”\"》":
            continue
        cut = re.split(r"[^\u4e00-\u9fff\d+]", left)[-1]
        words = list(jieba.posseg.cut(cut))
        kept = []
        for word in reversed(words):
            numbered = (word.word[0] in NUMERAL and word_freq(word.word) < COMMON_UNIT_FREQ
                        and word.word[1:2] not in MEASURE_CHARS)
            if word.flag.startswith(STOP_TAGS) and not numbered or word.word in STOP_CHARS | LEAD_VERBS:
                break
            kept.insert(0, word)
        while kept and kept[0].flag.startswith("v"):
            kept.pop(0)  # "注重组织体系", "组建红心物业联盟": the leading verb is the action, not the name
        stem = "".join(word.word for word in kept)
        if len(stem) >= 4 or _is_formula(stem):
            names.append(stem + match.group(0))
    return names


def _formulas(sentence: str) -> list[str]:
    found = []
    for pattern in (FORMULA, N_PARTY):
        for match in pattern.finditer(sentence):
            text = match.group(0)
            before = sentence[max(0, match.start() - 1) : match.start()]
            if before in "“\"" or not _is_formula(text):
                continue
            found.append(text)
    return found


def find_practices(sentences: list[Sentence]) -> OrderedDict[str, tuple[str, list[str]]]:
    """key → (display name, passage ids), in order of first mention; the longest spelling of a key wins."""
    counts: dict[str, int] = {}
    for sentence in sentences:
        for match in QUOTED.finditer(sentence.text):
            key = practice_key(match.group(1))
            counts[key] = counts.get(key, 0) + 1
    found: OrderedDict[str, tuple[str, list[str]]] = OrderedDict()
    for sentence in sentences:
        names = _quoted(sentence.text, counts) + [f"《{m.group(1)}》" for m in BOOK_TITLE.finditer(sentence.text)]
        names += _formulas(sentence.text) + _headed(sentence.text)
        for name in names:
            key = practice_key(name)
            if key in generic_terms():
                continue
            display, ids = found.get(key, (name, []))
            if sentence.passage_id not in ids:
                ids.append(sentence.passage_id)
            found[key] = (display, ids)
    return _merge_contained(found)


def _merge_contained(found: OrderedDict[str, tuple[str, list[str]]]) -> OrderedDict[str, tuple[str, list[str]]]:
    """"红心物业" and "红心物业"联盟 are one practice: a key inside a longer key of the case folds into it."""
    merged: OrderedDict[str, tuple[str, list[str]]] = OrderedDict()
    keys = list(found)
    for key in keys:
        longer = [other for other in keys if other != key and key in other and len(other) - len(key) <= 6]
        if longer:
            target = max(longer, key=len)
            found[target] = (found[target][0], list(dict.fromkeys(found[target][1] + found[key][1])))
            continue
    for key in keys:
        if not any(other != key and key in other and len(other) - len(key) <= 6 for other in keys):
            merged[key] = found[key]
    return merged
