"""The page of one practice (/practices/{key}): its timeline and province map, the reports, related practices."""
from __future__ import annotations

from urllib.parse import quote

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from search_api import case_service
from search_api.deps import LibraryDep
from search_api.errors import NotFound
from search_api.maps import province_map
from search_api.routes.pages import render
from search_api.timeline_chart import timeline_chart

router = APIRouter(include_in_schema=False)


@router.get("/practices/{key}", response_class=HTMLResponse)
def practice_page(request: Request, library: LibraryDep, key: str) -> HTMLResponse:
    try:
        data = case_service.practice_timeline(library, key)
    except NotFound as error:
        return render(request, "error.html", status=404, message=error.message)
    first_year = data["first_by_province"]
    spread = province_map(first_year, label_of=lambda name, year: f"{year} 年首次见于报道", darker_first=True,
                          legend_of=lambda year: f"{year}",
                          href_of=lambda name: f"/cases?practice={quote(data['name'])}&place={quote(name)}")
    return render(request, "practice.html", data=data, chart=timeline_chart(data["appearances"]), spread=spread)
