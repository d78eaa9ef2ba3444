"""The HTML pages: the library and the Traktor page, rendered by Jinja2; the scripts fill them from the API."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, RedirectResponse
from fastapi.templating import Jinja2Templates

from harmony.library import BACKUPS_MAX, BACKUPS_MIN, DEBOUNCE_MAX_MS, DEBOUNCE_MIN_MS, LIST_SORT_KEYS
from harmony.web.api_missing import search_roots
from harmony.web.state import WebState, web_state
from harmony.web.track_form import panel_context

__all__ = ["TEMPLATES", "router"]

TEMPLATES = Jinja2Templates(directory=Path(__file__).with_name("templates"))

router = APIRouter(include_in_schema=False)


def _render(request: Request, state: WebState, name: str, page: str, **context: object) -> HTMLResponse:
    return TEMPLATES.TemplateResponse(
        request, name, {"token": state.guard.token, "page": page, **context}, headers={"Cache-Control": "no-store"}
    )


@router.get("/")
async def home() -> RedirectResponse:
    return RedirectResponse("/library", status_code=307)


@router.get("/favicon.ico")
async def favicon() -> RedirectResponse:
    """Browsers and tools that ask for /favicon.ico by habit get the app's icon, not a 404."""
    return RedirectResponse("/static/favicon.svg", status_code=308)


@router.get("/library", response_class=HTMLResponse)
async def library_page(request: Request, state: Annotated[WebState, Depends(web_state)]) -> HTMLResponse:
    notation = await state.call(lambda: state.service.settings().key_notation)
    return _render(request, state, "library.html", "library", sort_keys=list(LIST_SORT_KEYS), **panel_context(notation))


@router.get("/traktor", response_class=HTMLResponse)
async def traktor_page(request: Request, state: Annotated[WebState, Depends(web_state)]) -> HTMLResponse:
    return _render(
        request,
        state,
        "traktor.html",
        "traktor",
        debounce_min=DEBOUNCE_MIN_MS // 1000,
        debounce_max=DEBOUNCE_MAX_MS // 1000,
        backups_min=BACKUPS_MIN,
        backups_max=BACKUPS_MAX,
    )


@router.get("/operations", response_class=HTMLResponse)
async def operations_page(request: Request, state: Annotated[WebState, Depends(web_state)]) -> HTMLResponse:
    return _render(request, state, "operations.html", "operations")


@router.get("/missing", response_class=HTMLResponse)
async def missing_page(request: Request, state: Annotated[WebState, Depends(web_state)]) -> HTMLResponse:
    # Where a folder search may look, said before the DJ types one (a folder elsewhere is refused).
    roots = await asyncio.to_thread(search_roots, state)
    return _render(request, state, "missing.html", "missing", search_roots=[str(root) for root in roots])


@router.get("/duplicates", response_class=HTMLResponse)
async def duplicates_page(request: Request, state: Annotated[WebState, Depends(web_state)]) -> HTMLResponse:
    return _render(request, state, "duplicates.html", "duplicates")
