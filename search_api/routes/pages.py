"""The web pages: search, document, cases, practices, metrics and upload, rendered on the server with Jinja2.

Every page's state lives in its URL (so a search can be shared or projected), the core search works without
JavaScript, and everything from documents is escaped by the templates (autoescape on).
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlencode

from fastapi import APIRouter, FastAPI, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates
from jinja2 import Environment, FileSystemLoader, select_autoescape

from index.query.syntax import Filters
from search_api import compare_service, pages_data, service
from search_api.charts import bar_chart, number
from search_api.citation import document_citation
from search_api.deps import LibraryDep
from search_api.document_view import highlight_words, outline, sections, similar_query
from search_api.errors import ApiError, BadRequest, Forbidden, NotFound
from search_api.maps import latest_per_province, province_map
from search_api.routes import admin
from search_api.sessions import CSRF_FIELD

PACKAGE = Path(__file__).resolve().parent.parent
PAGE_SIZE = 10
LIBRARY_PAGE_SIZE = 50  # documents listed on the start page
FACET_SHOWN = 10  # facet values listed before the rest fold under "更多"
PAGER_SPAN = 2  # page links shown either side of the current page
MAX_PAGE = 1000
YEAR = re.compile(r"\d{4}")
DOC_TYPE_LABELS = {"news": "新闻报道", "policy": "政策法规", "other": "其他"}
SORT_LABELS = {"relevance": "按相关度", "date": "按日期"}
FACET_TITLES = {"places": "地区", "year": "年份", "doc_type": "类型", "source": "来源"}
# URL parameter for each facet of the search result.
FACET_PARAMS = {"places": "place", "year": "year", "doc_type": "type", "source": "source"}
UNKNOWN_FACET = "未知"  # the year facet's bucket for undated documents: shown, not a filter
DEFAULT_INDICATOR = "覆盖率"  # the metric most reports give; the page offers any other indicator by name

router = APIRouter(include_in_schema=False)
templates = Jinja2Templates(env=Environment(
    loader=FileSystemLoader(PACKAGE / "templates"), autoescape=select_autoescape(default=True, default_for_string=True),
))
templates.env.globals["DOC_TYPE_LABELS"] = DOC_TYPE_LABELS
templates.env.globals["DATE_SOURCE_LABELS"] = service.DATE_SOURCE_LABELS
templates.env.globals["PASSAGE_KIND_LABELS"] = service.PASSAGE_KIND_LABELS


def install(app: FastAPI) -> None:
    """Add the pages and their static files to the app."""
    app.include_router(router)
    app.mount("/static", StaticFiles(directory=PACKAGE / "static"), name="static")


def render(request: Request, name: str, status: int = 200, **context) -> HTMLResponse:
    return templates.TemplateResponse(request, name, context, status_code=status)


def url(path: str, params: dict) -> str:
    """`path?…` from the non-empty params (lists become repeated parameters)."""
    pairs = [(key, item) for key, value in params.items()
             for item in (value if isinstance(value, list) else [value]) if item not in (None, "", [])]
    return path + ("?" + urlencode(pairs) if pairs else "")


@dataclass
class SearchState:
    """Everything a search page shows, as read from and written back to its URL."""

    q: str = ""
    place: list[str] = field(default_factory=list)
    year: list[str] = field(default_factory=list)
    type: list[str] = field(default_factory=list)
    source: list[str] = field(default_factory=list)
    sort: str = "relevance"
    all: bool = False  # include documents that are off the 红色物业 topic
    page: int = 1

    @classmethod
    def from_request(cls, request: Request) -> SearchState:
        params = request.query_params
        page = params.get("page", "1")
        return cls(
            q=params.get("q", ""), place=params.getlist("place"), year=params.getlist("year"),
            type=params.getlist("type"), source=params.getlist("source"), sort=params.get("sort") or "relevance",
            all=params.get("all") == "1", page=min(int(page), MAX_PAGE) if page.isdigit() and int(page) > 0 else 1,
        )

    def params(self, **changes) -> dict:
        values = {"q": self.q, "place": self.place, "year": self.year, "type": self.type, "source": self.source,
                  "sort": "" if self.sort == "relevance" else self.sort, "all": "1" if self.all else "",
                  "page": self.page if self.page > 1 else ""}
        values.update(changes)
        return values

    def link(self, **changes) -> str:
        return url("/", self.params(**changes))

    def toggle(self, param: str, value: str) -> str:
        """The URL with a facet value added (or removed if already chosen), back on page one."""
        chosen = list(getattr(self, param))
        chosen = [item for item in chosen if item != value] if value in chosen else chosen + [value]
        return self.link(**{param: chosen, "page": ""})

    def chosen(self) -> list[tuple[str, str, str]]:
        """(label, value, URL without it) for each active filter."""
        return [(title, value, self.toggle(param, value))
                for facet, title in FACET_TITLES.items()
                for param in [FACET_PARAMS[facet]] for value in getattr(self, param)]

    def filters(self) -> Filters:
        for year in self.year:
            if not YEAR.fullmatch(year):
                raise BadRequest(f"年份筛选需要四位数字,例如 2023(收到 {year})")
        filters = Filters(places=list(self.place), years=list(self.year), doc_types=list(self.type),
                          sources=list(self.source))
        if self.all:
            filters.on_topic_only = False
        return filters


def pager(page: int, total: int, size: int) -> list[int]:
    last = max(1, -(-total // size))
    return list(range(max(1, page - PAGER_SPAN), min(last, page + PAGER_SPAN) + 1))


@router.get("/", response_class=HTMLResponse)
def search_page(request: Request, library: LibraryDep) -> Response:
    state = SearchState.from_request(request)
    like = request.query_params.get("like")
    if like:
        return similar_redirect(request, library, state, like)
    context = {"state": state, "FACET_TITLES": FACET_TITLES, "FACET_PARAMS": FACET_PARAMS,
               "SORT_LABELS": SORT_LABELS, "UNKNOWN_FACET": UNKNOWN_FACET, "FACET_SHOWN": FACET_SHOWN,
               "page_size": PAGE_SIZE}
    if not state.q.strip() and not state.chosen():
        listing = service.list_documents(library, state.page, LIBRARY_PAGE_SIZE)
        return render(request, "home.html", library=listing, last_page=max(1, -(-listing["total"] // LIBRARY_PAGE_SIZE)),
                      **context)
    try:
        result = service.run_search(library, state.q, page=state.page, size=PAGE_SIZE,
                                    filters=state.filters(), sort=state.sort)
    except ApiError as error:
        return render(request, "search.html", status=error.status, error=error.message, result=None, **context)
    return render(request, "search.html", result=result, pages=pager(state.page, result.entries, PAGE_SIZE),
                  last_page=max(1, -(-result.entries // PAGE_SIZE)), **context)


def similar_redirect(request: Request, library: LibraryDep, state: SearchState, passage_id: str) -> Response:
    """`/?like=<passage_id>` becomes a search for the passage's key words, shown (and shareable) as `q`."""
    row = library.store.passages([passage_id]).get(passage_id)
    if row is None:
        return render(request, "error.html", status=404, message=f"没有编号为 {passage_id} 的段落")
    query = similar_query(row["text"])
    if not query:
        return render(request, "error.html", status=404, message="这一段没有足以查找相似内容的关键词")
    return RedirectResponse(state.link(q=query, page=""), status_code=303)


@router.get("/documents/{doc_id}", response_class=HTMLResponse)
def document_page(request: Request, library: LibraryDep, doc_id: str, q: str = "") -> HTMLResponse:
    try:
        document = service.show_document(library, doc_id)
    except NotFound as error:
        return render(request, "error.html", status=404, message=error.message)
    marks = highlight_words(q)
    text = [passage for passage in document["passages"] if passage["kind"] == "text"]
    # Captions, bylines and page furniture: listed apart, each with its anchor (a search hit may point at one).
    asides = [passage for passage in document["passages"] if passage["kind"] != "text"]
    return render(request, "document.html", document=document, q=q, sections=sections(text, marks),
                  outline=outline(text), citation=document_citation(document), asides=asides,
                  back=url("/", {"q": q}), lineage=compare_service.clause_lineage_labels(library, document))


@router.get("/cases", response_class=HTMLResponse)
def cases_page(request: Request, library: LibraryDep) -> HTMLResponse:
    params = request.query_params
    page = params.get("page", "1")
    filters = pages_data.CaseFilters(
        q=params.get("q", ""), place=params.get("place", ""), theme=params.get("theme", ""),
        practice=params.get("practice", ""), year=params.get("year", ""),
        page=int(page) if page.isdigit() and int(page) > 0 else 1,
    )
    try:
        data = pages_data.cases_page(library, filters)
        browse = pages_data.case_browse(library, filters)
    except ApiError as error:
        return render(request, "cases.html", status=error.status, error=error.message, data=None, filters=filters)
    return render(request, "cases.html", data=data, browse=browse, filters=filters, unfilter=_unfilter_links(filters),
                  case_link=lambda **change: url("/cases", {**filters.active(), **change}),
                  last_page=max(1, -(-(data or {}).get("total", 0) // pages_data.CASE_PAGE_SIZE)))


def _unfilter_links(filters: pages_data.CaseFilters) -> list[tuple[str, str]]:
    active = filters.active()
    return [(value, url("/cases", {k: v for k, v in active.items() if k != name})) for name, value in active.items()]


@router.get("/cases/{case_id}", response_class=HTMLResponse)
def case_page(request: Request, library: LibraryDep, case_id: str) -> HTMLResponse:
    try:
        case = pages_data.case_detail(library, case_id)
    except NotFound as error:
        return render(request, "error.html", status=404, message=error.message)
    citation = None
    if case and case.get("doc_id"):
        try:
            citation = document_citation(service.show_document(library, case["doc_id"]))
        except NotFound:
            citation = None
    return render(request, "case.html", case=case, citation=citation)


@router.get("/practices", response_class=HTMLResponse)
def practices_page(request: Request, library: LibraryDep) -> HTMLResponse:
    return render(request, "practices.html", data=pages_data.practices(library))


@router.get("/metrics", response_class=HTMLResponse)
def metrics_page(request: Request, library: LibraryDep, indicator: str = DEFAULT_INDICATOR) -> HTMLResponse:
    indicator = indicator.strip() or DEFAULT_INDICATOR
    data = pages_data.metrics(library, indicator)
    chart = None
    if data:
        chart = bar_chart(
            data.get("metrics", []),
            label_of=lambda row: metric_label(row, indicator),
            href_of=lambda row: f"/cases/{row['case_id']}" if row.get("case_id") else None,
        )
    return render(request, "metrics.html", data=data, indicator=indicator, chart=chart,
                  spread=indicator_map(data.get("metrics", []), chart.unit, indicator) if chart else None)


def indicator_map(rows: list[dict], unit: str, indicator: str):
    """The province map of an indicator: each province coloured by its latest figure in the chart's unit."""
    latest = latest_per_province(rows, unit, indicator)
    if not latest:
        return None
    return province_map(
        {province: number(row["value"]) for province, row in latest.items()},
        label_of=lambda name, value: f"{latest[name]['value']}{unit}({metric_label(latest[name], indicator)})",
        legend_of=lambda value: f"{value:g}{unit}",
        href_of=lambda name: f"/cases/{latest[name]['case_id']}" if latest[name].get("case_id") else None,
    )


def metric_label(row: dict, indicator: str) -> str:
    """Place and year of a figure, and its own indicator when it is a narrower one than asked for."""
    named = row.get("indicator") if row.get("indicator") not in (None, indicator) else None
    return " ".join(str(part) for part in (row.get("place"), row.get("year"), named) if part)


@router.get("/upload", response_class=HTMLResponse)
def upload_page(request: Request) -> HTMLResponse:
    return render(request, "upload.html", **_upload_context(request))


@router.post("/upload", response_class=HTMLResponse)
async def upload_form(request: Request) -> HTMLResponse:
    """The form's files, ingested as POST /api/documents does; the CSRF token is checked before anything is kept."""
    context = _upload_context(request)
    if not context["support"].enabled:
        return render(request, "upload.html", status=403, **context)
    try:
        uploads, fields = await admin.read_uploads(request, request.app.state.settings)
        session = request.state.session
        if session is None or not session.csrf_matches(fields.get(CSRF_FIELD)):
            raise Forbidden("表单已过期或来自其他网站:请刷新本页后重新上传")
        answer, status = await admin.ingest_uploads(request, uploads)
    except ApiError as error:
        return render(request, "upload.html", status=error.status, error=error.message, **context)
    return render(request, "upload.html", status=status, answer=answer, error=answer.get("error"), **context)


def _upload_context(request: Request) -> dict:
    session = request.state.session
    return {"support": pages_data.upload_support(request.app), "settings": request.app.state.settings,
            "csrf": session.csrf if session else ""}
