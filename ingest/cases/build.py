"""Document → cases: one case per locality practice the document reports.

Steps, each explainable:
1. Passages are normalised; captions and bylines are left out; short heading-like lines become case titles.
2. A document marked off-topic, a regulation, or one that hardly uses the topic words (`TOPIC_TERMS`) yields
   nothing; nor does a section (passages under one heading) without them. Headings become case titles.
3. Each passage gets a focus place: the most specific street/community/estate it names, else the division it
   names most (我市/全市 → the home city), else the place of the passage before it. Places are grouped under their
   highest local ancestor, so a street's communities and estates make one case, and figures stay with the place
   whose passages state them.
4. A group is a case when it is about the topic and names a practice or a figure (or someone from the place tells
   what was done); its sentences are sorted into
   背景/问题, 做法 and 成效 by cue words, and people, quotes, practices, figures and themes are extracted.
"""
from __future__ import annotations

import re
from collections import Counter, OrderedDict
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from functools import cached_property

from ingest.cases.metrics import Metric, find_metrics
from ingest.cases.people import Quote, find_people, find_quotes, resolve_roles, speaker_line
from ingest.cases.places import COUNTY_MARKER, LOCAL_LEVELS, PlaceBook, mention_weight
from ingest.cases.practices import Practice, find_practices
from ingest.cases.text import Sentence, is_caption, is_subheading, normalise, sentences
from ingest.cases.themes import find_themes
from ingest.models import DocType, Document, PassageKind, content_id
from ingest.text.fold import to_simplified
from ingest.text.segmenter import load_dictionary_into_memory

# Words of the topic's two sides (party organisation, property management); whether a document is on topic is
# the topic classifier's call (Document.on_topic / topic), these only tell a section or case about it from page
# furniture around it.
TOPIC_TERMS = (
    "红色物业", "红心物业", "党建", "党支部", "党组织", "党委", "党员", "业委会", "业主委员会", "业主大会", "小区治理",
    "社区治理", "基层治理", "物业",
)
ON_TOPIC_LABEL = "red-property"
PARTY_SIDE = re.compile(r"党组织|党支部|党委|党员|党建|党小组|党总支|红色物业|红心物业")
PROPERTY_SIDE = re.compile(r"物业|业委会|业主|小区")
# A section (passages under one heading) or a case that names the topic fewer times than this is skipped.
MIN_SECTION_TOPIC_HITS = 1
MIN_CASE_TOPIC_HITS = 1
# Regulations state rules, not practice: a policy document in 第X条 form (or typed so) gives no case; notices and
# plans name the places and mechanisms they set up, and do.
REGULATION_SUBTYPE = "regulation"
# A case title is a heading a reader can tell apart from page furniture: never a timestamp, a date or a site line.
NOT_A_TITLE = re.compile(
    r"^[\d\s:./\-年月日时分秒]+$|[|｜]|^(?:来源|发布时间|发布日期|作者|记者|编辑|责任编辑)"
    r"|^各[^。]{0,40}(?:单位|部门|局|委|办)[:：]?$"  # a notice's salutation
    r"|^[^。]{0,12}\d{4}年\d{1,2}月\d{1,2}日[^。]{0,6}$"  # an outlet's dateline ("某日报 2022年11月21日")
)
RESULT_CUES = re.compile(r"成效|提升了|提高了|改善|降低|下降|达到|实现了|明显|大幅|显著|获得了|获评|荣誉|入选|越来越|大变样|受益|好评|满意")
PROBLEM_CUES = re.compile(r"难题|问题|矛盾|弃管|难以|不满意|投诉|痛点|难点|挑战|困难|乱堆|杂乱|破损|漏水|堆放")
PROBLEM_OPENERS = re.compile(r"^(?:过去|以前|原来|曾经|由于|面对|随着|长期以来|多年来|此前)")
MEASURE_CUES = re.compile(
    r"建立|成立|搭建|打造|推行|推进|开展|实施|制定|出台|组建|引进|设立|探索|创新|形成|构建|落实|采取|整合|聘请|召开|"
    r"组织|建设|推动|完善|健全|设置|开发|举办|吸纳|划分|接管|创建"
)
# A passage opening with a bare level word as its subject ("街道还将…", "今年以来，社区…") speaks of the place of
# that level in its context.
BARE_LEVEL_SUBJECT = re.compile(r"^(?:[^，,。]{0,8}[，,])?(街道|社区|小区|镇|村)(?=还|也|又|将|已|先后|积极|通过|在|把|对|与|同|为|今年|近年|主动|定期|每)")
# Markers that a passage speaks about the whole province of the document (a provincial notice's 全省).
PROVINCE_MARKER = re.compile(r"全省|我省|本省")
CLAUSE = re.compile(r"[^,，;；]+[,，;；]?")
# Words that make a clause about the whole city or county (not an organisation of it such as 市委, 市住建局).
CITY_WIDE = re.compile(r"全市|我市|本市|全区|我区|本区|全县|我县|本县")
YEAR = re.compile(r"((?:19|20)\d{2})\s*年")
# Sentences that report an event (a meeting, a visit, a launch) rather than a step taken or a result.
EVENT_CUES = re.compile(r"讯|召开|举行|座谈|调研活动|调研组|出席|参加|参会|与会|启动仪式|揭牌|发言|交流会|采访|走访了|一行")
MIN_PARAGRAPH_CHARS = 60
MAX_CAPTION_CHARS = 30
MAX_BACKGROUND_SENTENCES = 3
MAX_LIST_ITEMS = 10
MIN_SENTENCE_CHARS = 10


@dataclass
class Case:
    case_id: str
    title: str
    place: str
    place_chain: list[str]
    practices: list[str]
    themes: list[str]
    background: str
    measures: list[str]
    results: list[str]
    metrics: list[Metric]
    people: list[dict]
    quotes: list[Quote]
    doc_id: str
    title_of_source: str
    source: str
    date: str | None
    evidence: list[dict]
    links: dict = field(default_factory=dict)
    publisher: str | None = None
    byline: str | None = None
    page: str | None = None  # 版次, when the ingested record knows it
    parent_case_id: str | None = None  # the case of the enclosing place (a 小区's 社区 or 街道), in the same document
    parent_place: str | None = None
    children: list[str] = field(default_factory=list)  # case ids of the places one level down that are cases
    practice_kinds: dict[str, str] = field(default_factory=dict)  # practice name → mechanism/body/event/standard/slogan
    place_key: str = ""  # the PlaceBook key of `place` (not stored; links parents within one document)

    @property
    def year(self) -> int | None:
        """The source's year; without a date, the latest year the case's passages mention."""
        if self.date and self.date[:4].isdigit():
            return int(self.date[:4])
        years = [int(y) for item in self.evidence for y in YEAR.findall(item["text"])]
        return max(years) if years else None

    def to_json(self) -> dict:
        return {
            "case_id": self.case_id, "title": self.title, "place": self.place, "place_chain": self.place_chain,
            "practices": self.practices, "themes": self.themes, "background": self.background,
            "measures": self.measures, "results": self.results,
            "metrics": [metric.to_json() for metric in self.metrics], "people": self.people,
            "quotes": [{"speaker": q.speaker, "role": q.role, "text": q.text, "passage_id": q.passage_id}
                       for q in self.quotes],
            "doc_id": self.doc_id, "title_of_source": self.title_of_source, "source": self.source, "date": self.date,
            "evidence": self.evidence, "links": self.links, "year": self.year, "publisher": self.publisher,
            "byline": self.byline, "page": self.page, "parent_case_id": self.parent_case_id,
            "parent_place": self.parent_place, "children": self.children, "practice_kinds": self.practice_kinds,
        }


@dataclass
class Group:
    """The passages of one document that are about one place (its highest local ancestor)."""

    anchor: str
    indices: list[int] = field(default_factory=list)
    foci: Counter = field(default_factory=Counter)
    title: str | None = None
    speaker_quotes: list[Quote] = field(default_factory=list)


MAX_PASSAGE_CHARS = 5000


def topic_hits(text: str) -> int:
    return sum(map(text.count, TOPIC_TERMS))


def extract_cases(document: Document) -> list[Case]:
    """The cases a document reports; none for off-topic articles, for regulations (rules, not practice) and for
    near-duplicates of another document (that one reports them)."""
    duplicate = document.canonical_id not in (None, document.doc_id)
    if not _on_topic(document) or not document.passages or _is_regulation(document) or duplicate:
        return []
    load_dictionary_into_memory()  # extraction tags every sentence: dict lookups beat the trie's
    # A passage longer than any real paragraph is a broken or hostile file's run-on text: read nothing from it.
    # Traditional characters are read as Simplified (same length), so suffixes, heads and units match either script;
    # captions, bylines and furniture are never evidence of a case.
    texts = [normalise(to_simplified(p.text)) if len(p.text) <= MAX_PASSAGE_CHARS and p.kind == PassageKind.TEXT
             else "" for p in document.passages]
    body: list[int] = []
    for section in _sections(document):
        kept = _body(section, texts)
        if topic_hits("".join(texts[i] for i in kept)) >= MIN_SECTION_TOPIC_HITS:
            body += kept
    if not body or not _names_both_sides(texts[i] for i in body):
        return []
    kept = set(body)
    book = PlaceBook([text if index in kept else "" for index, text in enumerate(texts)])  # skipped sections
    roles = resolve_roles([person for i, text in enumerate(texts)  # name no places and no home city
                           for person in find_people(text, document.passages[i].passage_id)])
    # Every place named gets its passages first; a place that reports no practice or figure of its own then
    # hands its passages to the nearest enclosing place that does (a 社区 named only for a quote joins its 街道).
    # The first grouping only decides which places report something (and records places' parents as it goes);
    # each passage's sentences, quotes and figures are read once for both.
    readings = _Readings(document, texts, book, roles)
    book.case_places = {reading.place_key for reading in _case_readings(_group(body, texts, book, roles, document),
                                                                         readings)}
    cases = [_case(reading.draft(), readings)
             for reading in _case_readings(_group(body, texts, book, roles, document), readings)]
    for case in cases:
        if not _is_title(case.title):
            case.title = document.title if len(cases) == 1 and _is_title(document.title) else _default_title(case)
    _link_hierarchy(cases, book)
    return cases


def _names_both_sides(texts) -> bool:
    """Some passage speaks of party organisation and of property management together: a fee dispute or a red
    tourism story that the topic classifier let through still gives no case."""
    return any(PARTY_SIDE.search(text) and PROPERTY_SIDE.search(text) for text in texts)


def _on_topic(document: Document) -> bool:
    """The topic classifier's verdict: on topic, and labelled red-property when the document carries a label
    (a property regulation stays on topic for search but reports no cases)."""
    label = getattr(document, "topic", None)
    return bool(document.on_topic) and (label == ON_TOPIC_LABEL if isinstance(label, str) and label else True)


def _is_regulation(document: Document) -> bool:
    if document.doc_type != DocType.POLICY:
        return False
    subtype = getattr(document, "policy_subtype", None)
    if subtype:
        return subtype == REGULATION_SUBTYPE
    return any(passage.clause for passage in document.passages)


def _is_title(title: str | None) -> bool:
    return bool(title and title.strip()) and not NOT_A_TITLE.search(title.strip())


def _link_hierarchy(cases: list[Case], book: PlaceBook) -> None:
    """Each case's parent is the case of its nearest ancestor place in the document; the parent lists it."""
    by_key = {case.place_key: case for case in cases}
    for case in cases:
        ancestors = book.chain_keys(case.place_key)[:-1]
        parent = next((by_key[key] for key in reversed(ancestors) if key in by_key), None)
        if parent is not None and parent is not case:
            case.parent_case_id = parent.case_id
            case.parent_place = parent.place
            parent.children.append(case.case_id)


def _body(section: list[int], texts: list[str]) -> list[int]:
    """The section without captions and bylines; short one-sentence lines before the first full paragraph are
    photo captions floating above the text on a news page ("业主满意度和幸福感大幅提升。")."""
    first_paragraph = next((i for i in section if len(texts[i]) >= MIN_PARAGRAPH_CHARS), None)
    body = []
    for index in section:
        text = texts[index]
        floating = (first_paragraph is not None and index < first_paragraph and len(text) <= MAX_CAPTION_CHARS
                    and text.endswith("。") and text.count("。") == 1)
        if not is_caption(text) and not floating:
            body.append(index)
    return body


def _sections(document: Document) -> list[list[int]]:
    """Runs of passages under one heading: the sections of an article (or the articles of a page)."""
    sections: list[list[int]] = []
    heading: object = object()
    for index, passage in enumerate(document.passages):
        if passage.heading != heading or not sections:
            sections.append([])
            heading = passage.heading
        sections[-1].append(index)
    return sections


def _focus(index: int, text: str, book: PlaceBook, context: str | None) -> str | None:
    locals_ = list(dict.fromkeys(book.locals_in(index)))
    for key in locals_:
        book.attach(key, index, context)
    if locals_:
        counts = Counter(key for key, address in book.addresses(index) if not address)
        candidates = [k for k in locals_ if counts[k]] or locals_
        return max(candidates, key=lambda k: (counts[k], -locals_.index(k)))
    places = book.passages[index]
    subject = BARE_LEVEL_SUBJECT.match(text)
    if subject and not places.divisions and context:
        # "街道还将…", "社区还在…": the bare level word is the subject, meaning the enclosing place of that level
        level = LOCAL_LEVELS[subject.group(1)]
        same_level = [key for key in book.chain_keys(context) if key.startswith("L:") and book.level(key) == level]
        if same_level:
            return same_level[-1]
    if PROVINCE_MARKER.search(text) and not places.divisions and book.home is None and book.home_province_key():
        return book.home_province_key()
    if COUNTY_MARKER.search(text) and not places.divisions and context:
        county = [key for key in book.chain_keys(context) if key.startswith("D:") and book.level(key) == 2]
        if county:
            return county[0]
    home = book.home_key()
    if places.city_wide and home and not places.divisions:
        return home
    if places.divisions:
        counts: Counter = Counter()
        for mention in places.divisions:
            counts[f"D:{mention.division.code}"] += mention_weight(text, mention)
        if places.city_wide and home:
            counts[home] += 1
        return max(counts, key=lambda k: (counts[k], book.level(k)))
    return context


def _group(body: list[int], texts: list[str], book: PlaceBook, roles: dict, document: Document) -> list[Group]:
    groups: dict[str, Group] = {}
    context: str | None = None
    pending_title: str | None = None
    speaker = None
    heading: object = object()
    for index in body:
        text = texts[index]
        if document.passages[index].heading != heading:
            heading = document.passages[index].heading
            pending_title, speaker = heading, None
        if is_subheading(text) and not book.locals_in(index):
            pending_title, speaker = re.sub(r"^[—\-\s]+", "", text), None
            continue
        line_speaker = speaker_line(text)
        if speaker is not None and line_speaker is None and not book.locals_in(index):
            focus = context  # a speaker's own words stay with the speaker's place (荣誉 "湖州市…示范小区")
        else:
            focus = _focus(index, text, book, context) or book.home_key()
        if focus is None:
            continue
        anchor = book.anchor(focus)
        if anchor not in groups:
            groups[anchor] = Group(anchor, title=pending_title or document.passages[index].heading)
        group = groups[anchor]
        pending_title = None
        group.indices.append(index)
        named = focus in book.locals_in(index) or any(
            f"D:{m.division.code}" == focus for m in book.passages[index].divisions
        )
        group.foci[focus] += 1 if named else 0
        context = focus
        passage_id = document.passages[index].passage_id
        if line_speaker is not None:
            speaker, words = line_speaker
            speaker.role = roles.get(speaker.name, speaker.role)
            if len(words) >= MIN_SENTENCE_CHARS:
                group.speaker_quotes.append(Quote(speaker.name, speaker.role, words, passage_id))
        elif speaker is not None:
            group.speaker_quotes.append(Quote(speaker.name, speaker.role, text, passage_id))
    return list(groups.values())


class _Readings:
    """What one document's passages say, read once for both of extract_cases' groupings: each passage's
    sentences, quotes and the places its clauses name."""

    def __init__(self, document: Document, texts: list[str], book: PlaceBook, roles: dict):
        self.document, self.texts, self.book, self.roles = document, texts, book, roles
        self._sentences: dict[int, list[Sentence]] = {}
        self._quotes: dict[int, list[Quote]] = {}
        self._clause_places: dict[int, tuple[list[tuple[int, str]], list[tuple[int, str]]]] = {}

    def passage_id(self, index: int) -> str:
        return self.document.passages[index].passage_id

    def sentences(self, index: int) -> list[Sentence]:
        if index not in self._sentences:
            self._sentences[index] = sentences(self.texts[index], self.passage_id(index))
        return self._sentences[index]

    def quotes(self, index: int) -> list[Quote]:
        """The passage's quotes, new objects each call (a case amends its own)."""
        if index not in self._quotes:
            self._quotes[index] = find_quotes(self.texts[index], self.passage_id(index), self.roles)
        return [replace(quote) for quote in self._quotes[index]]

    def clause_places(self, index: int) -> tuple[list[tuple[int, str]], list[tuple[int, str]]]:
        """(offset, key) of the passage's local mentions, and of its division mentions that are not an
        organisation's name (what `_own_clauses` tells a clause's place by)."""
        if index not in self._clause_places:
            places, text = self.book.passages[index], self.texts[index]
            self._clause_places[index] = (
                [(m.start, self.book.canonical("L:" + m.name)) for m in places.locals],
                [(m.start, f"D:{m.division.code}") for m in places.divisions if mention_weight(text, m) == 1.0],
            )
        return self._clause_places[index]


@dataclass
class _Draft:
    """A group that reports something, with what decided it: enough to know its place before the rest of the
    case (people, themes) is read."""

    group: Group
    place_key: str
    chain: list[str]
    place: str  # the chain's last
    practices: OrderedDict[str, Practice]
    metrics: list[Metric]
    quotes: list[Quote]
    card: tuple[str, list[str], list[str], dict]
    case_text: str
    extra: list[int]


def _case_readings(groups: list[Group], readings: _Readings) -> Iterator[_GroupReading]:
    """The groups that are cases, each read only as far as deciding takes (its practices first; its figures, card
    and quotes only while the answer is still open): the first grouping needs only their places, the second
    their drafts."""
    largest, clauses = max((len(group.indices) for group in groups), default=0), _ClauseSplits(groups, readings)
    for group in groups:
        reading = _GroupReading(group, readings, clauses, group.anchor == readings.book.home_key())
        if reading.on_topic() and not reading.lead_only(largest) and reading.is_case():
            yield reading


class _ClauseSplits:
    """Sentences split by `_own_clauses` for one grouping, each once and only when a group's figures are read: the
    clauses a group keeps, and the city-wide clauses of the street and estate groups (for the home city's case)."""

    def __init__(self, groups: list[Group], readings: _Readings):
        self.groups, self.readings = groups, readings
        self._splits: dict[tuple[int, int, str], tuple[str, str]] = {}

    def own(self, sentence: Sentence, index: int, group: Group) -> str:
        return self._split(sentence, index, group)[0]

    def _split(self, sentence: Sentence, index: int, group: Group) -> tuple[str, str]:
        key = (index, sentence.start, group.anchor)
        if key not in self._splits:
            self._splits[key] = _own_clauses(sentence, index, group, self.readings)
        return self._splits[key]

    @cached_property
    def city(self) -> dict[Sentence, str]:
        """City-wide clause (as a sentence of its own) → the whole sentence it came from."""
        city_clauses: dict[Sentence, str] = {}
        for group in self.groups:
            if group.anchor.startswith("L:"):
                for index in group.indices:
                    for sentence in self.readings.sentences(index):
                        city = self._split(sentence, index, group)[1]
                        if city:
                            city_clauses[Sentence(city, sentence.passage_id, sentence.start)] = sentence.text
        return city_clauses


def _default_title(case: Case) -> str:
    practice = case.practices[0] if case.practices else "红色物业实践"
    return f"{case.place}:{practice}"


def _own_clauses(sentence: Sentence, index: int, group: Group, readings: _Readings) -> tuple[str, str]:
    """The clauses of a sentence that speak about this case's place, and those that speak about the whole city.

    A clause naming only places of elsewhere (another street's estate, another city), and the clauses after it
    until a place of this case is named again, are left out, so a figure is never attached to the wrong place;
    in a street's or estate's case, clauses about the whole city ("今年我市推荐47个小区") go to the city's case."""
    book = readings.book
    sentence_end = sentence.start + len(sentence.text)  # the places named in the sentence, read once for its clauses
    passage_locals, passage_divisions = readings.clause_places(index)
    local_keys = [(at, key) for at, key in passage_locals if sentence.start <= at < sentence_end]
    division_keys = [(at, key) for at, key in passage_divisions if sentence.start <= at < sentence_end]
    city_wide_case = group.anchor.startswith("L:") and CITY_WIDE.search(sentence.text)
    if not local_keys and not division_keys and not city_wide_case:
        return "".join(CLAUSE.findall(sentence.text)), ""  # most sentences name no place: every clause is here
    own = set(book.chain_keys(group.anchor))
    kept, city, speaks = [], [], "here"
    for clause in CLAUSE.finditer(sentence.text):
        start, end = sentence.start + clause.start(), sentence.start + clause.end()
        locals_ = {key for at, key in local_keys if start <= at < end}
        divisions = {key for at, key in division_keys if start <= at < end}
        foreign = {key for key in divisions if key not in own and group.anchor not in book.chain_keys(key)}
        if any(book.anchor(key) == group.anchor for key in locals_):
            speaks = "here"
        elif locals_ or foreign:
            speaks = "elsewhere"  # another street's estate, another city: until this case's place comes back
        elif city_wide_case and CITY_WIDE.search(clause.group(0)):
            city.append(clause.group(0))  # "今年我市推荐47个小区": this clause is the city's, not the street's
            continue
        {"here": kept, "elsewhere": []}[speaks].append(clause.group(0))
    return "".join(kept), "".join(city)


class _GroupReading:
    """What one group reports, each part read when first asked for: whether it is a case is often decided by its
    practices alone, and the first grouping needs no more. A group is no case when its place is named in passing
    (no practice, no figure, no one from there telling what was done), nor when it is a division's one passage
    beside a longer story (its lead or dateline, "现场会在某县召开") without both practices and figures.
    The home city's case also takes the city-wide clauses of street cases (`_ClauseSplits.city`)."""

    def __init__(self, group: Group, readings: _Readings, clauses: _ClauseSplits, home: bool):
        self.group, self.readings, self.clauses, self.home = group, readings, clauses, home
        self.case_text = "".join(readings.texts[index] for index in group.indices)
        self.all_sentences = [s for index in group.indices for s in readings.sentences(index)]

    def on_topic(self) -> bool:
        return topic_hits(self.case_text) >= MIN_CASE_TOPIC_HITS

    def is_case(self) -> bool:
        if self.practices or self.metrics:
            return True
        if not self.measures:
            return False
        own_measures = self.group.anchor.startswith("L:") and self.group.foci[self.group.anchor]
        return bool(own_measures or self.testimony)

    def lead_only(self, largest: int) -> bool:
        group = self.group
        lead = group.anchor.startswith("D:") and len(group.indices) == 1 < largest
        return lead and not (self.practices and self.metrics)

    @cached_property
    def place_key(self) -> str:
        group, readings = self.group, self.readings
        return group.anchor if group.anchor.startswith("L:") else _place(group, readings.texts, readings.book)

    @cached_property
    def chain(self) -> list[str]:
        return self.readings.book.chain(self.place_key)

    @cached_property
    def place(self) -> str:
        return self.chain[-1] if self.chain else ""

    @cached_property
    def practices(self) -> OrderedDict[str, Practice]:
        return find_practices(self.all_sentences)

    @cached_property
    def metrics(self) -> list[Metric]:
        group, readings = self.group, self.readings
        city_clauses = self.clauses.city if self.home else {}
        metric_sentences = list(city_clauses)
        full_sentence = {s.text: full for s, full in city_clauses.items()}
        for index in group.indices:
            for sentence in readings.sentences(index):
                own = self.clauses.own(sentence, index, group)
                if own:
                    metric_sentences.append(Sentence(own, sentence.passage_id, sentence.start))
                    full_sentence[own] = sentence.text
        metrics = find_metrics(metric_sentences, self.place)
        for metric in metrics:
            metric.evidence = full_sentence.get(metric.evidence, metric.evidence)
        return metrics

    @cached_property
    def card(self) -> tuple[str, list[str], list[str], dict]:
        return _card(self.all_sentences, self.metrics)

    @property
    def measures(self) -> list[str]:
        return self.card[1]

    @cached_property
    def quotes(self) -> list[Quote]:
        readings, group = self.readings, self.group
        return _dedupe_quotes([q for index in group.indices for q in readings.quotes(index)] + group.speaker_quotes)

    @cached_property
    def testimony(self) -> list[Quote]:
        book = self.readings.book
        local_names = {book.stem(key) for key in book.nodes
                       if key.startswith("L:") and book.anchor(key) == self.group.anchor}
        return [q for q in self.quotes if any(name and name in q.role for name in local_names)]

    def draft(self) -> _Draft:
        document, metrics = self.readings.document, self.metrics
        passage_ids = [document.passages[i].passage_id for i in self.group.indices]
        extra = [i for i, p in enumerate(document.passages)
                 if p.passage_id not in passage_ids and any(m.passage_id == p.passage_id for m in metrics)]
        return _Draft(self.group, self.place_key, self.chain, self.place, self.practices, metrics, self.quotes,
                      self.card, self.case_text, extra)


def _case(draft: _Draft, readings: _Readings) -> Case:
    document, texts, roles, group = readings.document, readings.texts, readings.roles, draft.group
    for quote in draft.quotes:
        quote.role = roles.get(quote.speaker, quote.role)
        quote.text = quote.text.strip("“”‘’ ")
    people = _people(group, texts, document, roles)
    names = [practice.name for practice in draft.practices.values()]
    background, measures, results, links = draft.card
    links["practices"] = [practice.passage_ids for practice in draft.practices.values()]
    return Case(
        case_id=content_id(document.doc_id, group.anchor),
        title=group.title or "",
        place=draft.place, place_chain=draft.chain, practices=names,
        themes=find_themes(draft.case_text, names),
        background=background, measures=measures, results=results, metrics=draft.metrics, people=people,
        quotes=draft.quotes, doc_id=document.doc_id, title_of_source=document.title, source=document.source,
        date=document.date,
        evidence=[{"passage_id": document.passages[i].passage_id, "text": document.passages[i].text}
                  for i in group.indices + draft.extra],
        links=links, publisher=document.publisher, byline=document.byline, page=getattr(document, "page", None),
        place_key=draft.place_key,
        practice_kinds={practice.name: practice.kind for practice in draft.practices.values()},
    )


def _place(group: Group, texts: list[str], book: PlaceBook) -> str:
    """The case's place: the local its passages name most (not counting mere addresses), the higher on a tie;
    a division group's place is the division it names most."""
    counts: Counter = Counter()
    for index in group.indices:
        for key, address in book.addresses(index):
            if book.anchor(key) == group.anchor and not address:
                counts[key] += 1
    if counts:
        return max(counts, key=lambda k: (counts[k], -book.level(k)))
    return max(group.foci, key=lambda k: (group.foci[k], -list(group.foci).index(k)))


def _people(group: Group, texts: list[str], document: Document, roles: dict) -> list[dict]:
    people: dict[str, dict] = {}
    for index in group.indices:
        for person in find_people(texts[index], document.passages[index].passage_id, roles):
            people.setdefault(person.name, {"name": person.name, "role": roles.get(person.name, person.role),
                                            "passage_id": person.passage_id})
    return list(people.values())


def _dedupe_quotes(quotes: list[Quote]) -> list[Quote]:
    kept: list[Quote] = []
    for quote in quotes:
        if not any(quote.text in other.text or other.text in quote.text for other in kept):
            kept.append(quote)
    return kept


def _card(all_sentences: list[Sentence], metrics: list[Metric]) -> tuple[str, list[str], list[str], dict]:
    """背景/问题, 做法, 成效 from cue words; every item keeps the passage it came from."""
    metric_texts = {metric.evidence for metric in metrics}
    background: list[Sentence] = []
    measures: list[Sentence] = []
    results: list[Sentence] = []
    for sentence in all_sentences:
        text = sentence.text
        if len(text) < MIN_SENTENCE_CHARS or is_subheading(text) or text.rstrip("”\"").endswith(("?", "？")):
            continue  # questions are the reporter's framing, not a step or a result
        if EVENT_CUES.search(text) and text not in metric_texts:
            continue
        measure = MEASURE_CUES.search(text)
        problems = len(PROBLEM_CUES.findall(text))
        if PROBLEM_OPENERS.search(text) or problems >= 2 or problems and not measure:
            background.append(sentence)
        elif text in metric_texts or RESULT_CUES.search(text) and not measure:
            results.append(sentence)
        elif measure:
            measures.append(sentence)
    background = background[:MAX_BACKGROUND_SENTENCES]
    measures, results = measures[:MAX_LIST_ITEMS], results[:MAX_LIST_ITEMS]
    links = {
        "background": list(dict.fromkeys(s.passage_id for s in background)),
        "measures": [s.passage_id for s in measures],
        "results": [s.passage_id for s in results],
    }
    return "".join(s.text for s in background), [s.text for s in measures], [s.text for s in results], links
