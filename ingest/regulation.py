"""Who made a regulation, at which level, where, and when it was adopted and amended — read from its title and
the adoption history lines above its first 条 ("2017年4月20日 上海市第十四届人民代表大会常务委员会第三十七次会议通过").

Each dated act in the history is one entry: its date and the strongest verb before the next date (a line
"通过…根据2020年6月3日…修正" holds two acts). The first 通过/公布 is the adoption; later 修正/修订 (and a
later 通过, the way a standing committee re-adopts an amended text) are amendments; 批准 (a province approving a
city's regulation) is kept but is neither. Pure functions, no I/O.
"""
from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field

from ingest.dates import find_dates
from ingest.places import find_mentions
from ingest.text.fold import fold

# Verbs of a history act, strongest first: a segment "批准的…决定修正" is an amendment, not an approval.
ACT_VERBS = ("废止", "修订", "修正", "修改", "通过", "公布", "发布", "批准", "施行")
AMENDING_VERBS = frozenset({"修订", "修正", "修改"})
ADOPTING_VERBS = frozenset({"通过", "公布", "发布"})
# Issuers, tried in order: the body that acted in the history (or named in the title).
ISSUER_PATTERNS = (
    ("人大常委会", re.compile(r"人民代表大会(?:常务委员会)?|人大(?:常委会)?")),
    ("人民政府", re.compile(r"国务院(?:令|关于|第)?|人民政府")),
    ("司法机关", re.compile(r"人民法院|人民检察院")),
    ("部门", re.compile(r"[部厅局委办署](?:令|第|关于|印发)|部门|管理局|住房和城乡建设")),
)
# A national text names a national body, not a place ("国务院令", "全国人民代表大会", "最高人民法院", a ministry's
# "部令": local departments are 厅/局 and issue no 部令).
NATIONAL_MARKERS = re.compile(r"国务院|全国人民代表大会|最高人民(?:法院|检察院)|部令")
# Provincial-level municipalities are 省级 although their names end in 市.
MUNICIPALITIES = frozenset({"北京市", "上海市", "天津市", "重庆市"})
# "上海市第十四届人民代表大会…": the place before the body's term is the issuer's place.
BODY_PLACE = re.compile(r"(?P<place>[\u4e00-\u9fff]{2,12}?(?:省|自治区|市|州|县|区))第[一二三四五六七八九十百\d]+届")
# Editions of one title: dates and brackets stripped, so "物业管理条例(2018修订)" and "物业管理条例" are one.
EDITION_NOISE = re.compile(r"[(（][^()（）]*\d{4}[^()（）]*[)）]|[\s\u3000]")


@dataclass
class HistoryAct:
    date: str
    verb: str


@dataclass
class RegulationInfo:
    issuer: str | None  # 人大常委会 / 人民政府 / 部门 / 司法机关
    level: str | None  # national / provincial / city
    place: str | None  # 山东省, 日照市; None for national texts
    adopted: str | None
    amended: list[str] = field(default_factory=list)  # dates of 修正/修订 (and re-adoptions), oldest first
    acts: list[HistoryAct] = field(default_factory=list)
    repealed: bool = False
    edition_key: str = ""  # the title folded for grouping versions of one regulation

    def to_dict(self) -> dict:
        return asdict(self)

    @property
    def latest(self) -> str | None:
        """The date of the text in force as of this version."""
        return max([self.adopted or "", *self.amended]) or None


def history_acts(history: list[str]) -> list[HistoryAct]:
    """Dated acts in order: each date with the strongest verb between it and the next date."""
    acts: list[HistoryAct] = []
    for line in history:
        mentions = [mention for mention in find_dates(line) if mention.iso]
        for index, mention in enumerate(mentions):
            end = mentions[index + 1].start if index + 1 < len(mentions) else len(line)
            segment = line[mention.start:end]
            verb = next((verb for verb in ACT_VERBS if verb in segment), None)
            if verb:
                acts.append(HistoryAct(mention.iso, verb))
    return acts


def edition_key(title: str) -> str:
    return EDITION_NOISE.sub("", fold(title))


def issuer_of(text: str) -> str | None:
    for name, pattern in ISSUER_PATTERNS:
        if pattern.search(text):
            return name
    return None


def place_of(title: str, history: list[str]) -> str | None:
    """The issuing body's place in the history, else the first place the title names."""
    for line in history:
        match = BODY_PLACE.search(line)
        mentions = find_mentions(fold(match["place"])) if match else []
        if mentions:  # the span may start inside the date before it ("…23日山东省"): keep the place it names
            return mentions[-1].division.name
    mentions = find_mentions(fold(title))
    if mentions:
        return mentions[0].division.name
    return None


def level_of(place: str | None, text: str) -> str | None:
    if NATIONAL_MARKERS.search(text):
        return "national"
    if place in MUNICIPALITIES:
        return "provincial"
    mentions = find_mentions(place or "")
    if not mentions:
        return None
    return "provincial" if mentions[0].division.level == "province" else "city"


def regulation_info(title: str, history: list[str]) -> RegulationInfo:
    acts = history_acts(history)
    first_line = history[0] if history else ""
    adopted = next((act.date for act in acts if act.verb in ADOPTING_VERBS), None)
    amended = sorted({act.date for act in acts
                      if act.verb in AMENDING_VERBS or (act.verb == "通过" and adopted and act.date > adopted)})
    place = place_of(title, history)
    level = level_of(place, f"{first_line}\n{title}")
    return RegulationInfo(
        issuer=issuer_of(first_line) or issuer_of(title), level=level,
        place=None if level == "national" else place, adopted=adopted, amended=amended, acts=acts,
        repealed=any(act.verb == "废止" for act in acts), edition_key=edition_key(title),
    )
