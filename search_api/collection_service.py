"""Collections (合集) as the API, the pages and the CLI all see them: items resolved against the store.

An item is shown with what a teaching pack needs — title, excerpt, place chain, figures with their evidence
sentence and a GB/T 7714 citation. An item whose document has been deleted (or whose case a re-extraction no
longer finds) is returned with `missing` and the label saved when it was added, never dropped or raised.
"""
from __future__ import annotations

from index.store.collections import KINDS, CollectionStore, UnknownCollection, document_cases, ingested_at
from index.store.library import Library
from search_api import service
from search_api.case_service import case_store
from search_api.citation import document_citation
from search_api.errors import BadRequest, Forbidden, NotFound

EXCERPT_CHARS = 240  # a document's or case's opening shown in a pack; a passage is shown whole
MAX_TITLE = 200
MAX_NOTE = 4000
KIND_LABELS = {"document": "文档", "passage": "段落", "case": "案例"}


def collections(library: Library) -> CollectionStore:
    return CollectionStore(library.store)


def _text(value: str | None, name: str, limit: int, required: bool = False) -> str | None:
    if value is None:
        if required:
            raise BadRequest(f"{name} 不能为空")
        return None
    value = value.strip()
    if required and not value:
        raise BadRequest(f"{name} 不能为空")
    if len(value) > limit:
        raise BadRequest(f"{name} 最长 {limit} 字(收到 {len(value)} 字)")
    return value


def create(library: Library, title: str, description: str = "") -> dict:
    """A new collection; the answer carries the edit key once (the edit link), the share link never does."""
    collection_id, edit_key = collections(library).create(_text(title, "标题", MAX_TITLE, required=True),
                                                          _text(description, "说明", MAX_NOTE) or "")
    return show(library, collection_id) | {"edit_key": edit_key, "edit_url": edit_url(collection_id, edit_key)}


def edit_url(collection_id: str, edit_key: str) -> str:
    return f"/collections/{collection_id}/edit?key={edit_key}"


def list_all(library: Library) -> dict:
    rows = collections(library).list()
    return {"total": len(rows), "collections": rows}


def key_matches(library: Library, collection_id: str, key: str | None) -> bool:
    """Whether `key` is the collection's edit key; NotFound when there is no such collection."""
    try:
        return collections(library).key_matches(collection_id, key)
    except UnknownCollection:
        raise NotFound(f"没有编号为 {collection_id} 的合集") from None


def check_key(library: Library, collection_id: str, key: str | None) -> None:
    """The edit key of the collection (from its edit link) or a Forbidden naming what is missing."""
    if not key_matches(library, collection_id, key):
        raise Forbidden("没有这个合集的编辑权限:请使用创建时得到的编辑链接")


def show(library: Library, collection_id: str) -> dict:
    """The collection with every item resolved; `missing` counts the items whose source is gone."""
    try:
        collection = collections(library).get(collection_id)
    except UnknownCollection:
        raise NotFound(f"没有编号为 {collection_id} 的合集") from None
    resolver = _Resolver(library)
    items = [resolver.resolve(item.__dict__) for item in collection.items]
    data = collection.to_json() | {"items": items}
    data["missing"] = sum(1 for item in items if item["missing"])
    return data


def update(library: Library, collection_id: str, title: str | None = None, description: str | None = None) -> dict:
    _guard(lambda store: store.update(collection_id, _text(title, "标题", MAX_TITLE, required=title is not None),
                                      _text(description, "说明", MAX_NOTE)), library, collection_id)
    return show(library, collection_id)


def delete(library: Library, collection_id: str) -> dict:
    _guard(lambda store: store.delete(collection_id), library, collection_id)
    return {"deleted": collection_id}


def add_item(library: Library, collection_id: str, kind: str, ref: str, note: str = "",
             position: int | None = None) -> dict:
    """Add a document, passage or case that exists now; its title is kept as the item's label."""
    if kind not in KINDS:
        raise BadRequest(f"kind 须是 document、passage 或 case(收到 {kind})")
    doc_id, label = source_of(library, kind, (ref or "").strip())
    note = _text(note, "按语", MAX_NOTE) or ""
    item_id = _guard(lambda store: store.add_item(collection_id, kind, ref.strip(), doc_id, label, note, position),
                     library, collection_id)
    return {"item_id": item_id, "collection": show(library, collection_id)}


def annotate(library: Library, collection_id: str, item_id: int, note: str) -> dict:
    _guard(lambda store: store.annotate(collection_id, item_id, _text(note, "按语", MAX_NOTE) or ""),
           library, collection_id)
    return show(library, collection_id)


def move_item(library: Library, collection_id: str, item_id: int, position: int) -> dict:
    _guard(lambda store: store.move_item(collection_id, item_id, position), library, collection_id)
    return show(library, collection_id)


def reorder(library: Library, collection_id: str, item_ids: list[int]) -> dict:
    _guard(lambda store: store.reorder(collection_id, item_ids), library, collection_id)
    return show(library, collection_id)


def remove_item(library: Library, collection_id: str, item_id: int) -> dict:
    _guard(lambda store: store.remove_item(collection_id, item_id), library, collection_id)
    return show(library, collection_id)


def documents_of(library: Library, view: dict) -> list[dict]:
    """The distinct source documents of a collection's present items, in item order (for reference export)."""
    seen: dict[str, dict] = {}
    for item in view["items"]:
        if not item["missing"] and item["doc_id"] not in seen:
            seen[item["doc_id"]] = with_access_date(library, service.show_document(library, item["doc_id"]))
    return list(seen.values())


def with_access_date(library: Library, document: dict) -> dict:
    """The document with `accessed`: when it was ingested, the closest we know to when its page was read."""
    return document | {"accessed": ingested_at(library.store, document["doc_id"])}


def _guard(action, library: Library, collection_id: str):
    try:
        return action(collections(library))
    except UnknownCollection as error:
        what = str(error.args[0]) if error.args else collection_id
        if "/" in what:
            raise NotFound(f"合集 {collection_id} 中没有编号为 {what.split('/', 1)[1]} 的条目") from None
        raise NotFound(f"没有编号为 {collection_id} 的合集") from None


def source_of(library: Library, kind: str, ref: str) -> tuple[str, str]:
    """(doc_id, label) of what `ref` names, or NotFound."""
    if not ref:
        raise BadRequest("ref 不能为空:给出文档、段落或案例的编号")
    if kind == "document":
        document = library.store.get_document(ref)
        if document is None:
            raise NotFound(f"没有编号为 {ref} 的文档")
        return ref, document.title
    if kind == "passage":
        row = library.store.passages([ref]).get(ref)
        if row is None:
            raise NotFound(f"没有编号为 {ref} 的段落")
        return row["doc_id"], f"{row['title']} · {row['clause'] or row['heading'] or '第' + str(row['ordinal'] + 1) + '段'}"
    case = case_store(library).get(ref)
    if case is None:
        raise NotFound(f"没有编号为 {ref} 的案例")
    return case["doc_id"], case["title"]


class _Resolver:
    """Looks items up, reading each document and its cases once per collection."""

    def __init__(self, library: Library):
        self.library = library
        self.cases = case_store(library)
        self._documents: dict[str, dict | None] = {}
        self._doc_cases: dict[str, list[dict]] = {}

    def document(self, doc_id: str) -> dict | None:
        if doc_id not in self._documents:
            try:
                self._documents[doc_id] = service.show_document(self.library, doc_id)
            except NotFound:
                self._documents[doc_id] = None
        return self._documents[doc_id]

    def cases_of(self, doc_id: str) -> list[dict]:
        if doc_id not in self._doc_cases:
            self._doc_cases[doc_id] = document_cases(self.library.store, doc_id)
        return self._doc_cases[doc_id]

    def resolve(self, item: dict) -> dict:
        base = item | {"kind_label": KIND_LABELS[item["kind"]], "missing": None, "title": item["label"],
                       "excerpt": "", "place_chain": [], "figures": [], "citation": None, "href": None}
        document = self.document(item["doc_id"])
        if document is None:
            return base | {"missing": "原文档已被删除"}
        base |= {"citation": document_citation(document), "source": document.get("source"), "date": document.get("date")}
        doc_cases = self.cases_of(item["doc_id"])
        if item["kind"] == "case":
            case = next((case for case in doc_cases if case["case_id"] == item["ref"]), None)
            if case is None:
                return base | {"missing": "案例已不存在(原文档已重新提取)", "href": f"/documents/{item['doc_id']}"}
            excerpt = case.get("background") or " ".join(case.get("measures") or []) or _opening(document)
            return base | {"title": case["title"], "excerpt": _cut(excerpt), "place_chain": case.get("place_chain", []),
                           "figures": _figures(case), "href": f"/cases/{case['case_id']}"}
        if item["kind"] == "passage":
            passage = next((p for p in document["passages"] if p["passage_id"] == item["ref"]), None)
            if passage is None:
                return base | {"missing": "段落已不存在(原文档已更新)", "href": f"/documents/{item['doc_id']}"}
            holding = [case for case in doc_cases
                       if any(e.get("passage_id") == passage["passage_id"] for e in case.get("evidence", []))]
            figures = [figure for case in doc_cases for figure in _figures(case)
                       if figure["passage_id"] == passage["passage_id"]]
            heading = passage.get("clause") or passage.get("heading")
            return base | {"title": f"{document['title']}" + (f" · {heading}" if heading else ""),
                           "excerpt": passage["text"], "figures": figures,
                           "place_chain": holding[0]["place_chain"] if holding else document.get("places", [])[:3],
                           "href": f"/documents/{item['doc_id']}#{passage['passage_id']}"}
        figures = [figure for case in doc_cases for figure in _figures(case)]
        chain = doc_cases[0]["place_chain"] if doc_cases else document.get("places", [])[:3]
        return base | {"title": document["title"], "excerpt": _cut(_opening(document)), "place_chain": chain,
                       "figures": figures, "href": f"/documents/{item['doc_id']}"}


def _figures(case: dict) -> list[dict]:
    return [{"indicator": m.get("indicator"), "value": m.get("value"), "unit": m.get("unit") or "",
             "scope": m.get("scope") or "", "evidence": m.get("evidence") or "", "passage_id": m.get("passage_id")}
            for m in case.get("metrics", [])]


def _opening(document: dict) -> str:
    return "".join(p["text"] for p in document["passages"][:3])


def _cut(text: str) -> str:
    return text if len(text) <= EXCERPT_CHARS else text[:EXCERPT_CHARS].rstrip() + "……"
