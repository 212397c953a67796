"""Where a passage is: division chains (省/市/区县 from `ingest.places`) plus street, community and estate names.

A suffix alone would take any 2–8 characters before it, so "在长春市二道区东盛街道" would come out as one
name. Here the name stem is cut with jieba's part-of-speech tags (a verb, preposition, pronoun, numeral or
measure word ends it), generic stems (老旧小区, 示范小区) are dropped, and every local name gets a parent: the
division or local written right before it ("东盛街道双安社区", "双安社区的吉盛小区"), else a place of higher level
named in the same passage, else the context the caller passes.
"""
from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from ingest.cases.text import tag, word_freq, word_tag
from ingest.places import SEGMENTER_RUN, Division, PlaceMention, find_mentions, gazetteer, home_city
from ingest.text.fold import fold

# Local suffix → level below the county (3 street/town, 4 community/village, 5 estate); longest first.
LOCAL_LEVELS = {
    "小区": 5, "花园": 5, "家园": 5, "新村": 5, "公寓": 5,
    "街道": 3, "镇": 3, "乡": 3, "社区": 4, "村": 4,
}
LOCAL_SUFFIX = re.compile("|".join(sorted(LOCAL_LEVELS, key=len, reverse=True)))
# A suffix followed by this is inside a company's name ("…社区服务有限公司", "…小区物业管理公司").
COMPANY_AFTER = re.compile(r"[\u4e00-\u9fff]{0,8}?(?:有限责任公司|有限公司|股份公司|集团|公司)")
# Characters that end a road's or lane's name; a numeral before them belongs to a place name (纬五路, 三里屯).
ROAD_CHARS = frozenset("路街巷里屯")
DIVISION_LEVELS = {"province": 0, "city": 1, "county": 2}
MAX_STEM_CHARS = 7
HAN_WORD = re.compile(r"[\u4e00-\u9fff]+")  # a word that can be part of a place name's stem
# Up to the last character that neither the tagger's blocks (jieba's re_han_internal) nor a Han word holds: the
# tagger cuts what follows on its own, and tags that character x.
LAST_BREAK = re.compile(r".*[^\u4e00-\u9fffa-zA-Z0-9+#&._]", re.DOTALL)
# jieba tags that cannot be inside a place name: prepositions, conjunctions, particles, pronouns, numerals,
# measure words, adverbs, locality words; verbs too when longer than one character (培新街: 培 is tagged v).
STOP_TAGS = ("p", "c", "u", "r", "m", "q", "d", "f", "t", "i", "l")
# Adjectives end a name (美好家园, 优秀街道, 明确小区) unless it is written right after its parent place
# (丹水池街道幸福社区), where an adjective stem reads as a name.
ADJECTIVE_TAGS = ("a",)
# A frequent one-word stem is rejected only when tagged as a plain noun or verb.
ORDINARY_TAGS = ("n", "v")
PROPER_TAGS = ("nr", "ns", "nt", "nz")
# Single characters jieba may tag as verbs or nouns that still end a name on their left (到双安社区, 暨明珠街道).
STOP_CHARS = frozenset("到在从对向把被将让给暨及与和或等了的是为于由至经起讲说自原该其各每")
# Frequencies in jieba's dictionary above which a word is ordinary: a one-word stem (利用小区, 部分小区; 笔架山街道
# at 1306 stays a name) and the word a one-character suffix would end (城乡建设).
COMMON_STEM_FREQ = 3000
COMMON_WORD_FREQ = 1000
# A local name linked to the place before it by "的" (双安社区的吉盛小区).
LINK = "的"
# Markers that a passage speaks about the whole home city (我市, 全市, 市住建局, 城区).
CITY_MARKER = re.compile(
    r"我市|本市|全市|市委|市政府|中心城区|城区|(?:^|(?<=[,。、;:“\s]))市[\u4e00-\u9fff]{0,5}?(?:局|委|中心|办|协会|部)"
)
# A division named as part of an organisation ("山东省住房和城乡建设厅", "山东师范大学") says who speaks, not where
# the practice is; such mentions weigh less when choosing a passage's place.
ORGANISATION_AFTER = re.compile(
    r"(?:委|党校|大学|学院|师范|住房|住建|民政|日报|晚报|报社|电视台|政府|"
    r"[\u4e00-\u9fff]{0,6}(?:厅|局|部|办|委员会|协会|学院|大学|党校))"
)
ORGANISATION_WEIGHT = 0.3
# Markers that a passage speaks about the whole district or county of its context (全区, 我县).
COUNTY_MARKER = re.compile(r"全区|本区|我区|全县|本县|我县")
DATA = Path(__file__).parent / "data"


@lru_cache(maxsize=1)
def generic_stems() -> frozenset[str]:
    lines = (DATA / "generic_places.txt").read_text(encoding="utf-8").splitlines()
    return frozenset(line.strip() for line in lines if line.strip() and not line.startswith("#"))


@lru_cache(maxsize=1)
def generic_endings() -> tuple[str, ...]:
    """The generic stems of two or more characters: a stem ending in one (幸福老旧小区) is no name either."""
    return tuple(stem for stem in generic_stems() if len(stem) > 1)


def _no_name(stem: str) -> bool:
    """Whether `local_mentions` rejects a stem: too short, generic, or ending in a generic stem."""
    return len(stem) < 2 or stem in generic_stems() or stem.endswith(generic_endings()) or stem.isdigit()


@lru_cache(maxsize=1)
def nameless_endings() -> tuple[str, ...]:
    """Generic endings that no stem of a window ending in them can escape: `_stem` takes a suffix of its window, so
    a stem as long as the ending ends in it, and every shorter one (a suffix of the ending) is rejected too."""
    return tuple(ending for ending in generic_endings()
                 if all(_no_name(ending[-length:]) for length in range(2, len(ending))))


def _cannot_hold_name(window: str) -> bool:
    """Whether `_stem(window)` is rejected whatever the window's tags, so the window need not be cut: it ends in no
    Han character (the stem is empty), or in a generic ending no stem escapes (住宅小区, 老旧小区)."""
    return not window or not ("\u4e00" <= window[-1] <= "\u9fff") or window.endswith(nameless_endings())


@dataclass(frozen=True)
class LocalMention:
    name: str
    level: int
    start: int
    end: int


def _stem(window: str, after_place: bool = False) -> str:
    """The trailing words of `window` that can belong to a place name."""
    words = _last_words(window)
    stem = ""
    taken = 0
    last_tag = ""
    for token, flag in reversed(words):
        if not HAN_WORD.fullmatch(token):
            break
        # an adjective starts a name only before another word of it (幸福家园, not 优秀街道), or right after
        # the parent place (丹水池街道幸福社区, 嘉莲街道莲秀社区)
        adjective = flag.startswith(ADJECTIVE_TAGS) and not after_place and taken == 0
        verb = (flag.startswith("v") and len(token) > 1) or _ends_with_verb(token)
        numbered_road = flag.startswith("m") and token[-1] in ROAD_CHARS  # 纬五路小区, 三里屯社区
        if (flag.startswith(STOP_TAGS) and not numbered_road) or adjective or verb or token in generic_stems():
            break
        if token in gazetteer() and token.endswith(DIVISION_SUFFIXES):
            break  # "长安区广安街道": a division's full name is the parent written before the name
        if token in STOP_CHARS or len(stem) + len(token) > MAX_STEM_CHARS:
            break
        stem = token + stem
        taken += 1
        last_tag = flag
    if taken < len(words) and words[len(words) - taken - 1][1].startswith("m"):
        return ""  # "600余场社区宣传活动": a count, not a name
    ordinary = last_tag.startswith(ORDINARY_TAGS) and not last_tag.startswith(PROPER_TAGS)
    if taken == 1 and ordinary and word_freq(stem) >= COMMON_STEM_FREQ and not after_place:
        return ""  # "利用小区", "部分小区"; right after its parent a common word is a name (梨园街道青年社区)
    first = words[len(words) - taken][0] if taken > 1 else ""
    if first and not after_place and word_freq(first) >= COMMON_STEM_FREQ and last_tag.startswith(ORDINARY_TAGS) \
            and len(stem) - len(first) >= 2 and word_tag(first).startswith(("v", "n")) and len(first) == 2:
        return stem[len(first):]  # "社区指导海景花园小区": a frequent word before a name is the sentence's, not the name's
    return stem


def _last_words(window: str) -> list[tuple[str, str]]:
    """The window's tagged words after its last break, all `_stem` can read: the tagger cuts the text after a break
    (a character no word holds) on its own, so these are the window's own last words, and the break before them
    is a word tagged x that is no Han word, where `_stem` stops. Cutting only them spares the cut of the window's
    first, partial block (most windows reach back over a comma)."""
    folded = fold(window)
    last_break = LAST_BREAK.match(folded)
    if last_break is None:
        return tag(window)
    start = last_break.end()
    tail = window[start:]
    if "\u4e00" <= window[start - 1] <= "\u9fff" or fold(tail) != folded[start:]:
        return tag(window)  # folding it alone would change it (OpenCC reads phrases): the window's own cut
    return tag(tail)


def _ends_with_verb(token: str) -> bool:
    """A dictionary word that ends in a plain verb ("全面推行", "统一管理") is a phrase about doing, never a name."""
    return len(token) > 2 and word_tag(token[-2:]) == "v"


def local_mentions(text: str, divisions: list[PlaceMention]) -> list[LocalMention]:
    """Street/community/estate names by suffix, each name cut at the division or name written before it."""
    boundaries = {m.end for m in divisions}
    found: list[LocalMention] = []
    last_end = 0
    for match in LOCAL_SUFFIX.finditer(text):
        start = match.start()
        if LOCAL_SUFFIX.match(text, match.end()):
            continue  # "花园小区", "东北村小区": the last suffix names the place, the first is part of the stem
        if len(match.group(0)) == 1 and _inside_word(text, start, match.end()):
            continue  # "城乡建设": 乡 inside a longer word
        if COMPANY_AFTER.match(text, match.end()):
            continue  # "众治社区服务有限公司": a company's name, not a community
        left = max(last_end, start - 12)
        for end in sorted(boundaries):
            if left <= end <= start:
                left = end
        window = text[left:start]
        if _cannot_hold_name(window):
            continue
        stem = _stem(window, after_place=left in boundaries or (left == last_end and last_end > 0))
        if _no_name(stem):
            continue
        name = stem + match.group(0)
        found.append(LocalMention(name, LOCAL_LEVELS[match.group(0)], start - len(stem), match.end()))
        last_end = match.end()
    return found


def _inside_word(text: str, start: int, end: int) -> bool:
    """Whether a one-character suffix is the end of an ordinary word ("城乡建设": 城乡), not of a name."""
    return word_freq(text[max(0, start - 1) : end]) >= COMMON_WORD_FREQ


def _spellings(text: str, name: str, opening: str) -> Iterator[tuple[int, int]]:
    """Spans of `name`, or else of `opening` (a start of it), left to right and not overlapping: what
    re.finditer("name|opening") finds, without compiling a pattern for every name of every document."""
    start = text.find(opening)
    while start >= 0:
        end = start + (len(name) if text.startswith(name, start) else len(opening))
        yield start, end
        start = text.find(opening, end)


@dataclass
class PlaceNode:
    key: str  # "D:<division code>" or "L:<local name>"
    name: str
    level: int
    parent: str | None = None


@dataclass
class PassagePlaces:
    """The places one passage names, in order, and whether it speaks about the whole home city."""

    divisions: list[PlaceMention] = field(default_factory=list)
    locals: list[LocalMention] = field(default_factory=list)
    city_wide: bool = False


class PlaceBook:
    """All places of one document and how they nest; built once from the document's passage texts."""

    def __init__(self, texts: list[str]):
        self.nodes: dict[str, PlaceNode] = {}
        self.case_places: set[str] | None = None
        self.counts: dict[str, int] = {}
        self.context = "\n".join(texts)
        mentions = find_mentions(self.context)  # read once for the home city and the city named most
        self.home = home_city(self.context, mentions=mentions) or self._most_named_city(mentions)
        self.passages = [self._read(text) for text in texts]
        self._alias_names()
        for text, places in zip(texts, self.passages):
            self._stem_mentions(text, places)
        for text, places in zip(texts, self.passages):
            self._link(text, places)

    # -- reading -------------------------------------------------------------------------------------

    def _read(self, text: str) -> PassagePlaces:
        divisions = [m for m in find_mentions(text, context=self.context) if is_place_mention(text, m)]
        places = PassagePlaces(divisions, local_mentions(text, divisions), bool(CITY_MARKER.search(text)))
        for mention in divisions:
            self._add_division(mention.division)
            self.counts[division_key(mention.division)] = self.counts.get(division_key(mention.division), 0) + 1
        for local in places.locals:
            key = local_key(local.name)
            self.nodes.setdefault(key, PlaceNode(key, local.name, local.level))
            self.counts[key] = self.counts.get(key, 0) + 1
        return places

    def _add_division(self, division: Division) -> None:
        if division_key(division) in self.nodes:
            return  # added with its province and city
        parent = None
        for code in (division.code[:2] + "0000", division.code[:4] + "00", division.code):
            name = Division(code, "").chain[-1:] if code != division.code else [division.name]
            if not name:
                continue
            key = f"D:{code}"
            self.nodes.setdefault(key, PlaceNode(key, name[0], DIVISION_LEVELS[Division(code, name[0]).level], parent))
            parent = key
            if code == division.code:
                break

    def _most_named_city(self, mentions: list[PlaceMention]) -> Division | None:
        counts: dict[str, Division] = {}
        tally: dict[str, int] = {}
        for mention in mentions:
            if mention.division.level == "city":
                counts[mention.division.code] = mention.division
                tally[mention.division.code] = tally.get(mention.division.code, 0) + 1
        return counts[max(tally, key=tally.get)] if tally else None

    def _alias_names(self) -> None:
        """A name written once with its suffix and once without (中央花园小区 / 中央花园) is one place."""
        names = sorted((n for n in self.nodes.values() if n.key.startswith("L:")), key=lambda n: -len(n.name))
        self.aliases: dict[str, str] = {}
        for node in names:
            for other in names:
                if other is not node and len(other.name) < len(node.name) and node.name.startswith(other.name):
                    self.aliases.setdefault(other.key, node.key)
        for short, long in self.aliases.items():
            self.counts[long] = self.counts.get(long, 0) + self.counts.pop(short, 0)
            self.nodes.pop(short, None)

    def _stem_mentions(self, text: str, places: PassagePlaces) -> None:
        """A known name is a mention wherever it is written: in full after any word ("，幸福社区的…"), and without
        its suffix when the rest is distinctive enough ("东郡红树湾物业经理")."""
        for node in list(self.nodes.values()):
            if not node.key.startswith("L:"):
                continue
            stem = self.stem(node.key)
            if (stem if len(stem) >= 3 else node.name) not in text:
                continue  # neither spelling is written here (the stem opens the name)
            for start, end in _spellings(text, node.name, stem if len(stem) >= 3 else node.name):
                if not any(m.start <= start < m.end for m in places.locals):
                    places.locals.append(LocalMention(node.name, node.level, start, end))
                    self.counts[node.key] = self.counts.get(node.key, 0) + 1
        places.locals.sort(key=lambda m: m.start)

    def stem(self, key: str) -> str:
        """The name without its suffix (龙庭小区 → 龙庭); divisions keep their full name."""
        name = self.nodes[key].name
        if key.startswith("L:"):
            suffix = LOCAL_SUFFIX.search(name, len(name) - 2) or LOCAL_SUFFIX.search(name, len(name) - 1)
            return name[: suffix.start()] if suffix else name
        return name

    def addresses(self, index: int) -> list[tuple[str, bool]]:
        """The passage's local mentions as (key, is_address): "爱山街道龙庭小区" names 爱山街道 only as the
        address of its child, so that mention does not make the passage about the street."""
        mentions = self.passages[index].locals
        found = []
        for mention in mentions:
            key = self.canonical(local_key(mention.name))
            address = any(
                other.start in (mention.end, mention.end + len(LINK))
                and self.nodes[self.canonical(local_key(other.name))].parent == key
                for other in mentions
            )
            found.append((key, address))
        return found

    def canonical(self, key: str) -> str:
        return self.aliases.get(key, key)

    def _link(self, text: str, places: PassagePlaces) -> None:
        """Parents written in the text: the place right before a name, or joined to it by 的."""
        ends: dict[int, str] = {m.end: division_key(m.division) for m in places.divisions}
        for local in places.locals:
            ends[local.end] = self.canonical(local_key(local.name))
        for local in places.locals:
            key = self.canonical(local_key(local.name))
            before = ends.get(local.start) or (
                ends.get(local.start - len(LINK)) if text[local.start - len(LINK) : local.start] == LINK else None
            )
            node = self.nodes[key]
            if before and before != key and self.nodes[before].level < node.level and node.parent is None:
                node.parent = before

    # -- answering -----------------------------------------------------------------------------------

    def locals_in(self, index: int) -> list[str]:
        return [self.canonical(local_key(m.name)) for m in self.passages[index].locals]

    def attach(self, key: str, index: int, context: str | None) -> None:
        """Give a parentless local a parent: a higher place in the same passage, else the context."""
        node = self.nodes[key]
        if node.parent is not None or not key.startswith("L:"):
            return
        same_passage = [k for k in self.locals_in(index) if self.nodes[k].level < node.level]
        divisions = [division_key(m.division) for m in self.passages[index].divisions
                     if m.division.level != "province"]
        # the context is the parent only if the passage names no division outside it (a new story elsewhere)
        context_fits = context and all(d in self.chain_keys(context) for d in divisions)
        for candidate in same_passage + ([context] if context_fits else []) + divisions[-1:]:
            if (candidate and candidate != key and self.nodes[candidate].level < node.level
                    and key not in self.chain_keys(candidate)):
                node.parent = candidate
                return
        if self.home is not None:
            self._add_division(self.home)
            node.parent = division_key(self.home)

    def chain_keys(self, key: str) -> list[str]:
        keys: list[str] = []
        current: str | None = key
        while current and current not in keys:
            keys.insert(0, current)
            current = self.nodes[current].parent
        return keys

    def chain(self, key: str) -> list[str]:
        return [self.nodes[k].name for k in self.chain_keys(key)]

    def level(self, key: str) -> int:
        return self.nodes[key].level

    def anchor(self, key: str) -> str:
        """The case a place's passages belong to: the nearest place at or above it that is a case of its own
        (`case_places`, set by the case builder once it knows which places report something); until then every
        place is its own."""
        if self.case_places is None:
            return key
        return next((k for k in reversed(self.chain_keys(key)) if k in self.case_places), key)

    def home_province_key(self) -> str | None:
        """The province the document names most (its own name or its divisions'), for 全省/我省."""
        counts: dict[str, int] = {}
        for key, count in self.counts.items():
            if key.startswith("D:"):
                province = f"D:{key[2:4]}0000"
                counts[province] = counts.get(province, 0) + count
        if not counts:
            return None
        best = max(counts, key=counts.get)
        self._add_division(Division(best[2:], Division(best[2:], "").chain[-1]))
        return best

    def home_key(self) -> str | None:
        if self.home is None:
            return None
        self._add_division(self.home)
        return division_key(self.home)


# A short division name followed by at most this many characters and a local suffix is the stem of a street or
# town's name (黄山铺镇, 广安街道), not the division.
MAX_LOCAL_TAIL = 2
LOCAL_NAME_AFTER = re.compile(rf"[\u4e00-\u9fff]{{0,{MAX_LOCAL_TAIL}}}(?:街道|镇|乡|社区|村|小区)|[路街巷]")
DIVISION_SUFFIXES = ("省", "市", "区", "县", "州", "盟", "旗")


def is_place_mention(text: str, mention: PlaceMention) -> bool:
    """A gazetteer hit names the division only when it stands as a word of its own: it starts and ends on the
    segmenter's word boundaries (not 城东区 in 丽景花城东区) and, written without its suffix, is not the start of a
    local name (广安街道, 黄山铺镇, 澳门路社区)."""
    surface = text[mention.start : mention.end]
    if not surface.endswith(DIVISION_SUFFIXES) and LOCAL_NAME_AFTER.match(text, mention.end):
        return False
    if text.startswith(("路", "街", "巷"), mention.end):
        return False
    window_start = max(0, mention.start - 6)
    window = text[window_start : mention.end + 2]
    folded, at = fold(window), mention.start - window_start
    if _block_edge(folded, at):
        return True
    block_start, block = _block_around(window, folded, at)
    offset, bounds = block_start, {block_start}
    for word, _ in tag(block):
        offset += len(word)
        bounds.add(offset)
    return at in bounds


def _block_around(window: str, folded: str, at: int) -> tuple[int, str]:
    """(start, text) of the block of word characters of the window that holds `at`, inside a block: the segmenter
    cuts it on its own, so its words are the window's there. The whole window when `at` is not in a block or
    folding the block alone would change it."""
    run = next((run for run in SEGMENTER_RUN.finditer(folded) if run.start() <= at < run.end()), None)
    if run is None or fold(window[run.start() : run.end()]) != run.group():
        return 0, window
    return run.start(), window[run.start() : run.end()]


def _block_edge(folded: str, at: int) -> bool:
    """Whether `at` starts or ends a block of word characters: the segmenter cuts each block on its own, so there a
    word always starts, and the window need not be cut (a name after punctuation or at the start)."""
    return at == 0 or bool(SEGMENTER_RUN.fullmatch(folded[at - 1])) != bool(SEGMENTER_RUN.fullmatch(folded[at]))


def mention_weight(text: str, mention: PlaceMention) -> float:
    return ORGANISATION_WEIGHT if ORGANISATION_AFTER.match(text, mention.end) else 1.0


def division_key(division: Division) -> str:
    return f"D:{division.code}"


def local_key(name: str) -> str:
    return f"L:{name}"
