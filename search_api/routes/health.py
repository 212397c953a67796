"""GET /healthz: the store answers, the index opens, whether the index is known to match the store, and
what is stale (built with data files edited since: index/store/freshness.py) or pending (cases not extracted).

Cheap enough for a load balancer to poll: no full scan (that is `redprop check`). 503 when a part fails.
"""
from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import JSONResponse

from index.engine.documents import passage_count
from index.store import freshness
from index.store.case_store import CaseStore
from index.store.visibility import CLEAN_GENERATION_KEY
from search_api.deps import LibraryDep

router = APIRouter(tags=["health"])


@router.get("/healthz", responses={503: {"description": "存储或索引不可用"}})
def healthz(library: LibraryDep) -> JSONResponse:
    checks: dict[str, dict] = {}
    try:
        checks["store"] = {"ok": True, "documents": library.store.count_documents()}
        clean = library.store.get_meta(CLEAN_GENERATION_KEY)
    except Exception as error:  # noqa: BLE001 - any failure is what this endpoint reports
        checks["store"] = {"ok": False, "error": f"存储不可用:{type(error).__name__}"}
        clean = None
    try:
        with library.index.searcher() as searcher:
            generation = searcher.reader().generation()
            checks["index"] = {"ok": True, "indexed_passages": passage_count(searcher),
                               "in_sync": clean is not None and clean == str(generation)}
    except Exception as error:  # noqa: BLE001
        checks["index"] = {"ok": False, "error": f"索引不可用:{type(error).__name__}"}
    if checks["store"]["ok"]:  # stale work still answers queries, with yesterday's analysis: shown, not a 503
        stale = freshness.report(library.store)
        checks["store"]["stale"] = {effect: reasons for effect, reasons in stale.items() if reasons}
        checks["store"]["cases_pending"] = len(CaseStore(library.store).pending())
    healthy = all(check["ok"] for check in checks.values())
    body = {"status": "ok" if healthy else "degraded", **checks}
    if healthy:  # the flat fields earlier clients read
        body |= {"documents": checks["store"]["documents"], "indexed_passages": checks["index"]["indexed_passages"]}
    return JSONResponse(body, status_code=200 if healthy else 503)
