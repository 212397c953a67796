"""The clause matrix (各地条例比较): one question, every regulation in scope, its best matching 条 and up to two
runners-up — or an explicit "未见相关规定" when no clause of it answers.

A clause answers when it covers enough of the question: each question word (stop words dropped, synonyms
counting) found in the clause's own text, weighted by how rare the word is in general Chinese (jieba's idf
table), so the topic (业主大会, 维修资金) outweighs the scaffolding (成立, 作用). Words in the regulation's title
(物业管理 in a 物业管理条例) are the context of every clause and are left out for it. Search scores alone cannot
say "nothing here": they are relative to the corpus, and a relaxed search always finds something.
The `--type news` variant has one row per place, with its best passage.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from index.analysis import query_words
from index.compare.cite import regulation_citation
from index.compare.lineage import lineage_index
from index.compare.regulations import clause_body, load_regulations, select
from index.query.filters import Filters, QuerySyntaxError
from index.query.syntax import QueryOptions, parse_query
from index.results.explain import count_passages, explain_query, match_word
from index.results.search import MAX_PAGE_SIZE, SearchRequest, search
from index.results.similar import extractor
from index.results.snippets import mark, match_spans
from index.store.library import Library
from ingest.text.fold import fold

NO_ANSWER = "未见相关规定"
# Share of the question's (rarity-weighted) words a clause must contain to answer it: at least half. On the test
# fixtures (tests/compare_fixtures.py) answering clauses cover 1.0 and the closest clause of the regulation that
# says nothing covers 0.27; on the real regulations (docs/compare.md) answers with only the topic word cover
# 0.52–0.73, so "half" keeps them, while the closest clauses of regulations without an answer reach 0.42 at most.
MIN_COVERAGE = 0.5
# Interrogatives are the question's form, not its topic (the query's stop words already drop 什么/怎么/如何).
INTERROGATIVES = frozenset({"谁", "哪", "哪里", "哪儿", "哪个", "何", "何时", "多长", "多久", "多少", "几", "怎样", "怎么样"})
RUNNERS_UP = 2
MAX_SEARCHED = 1000  # passages read from the ranked list when looking for each regulation's best clauses
SORTS = ("place", "date", "score")


class UnknownQuestion(ValueError):
    """The question has no word to search for (only stop words or syntax)."""


@dataclass
class Cell:
    passage_id: str
    clause: str | None
    chapter: str | None  # "第七章 物业的使用与维护" for a 条, None for news
    text: str
    marked: str  # the text without its 条 label, HTML-escaped, question words in <mark>
    score: float
    coverage: float
    citation: str
    lineage: list[dict] = field(default_factory=list)


@dataclass
class Row:
    regulation: dict  # RegulationRow.to_json(), or {"place": …} for a news row
    best: Cell | None  # None: 未见相关规定
    runners_up: list[Cell] = field(default_factory=list)
    closest: Cell | None = None  # for a gap: the nearest clause, below the threshold, so a reader can check

    @property
    def answered(self) -> bool:
        return self.best is not None


@dataclass
class Matrix:
    question: str
    kind: str  # policy | news
    rows: list[Row]
    words: list[str]
    threshold: float = MIN_COVERAGE

    def to_json(self) -> dict:
        return {
            "question": self.question, "kind": self.kind, "words": self.words, "threshold": self.threshold,
            "answered": sum(row.answered for row in self.rows), "gaps": sum(not row.answered for row in self.rows),
            "rows": [{"regulation": row.regulation, "answered": row.answered, "label": None if row.answered else NO_ANSWER,
                      "best": _cell_json(row.best), "runners_up": [_cell_json(c) for c in row.runners_up],
                      "closest": _cell_json(row.closest)} for row in self.rows],
        }


def _cell_json(cell: Cell | None) -> dict | None:
    return None if cell is None else dict(vars(cell))


@dataclass
class QuestionWords:
    """The question's words with their weights, and what to mark in the text."""

    words: list[dict]
    weights: list[float]
    highlights: list[str]

    def coverage(self, text: str, title: str = "") -> float:
        vocabulary, folded = set(query_words(text)), fold(text)
        weighed = list(zip(self.words, self.weights, strict=True))
        folded_title = fold(title)
        asked = [(word, weight) for word, weight in weighed if fold(word["text"]) not in folded_title] or weighed
        total = sum(weight for _, weight in asked)
        if not total:
            return 0.0
        found = sum(weight for word, weight in asked if match_word(word, vocabulary, folded)["matched"])
        return round(found / total, 3)


def question_words(library: Library, question: str) -> QuestionWords:
    try:
        parsed = parse_query(question, Filters(on_topic_only=False), QueryOptions(relaxed=True))
    except QuerySyntaxError as error:
        raise UnknownQuestion(str(error)) from None
    words = [word for word in explain_query(question)["words"]
             if not word["stopword"] and word["text"] not in INTERROGATIVES]
    count_passages(library, words)
    idf = extractor()
    # A word no passage uses (a stray cut like "中起") cannot tell answers from gaps: weight 0.
    weights = [idf.idf_freq.get(word["text"], idf.median_idf) if word.get("passages") else 0.0 for word in words]
    if parsed.query is None or not any(weights):
        raise UnknownQuestion(f"问题“{question}”里没有可检索的词,请换一种说法,例如 维修资金 使用")
    return QuestionWords(words, weights, parsed.highlights)


def best_passages_by_document(library: Library, question: str, doc_type: str, doc_ids: set[str] | None,
                              per_document: int = 1 + RUNNERS_UP) -> dict[str, list]:
    """doc_id → its best passages for the question, best first (today: one ranked passage list grouped by
    document; the one place to switch when search groups by document itself)."""
    found: dict[str, list] = {}
    filters = Filters(doc_types=[doc_type], on_topic_only=False)
    options = QueryOptions(relaxed=True)
    for page in range(1, MAX_SEARCHED // MAX_PAGE_SIZE + 1):
        result = search(library, SearchRequest(question, page, MAX_PAGE_SIZE, filters, collapse=False, options=options,
                                               exact_total=True))
        for hit in result.hits:
            if doc_ids is not None and hit.doc_id not in doc_ids:
                continue
            if doc_type == "policy" and not hit.clause:
                continue  # the history lines and preamble are not provisions
            kept = found.setdefault(hit.doc_id, [])
            if len(kept) < per_document:
                kept.append(hit)
        if page * MAX_PAGE_SIZE >= result.total:
            break
    return found


def compare(library: Library, question: str, place: str | None = None, level: str | None = None,
            year_from: int | None = None, sort: str = "place", kind: str = "policy") -> Matrix:
    words = question_words(library, question)
    if kind == "news":
        return _news_matrix(library, question, words, place, year_from, sort)
    regulations = select(load_regulations(library.store), place, level, year_from)
    by_id = {row.doc_id: row for row in regulations}
    hits = best_passages_by_document(library, question, "policy", set(by_id))
    chapters = {pid: row["chapter"] for pid, row in library.store.passages(
        hit.passage_id for found in hits.values() for hit in found).items()}
    lineage = lineage_index(library) if regulations else None
    rows = []
    for regulation in regulations:
        cells = [_cell(hit, words, regulation_citation(regulation, hit.clause), chapters.get(hit.passage_id))
                 for hit in hits.get(regulation.doc_id, [])]
        row = _row(regulation.to_json(), cells)
        if row.best is not None and lineage is not None:
            row.best.lineage = [reuse.to_json()
                                for reuse in lineage.reuse_of(row.best.passage_id)]
        rows.append(row)
    return Matrix(question, "policy", sort_rows(rows, sort), [word["text"] for word in words.words])


def _cell(hit, words: QuestionWords, citation: str, chapter: str | None = None) -> Cell:
    body = clause_body(hit.text) if hit.clause else hit.text
    return Cell(hit.passage_id, hit.clause, chapter, hit.text, mark(body, match_spans(body, words.highlights)),
                hit.score, words.coverage(hit.text, hit.title), citation)


def _row(regulation: dict, cells: list[Cell]) -> Row:
    """Of the regulation's best clauses by search, the one covering most of the question (search order breaks
    ties), the others as runners-up; a gap when none covers enough."""
    answering = [cell for cell in cells if cell.coverage >= MIN_COVERAGE]
    if not answering:
        return Row(regulation, None, [], max(cells, key=lambda cell: cell.coverage, default=None))
    best = max(answering, key=lambda cell: cell.coverage)  # max keeps the first of equals: the search's order
    return Row(regulation, best, [cell for cell in cells if cell is not best][:RUNNERS_UP])


def sort_rows(rows: list[Row], sort: str) -> list[Row]:
    if sort == "date":
        return sorted(rows, key=lambda row: row.regulation.get("version_date") or row.regulation.get("date") or "")
    if sort == "score":
        return sorted(rows, key=lambda row: (not row.answered, -(row.best.score if row.best else 0)))
    return sorted(rows, key=lambda row: (row.regulation.get("place") or "~", row.regulation.get("version_date") or ""))


def _news_matrix(library: Library, question: str, words: QuestionWords, place: str | None, year_from: int | None,
                 sort: str) -> Matrix:
    """One row per place named by news reports in scope: the best passage any of its reports has."""
    documents = [row for row in library.store.list_documents() if row["doc_type"] == "news"]
    if year_from:
        documents = [row for row in documents if (row["date"] or "0")[:4] >= str(year_from)]
    home_place = {row["doc_id"]: _main_place(row["places"]) for row in documents}
    places = sorted({name for name in home_place.values() if name and (not place or place in name)})
    hits = best_passages_by_document(library, question, "news", set(home_place), per_document=1)
    best_by_place: dict[str, list[Cell]] = {}
    for doc_id, (hit, *_) in hits.items():
        name = home_place[doc_id]
        if name in places:
            citation = f"{hit.title}[N]. {hit.date or ''}".rstrip() + "."
            best_by_place.setdefault(name, []).append(_cell(hit, words, citation))
    rows = []
    for name in places:
        cells = sorted(best_by_place.get(name, []), key=lambda cell: -cell.score)
        rows.append(_row({"place": name, "title": None}, cells))
    return Matrix(question, "news", sort_rows(rows, sort if sort != "date" else "place"),
                  [word["text"] for word in words.words])


def _main_place(places: list[str]) -> str | None:
    """The most specific place a report is about: the last of the first chain (省 → 市 → 区县)."""
    return places[1] if len(places) > 1 else (places[0] if places else None)

