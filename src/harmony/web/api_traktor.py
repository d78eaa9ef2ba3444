"""The Traktor JSON API: settings, the collection's badges, and starting a preview, an import or an export.

Starting work answers 202 with the ``operation_id`` at once; the progress and the outcome arrive on the event
stream (``GET /api/events``) and from ``GET /api/operations/{id}``.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, Body, Depends, Query
from fastapi.responses import JSONResponse

from harmony.errors import HarmonyError
from harmony.library import settings_to_dict
from harmony.service import Operation, default_nml_path, native_instruments_folder
from harmony.web.schemas import ConfigUpdate, ExportBody, NmlPathText, OperationBody
from harmony.web.state import WebState, web_state

__all__ = ["router"]

log = logging.getLogger(__name__)

router = APIRouter(prefix="/api/traktor", tags=["traktor"])


def accepted(op: Operation) -> JSONResponse:
    """The 202 answer to starting work."""
    return JSONResponse(
        {"operation_id": op.id, "operation": op.operation, "status": op.status, "nml_path": op.nml_path},
        status_code=202,
        headers={"Location": f"/api/operations/{op.id}"},
    )


@router.get("/config", summary="The Traktor settings")
async def get_config(state: Annotated[WebState, Depends(web_state)]) -> dict[str, Any]:
    settings = await state.call(state.service.settings)
    return settings_to_dict(settings)


@router.put("/config", summary="Change some Traktor settings")
async def put_config(state: Annotated[WebState, Depends(web_state)], body: ConfigUpdate) -> dict[str, Any]:
    """Only the keys sent change; the result is validated as a whole and saved. Answers with all settings."""
    changes = body.changes()

    def save() -> dict[str, Any]:
        settings = state.service.settings().updated(**changes)
        state.service.save_settings(settings)
        return settings_to_dict(settings)

    saved = await state.call(save)
    await state.settings_changed()
    return saved


def _suggestions() -> dict[str, str | None]:
    folder = native_instruments_folder()
    try:
        found: str | None = str(default_nml_path(None))
    except HarmonyError:
        found = None
    return {"default_nml_path": found, "suggested_folder": str(folder)}


@router.get("/info", summary="The collection's badges and the sync status")
async def info(
    state: Annotated[WebState, Depends(web_state)],
    nml_path: Annotated[NmlPathText | None, Query()] = None,
) -> dict[str, Any]:
    """The collection the next operation would use (``nml_path`` or the settings or the newest Traktor's), its
    counts (``collection``: tracks, playlists, folders, cue points, NML version) or why they are missing
    (``error``), the default location, the library's last import/export times and the auto-sync status."""
    out: dict[str, Any] = {"nml_path": None, "exists": False, "collection": None, "error": None}

    def locate() -> tuple[str | None, Path | None, bool, dict[str, str | None], dict[str, Any]]:
        settings = state.service.settings()
        try:
            path: Path | None = state.service.nml_path(nml_path)
        except HarmonyError as error:
            out["error"] = str(error)
            path = None
        status = state.library.status() if state.library is not None else None
        library = {
            "last_import_at": status.last_import_at.isoformat() if status and status.last_import_at else None,
            "last_export_at": status.last_export_at.isoformat() if status and status.last_export_at else None,
            "pending_export": bool(status and status.pending_export),
        }
        return settings.nml_path, path, bool(path and path.is_file()), _suggestions(), library

    configured, path, exists, suggestions, library = await state.call(locate)
    out.update(configured_nml_path=configured, exists=exists, library=library, **suggestions)
    if path is not None:
        out["nml_path"] = str(path)
        if exists:
            try:
                out["collection"] = await state.service.collection_summary(path)
            except (HarmonyError, OSError) as error:
                out["error"] = f"Failed to parse collection.nml: {error}"
        elif out["error"] is None:
            out["error"] = f"{path} does not exist."
    out["auto_sync"] = state.auto_sync_status()
    return out


@router.post("/preview", status_code=202, summary="Plan an import without applying it")
async def preview(
    state: Annotated[WebState, Depends(web_state)], body: Annotated[OperationBody | None, Body()] = None
) -> JSONResponse:
    """Starts planning; the finished operation's ``result`` has the summary and ``GET /api/operations/{id}`` its
    ``diff``."""
    request = (body or OperationBody()).import_request()
    return accepted(state.service.start_preview(request))


@router.post("/sync", status_code=202, summary="Import the collection into the library")
async def sync(
    state: Annotated[WebState, Depends(web_state)], body: Annotated[OperationBody | None, Body()] = None
) -> JSONResponse:
    """Starts an import; answers 409 when the same collection is already being imported."""
    request = (body or OperationBody()).import_request()
    return accepted(state.service.start_import(request))


@router.post("/export", status_code=202, summary="Export the library into the collection")
async def export(
    state: Annotated[WebState, Depends(web_state)], body: Annotated[ExportBody | None, Body()] = None
) -> JSONResponse:
    """Starts an export (backup first, safe write; an import first when Traktor saved the file meanwhile); the
    finished operation's ``result`` has ``backup_path`` and the counts. 409 when that collection is already being
    exported."""
    return accepted(state.service.start_export((body or ExportBody()).export_request()))
