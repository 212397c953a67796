"""Extraction quality on the labelled development set (tests/devset): how well ingest reads places, topic,
titles, dates, document types, captions, case localities, practices and figures, per half (dev / test).

Each fixture is parsed and structured exactly as ingestion does (parsers → structure → case extraction), with
no index involved, and compared with the expectations written before any rule change (tests/devset/expected.toml).
The matching rules are in the docstrings of the `_score_*` functions and in tests/devset/README.md.
Optional outputs the current extractor does not produce yet (a topic label, a policy subtype, a date source, a
case's parent, a figure's approx flag) are read when present and reported as "n/a" when absent.
"""
from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from ingest.cases.build import extract_cases
from ingest.errors import IngestError
from ingest.models import Document
from ingest.parsers import parse
from ingest.structure import build_documents
from ingest.text.fold import fold

SPLITS = ("dev", "test")
ON_TOPIC_LABEL = "red-property"
# Quote marks and list separators that do not change a practice's name: “红色管家” = 红色管家, 共商、共治 = 共商共治.
NAME_NOISE = re.compile(r"[\s“”\"'‘’「」『』《》〈〉、，,·]")


class DevsetError(ValueError):
    """The expectations file is missing, unreadable, or names a fixture that does not exist."""


@dataclass
class Tally:
    """Matched / predicted / expected counts of one measure; precision and recall are None with nothing to divide."""

    matched: int = 0
    predicted: int = 0
    expected: int = 0

    def add(self, matched: int, predicted: int, expected: int) -> None:
        self.matched += matched
        self.predicted += predicted
        self.expected += expected

    @property
    def precision(self) -> float | None:
        return self.matched / self.predicted if self.predicted else None

    @property
    def recall(self) -> float | None:
        return self.matched / self.expected if self.expected else None

    def to_json(self) -> dict:
        return {"matched": self.matched, "predicted": self.predicted, "expected": self.expected,
                "precision": _round(self.precision), "recall": _round(self.recall)}


@dataclass
class Accuracy:
    """Right answers out of the fixtures asked; `asked == 0` means the extractor gives no such output yet."""

    right: int = 0
    asked: int = 0

    def add(self, right: bool) -> None:
        self.right += int(right)
        self.asked += 1

    @property
    def value(self) -> float | None:
        return self.right / self.asked if self.asked else None

    def to_json(self) -> dict:
        return {"right": self.right, "asked": self.asked, "accuracy": _round(self.value)}


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 3)


@dataclass
class SplitReport:
    split: str
    fixtures: int = 0
    failed: list[str] = field(default_factory=list)  # fixtures ingest rejected: everything in them counts as missed
    places: Tally = field(default_factory=Tally)
    forbidden_places: int = 0  # places assigned that the expectations list under not_places
    on_topic: Tally = field(default_factory=Tally)  # positive class: red-property
    on_topic_accuracy: Accuracy = field(default_factory=Accuracy)  # on_topic right, on- and off-topic alike
    topic_label: Accuracy = field(default_factory=Accuracy)
    title: Accuracy = field(default_factory=Accuracy)
    date: Tally = field(default_factory=Tally)
    date_source: Accuracy = field(default_factory=Accuracy)
    doc_type: Accuracy = field(default_factory=Accuracy)
    policy_subtype: Accuracy = field(default_factory=Accuracy)
    captions: Tally = field(default_factory=Tally)
    localities: Tally = field(default_factory=Tally)
    locality_parent: Accuracy = field(default_factory=Accuracy)
    fragment_localities: int = 0  # case places listed under not_localities
    off_topic_cases: int = 0  # cases extracted from fixtures whose topic is not red-property
    practices: Tally = field(default_factory=Tally)
    practice_kind: Accuracy = field(default_factory=Accuracy)
    ungrouped_variants: int = 0  # extra predicted names that are variants of a practice already matched
    figures: Tally = field(default_factory=Tally)
    figures_on_place: Tally = field(default_factory=Tally)
    figure_previous: Accuracy = field(default_factory=Accuracy)
    figure_approx: Accuracy = field(default_factory=Accuracy)

    def to_json(self) -> dict:
        data = {"split": self.split, "fixtures": self.fixtures, "failed": self.failed,
                "forbidden_places": self.forbidden_places, "fragment_localities": self.fragment_localities,
                "off_topic_cases": self.off_topic_cases, "ungrouped_variants": self.ungrouped_variants}
        for name, value in vars(self).items():
            if isinstance(value, Tally | Accuracy):
                data[name] = value.to_json()
        return data


@dataclass
class Extracted:
    """What ingest produced for one fixture, reduced to the fields the expectations speak about."""

    document: Document | None
    cases: list
    error: str | None = None


def load_expectations(devset: Path) -> list[dict]:
    path = devset / "expected.toml"
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as error:
        raise DevsetError(f"{path}: {error}") from None
    fixtures = data.get("fixture", [])
    for fixture in fixtures:
        if fixture.get("split") not in SPLITS:
            raise DevsetError(f"{path}: {fixture.get('file')}: split must be one of {SPLITS}")
        if not (devset / "fixtures" / fixture["file"]).is_file():
            raise DevsetError(f"{path}: fixture file not found: {fixture['file']}")
    return fixtures


def extract(path: Path) -> Extracted:
    """Parse, structure and extract cases the way ingestion does, without an index. A file that yields several
    documents is judged by its first (the fixtures hold one article each)."""
    try:
        documents: list[Document] = []
        for raw in parse(path, path.read_bytes()).documents:
            documents.extend(build_documents(raw))
    except IngestError as error:
        return Extracted(None, [], str(error))
    if not documents:
        return Extracted(None, [], f"{path.name}: no document")
    return Extracted(documents[0], extract_cases(documents[0]))


def evaluate(devset: Path, splits: tuple[str, ...] = SPLITS) -> list[SplitReport]:
    fixtures = load_expectations(devset)
    reports = []
    for split in splits:
        report = SplitReport(split)
        for fixture in (f for f in fixtures if f["split"] == split):
            score_fixture(report, fixture, extract(devset / "fixtures" / fixture["file"]))
        reports.append(report)
    return reports


def norm(name: str) -> str:
    """Names compared across scripts and widths: Traditional → Simplified, full → half width, no spaces."""
    return re.sub(r"\s+", "", fold(name or ""))


def practice_norm(name: str) -> str:
    return NAME_NOISE.sub("", norm(name))


def score_fixture(report: SplitReport, expected: dict, got: Extracted) -> None:
    report.fixtures += 1
    if got.error:
        report.failed.append(f"{expected['file']}: {got.error}")
    _score_metadata(report, expected, got.document)
    _score_cases(report, expected, got.cases)


def _score_metadata(report: SplitReport, expected: dict, document: Document | None) -> None:
    """Places: set overlap of names. Topic: on_topic against label == red-property; the label itself when the
    document carries a `topic`. Title: equal after folding and removing spaces. Date: equal ISO day; a date
    given where the page shows none counts as a wrong prediction. Captions: a predicted caption matches an
    expected one when either contains the other (folded); a fixture without `captions` has none, so each body
    paragraph typed as a caption there is a false positive."""
    expected_places = {norm(p) for p in expected.get("places", [])}
    got_places = {norm(p) for p in (document.places if document else [])}
    report.places.add(len(expected_places & got_places), len(got_places), len(expected_places))
    report.forbidden_places += len(got_places & {norm(p) for p in expected.get("not_places", [])})

    relevant = expected["topic"] == ON_TOPIC_LABEL
    predicted_on = bool(document and document.on_topic)
    report.on_topic.add(int(relevant and predicted_on), int(predicted_on), int(relevant))
    report.on_topic_accuracy.add(relevant == predicted_on)
    label = getattr(document, "topic", None)
    if isinstance(label, str):
        report.topic_label.add(label == expected["topic"])

    report.title.add(bool(document) and norm(document.title) == norm(expected["title"]))

    want, got = expected.get("date", ""), (document.date or "") if document else ""
    report.date.add(int(bool(want) and want == got), int(bool(got)), int(bool(want)))
    source = getattr(document, "date_source", None)
    if document is not None and source is not None:
        report.date_source.add((source or "none") == expected.get("date_source", "none"))

    report.doc_type.add(bool(document) and str(document.doc_type) == expected["doc_type"])
    if "policy_subtype" in expected:
        subtype = getattr(document, "policy_subtype", None)
        if subtype is not None:
            report.policy_subtype.add(subtype == expected["policy_subtype"])

    want_captions = [norm(c) for c in expected.get("captions", [])]  # no key: the page has no captions
    got_captions = [norm(c) for c in (document.captions if document else [])]
    matched = sum(1 for w in want_captions if any(w in g or g in w for g in got_captions))
    report.captions.add(matched, len(got_captions), len(want_captions))


def _case_place(case) -> str:
    return case.place_chain[-1] if case.place_chain else case.place


def _case_parent(case) -> str:
    parent = getattr(case, "parent_place", None)
    if parent is not None:
        return parent
    return case.place_chain[-2] if len(case.place_chain) >= 2 else ""


def _score_cases(report: SplitReport, expected: dict, cases: list) -> None:
    """Localities: a case matches an expected locality when its place (the chain's last name) equals the
    expected name and every name of its chain is in the expected chain (the right estate under the wrong city is
    wrong); each expected locality is matched once, so two cases at one place count one false positive.
    Every case of an off-topic fixture is a false positive. The parent is judged on matched localities."""
    if expected["topic"] != ON_TOPIC_LABEL:
        report.off_topic_cases += len(cases)
    fragments = {norm(name) for name in expected.get("not_localities", [])}
    want = {norm(loc["name"]): loc for loc in expected.get("localities", [])}
    seen: set[str] = set()
    for case in cases:
        place = norm(_case_place(case))
        report.fragment_localities += int(place in fragments)
        if place in want and place not in seen and _within(case.place_chain, want[place].get("chain", [])):
            seen.add(place)
            report.locality_parent.add(norm(_case_parent(case)) == norm(want[place].get("parent", "")))
    report.localities.add(len(seen), len(cases), len(want))
    _score_practices(report, expected.get("practices", []), cases)
    _score_figures(report, expected.get("figures", []), cases)


def _within(chain: list[str], expected_chain: list[str]) -> bool:
    allowed = {norm(name) for name in expected_chain}
    return not allowed or all(norm(name) in allowed for name in chain)


def _score_practices(report: SplitReport, expected: list[dict], cases: list) -> None:
    """A predicted practice name matches an expected practice when, with quotes, 、 and spaces removed, it equals
    the expected name, its variant key or one of its listed variants. Predicted names are counted per distinct
    practice: a second variant of an already matched practice is not a false positive but is reported as an
    ungrouped variant (issue 13 asks for one entry per variant group). The kind is judged when a case gives it."""
    forms = [{practice_norm(p["name"]), practice_norm(p.get("key", p["name"]))}
             | {practice_norm(v) for v in p.get("variants", [])} for p in expected]
    groups: dict[int, set[str]] = {}  # expected practice → the distinct predicted names that matched it
    unmatched: set[str] = set()
    for case in cases:
        kinds = getattr(case, "practice_kinds", None) or {}
        for name in case.practices:
            key = practice_norm(name)
            hit = next((i for i, f in enumerate(forms) if key in f), None)
            if hit is None:
                unmatched.add(key)
                continue
            if hit not in groups and name in kinds:
                report.practice_kind.add(kinds[name] == expected[hit].get("kind"))
            groups.setdefault(hit, set()).add(key)
    report.ungrouped_variants += sum(len(names) - 1 for names in groups.values())
    report.practices.add(len(groups), len(groups) + len(unmatched), len(expected))


def _shares_words(a: str, b: str) -> bool:
    """Indicators overlap when one holds the other or they share a two-character word piece (物业费收缴率 / 收缴率)."""
    if not a or not b:
        return False
    if a in b or b in a:
        return True
    return bool({a[i:i + 2] for i in range(len(a) - 1)} & {b[i:i + 2] for i in range(len(b) - 1)})


def _score_figures(report: SplitReport, expected: list[dict], cases: list) -> None:
    """A predicted figure matches an expected one when the values are equal and the indicators overlap (see
    _shares_words); it is on the right place when the expected locality is in its case's place chain. Identical
    (indicator, value, case place) figures count once. `previous` is judged on matched changes; `approx` when the
    figure carries the flag."""
    predicted = {}
    for case in cases:
        chain = {norm(name) for name in case.place_chain} | {norm(case.place)}
        for metric in case.metrics:
            predicted.setdefault((norm(metric.indicator), float(metric.value), norm(_case_place(case))),
                                 (metric, chain))
    used: set[tuple] = set()
    on_place = 0
    for want in expected:
        candidates = [(key, metric, chain) for key, (metric, chain) in predicted.items() if key not in used
                      and abs(float(metric.value) - float(want["value"])) < 1e-9
                      and _shares_words(norm(metric.indicator), norm(want["indicator"]))]
        if not candidates:
            continue
        # Prefer the candidate at the right place, so one figure repeated in two cases is judged at its best.
        candidates.sort(key=lambda c: norm(want.get("locality", "")) not in c[2])
        key, metric, chain = candidates[0]
        used.add(key)
        on_place += int(norm(want.get("locality", "")) in chain)
        if "previous" in want:
            report.figure_previous.add(metric.previous is not None
                                       and abs(float(metric.previous) - float(want["previous"])) < 1e-9)
        approx = getattr(metric, "approx", None)
        if approx is not None:
            report.figure_approx.add(bool(approx) == bool(want.get("approx", False)))
    report.figures.add(len(used), len(predicted), len(expected))
    report.figures_on_place.add(on_place, len(predicted), len(expected))


def format_reports(reports: list[SplitReport]) -> str:
    """A plain table: one row per measure, precision / recall (or accuracy) and counts per half."""
    def cell(value: float | None) -> str:
        return "  n/a" if value is None else f"{value:5.2f}"

    header = f"{'measure':<22}" + "".join(f"{r.split + ' (' + str(r.fixtures) + ')':>28}" for r in reports)
    lines = [header]
    for name in ("places", "on_topic", "date", "captions", "localities", "practices", "figures",
                 "figures_on_place"):
        row = f"{name:<22}"
        for r in reports:
            t: Tally = getattr(r, name)
            row += f"   P {cell(t.precision)} R {cell(t.recall)} ({t.matched}/{t.predicted}/{t.expected})".rjust(28)
        lines.append(row)
    for name in ("on_topic_accuracy", "topic_label", "title", "date_source", "doc_type", "policy_subtype", "locality_parent",
                 "practice_kind", "figure_previous", "figure_approx"):
        row = f"{name:<22}"
        for r in reports:
            a: Accuracy = getattr(r, name)
            row += f"acc {cell(a.value)} ({a.right}/{a.asked})".rjust(28)
        lines.append(row)
    for name in ("forbidden_places", "fragment_localities", "off_topic_cases", "ungrouped_variants"):
        lines.append(f"{name:<22}" + "".join(f"{getattr(r, name):>28}" for r in reports))
    for r in reports:
        lines.extend(f"失败 [{r.split}] {failure}" for failure in r.failed)
    lines.append("P/R 后括号:匹配数/预测数/期望数;acc 后括号:正确数/评测数;n/a:提取结果尚无此项")
    return "\n".join(lines)
