"""The Traktor JSON API: settings, the collection's badges, and starting a preview, an import or an export.

Starting work answers 202 with the ``operation_id`` at once; the progress and the outcome arrive on the event
stream (``GET /api/events``) and from ``GET /api/operations/{id}``.
"""

from __future__ import annotations

import logging
import os
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, Body, Depends, Query, Request
from fastapi.responses import JSONResponse

from harmony.errors import HarmonyError
from harmony.library import OperationRecord, settings_to_dict
from harmony.nml import CollectionPathError, check_collection_path
from harmony.service import (
    Operation,
    TooManyParsesError,
    default_nml_path,
    last_export,
    last_sync,
    native_instruments_folder,
)
from harmony.web.schemas import (
    CHANGE_ERRORS,
    COMMON_ERRORS,
    ConfigUpdate,
    ExportBody,
    NmlPathText,
    OperationBody,
    SyncBody,
    error_responses,
)
from harmony.web.state import WebState, web_state

__all__ = ["router"]

log = logging.getLogger(__name__)

router = APIRouter(prefix="/api/traktor", tags=["traktor"], responses=error_responses(*COMMON_ERRORS))
# A collection path that cannot be used answers 403 (no permission), 404 (nothing there) or 409 (not a file).
_PATH_ERRORS = (403, 404, 409)


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


@router.put("/config", summary="Change some Traktor settings", responses=error_responses(*CHANGE_ERRORS, *_PATH_ERRORS))
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


def _readable(path: Path | None, out: dict[str, Any]) -> bool:
    """Whether ``path`` is a file the badges can be counted from; if not, why goes to ``out["error"]``."""
    if path is None:
        return False
    try:
        check_collection_path(path)
    except CollectionPathError as error:
        if out["error"] is None and os.path.lexists(path):
            out["error"] = str(error)
        return False
    return True


#: The Traktor page's words when no collection is chosen and none was found where Traktor keeps it.
NO_COLLECTION = (
    "No Traktor collection was found in Traktor's usual folder. Type the path of your collection.nml above and "
    "click Save, or click Browse… to pick it."
)


def no_collection(configured: str | None, error: CollectionPathError) -> str:
    """What a page says when no collection can be used: with none chosen, Harmony looked in Traktor's usual
    folder, and the page says what to do there (the error's words name a command of the command line); with one
    chosen, the error names it."""
    return NO_COLLECTION if configured is None else str(error)


def _sync_line(record: OperationRecord) -> dict[str, Any]:
    """The journal's record of an import, as the page's operation events carry it (``result`` its counts)."""
    return {
        "status": record.status,
        "finished_at": record.finished_at.isoformat(),
        "result": {**record.counts, "summary": record.summary},
        "error": record.error,
    }


@router.get("/info", summary="The collection's badges and the sync status", responses=error_responses(*_PATH_ERRORS))
async def info(
    request: Request,
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
        except CollectionPathError as error:
            if nml_path is not None:
                raise  # a path the DJ asked for that can never be a collection: a 4xx, like every endpoint
            # None chosen and none found: say what to click on this page, not which command to run.
            out["error"] = no_collection(settings.nml_path, error)
            path = None
        except HarmonyError as error:
            out["error"] = str(error)
            path = None
        status = state.library.status() if state.library is not None else None
        # "Last export" is the last export that ran: an import also marks the library as matching Traktor (the
        # journal's export mark), but nothing was exported then, and the page must not say so.
        journal = [] if state.library is None else state.library.recent_operations(200)
        last = last_export(journal)
        synced = last_sync(journal)
        library = {
            "last_import_at": status.last_import_at.isoformat() if status and status.last_import_at else None,
            "last_export_at": last.finished_at.isoformat() if last is not None else None,
            "exported": last is not None,
            # What an export would write (the version moves with an undo too), as the status says it.
            "pending_export": bool(
                status and status.pending_export and state.library and state.library.waiting_for_export()
            ),
            # What the last sync from Traktor did, for the page's "Synced at …" line after a reload.
            "last_sync": None if synced is None else _sync_line(synced),
        }
        return settings.nml_path, path, _readable(path, out), _suggestions(), library

    configured, path, exists, suggestions, library = await state.call(locate)
    out.update(configured_nml_path=configured, exists=exists, library=library, **suggestions)
    if path is not None:
        out["nml_path"] = str(path)
        if exists:
            try:
                client = request.client.host if request.client is not None else ""
                out["collection"] = await state.service.collection_summary(path, client)
            except TooManyParsesError:
                raise
            except (HarmonyError, OSError) as error:
                out["error"] = f"Failed to parse collection.nml: {error}"
        elif out["error"] is None:
            out["error"] = f"{path} does not exist."
    out["auto_sync"] = state.auto_sync_status()
    return out


@router.post(
    "/preview",
    status_code=202,
    summary="Plan an import without applying it",
    responses=error_responses(*CHANGE_ERRORS, *_PATH_ERRORS),
)
async def preview(
    state: Annotated[WebState, Depends(web_state)], body: Annotated[OperationBody | None, Body()] = None
) -> JSONResponse:
    """Starts planning; the finished operation's ``result`` has the summary and ``GET /api/operations/{id}`` its
    ``diff``."""
    request = (body or OperationBody()).import_request()
    return accepted(await state.service.begin_import(request, preview=True))


@router.post(
    "/sync",
    status_code=202,
    summary="Import the collection into the library",
    responses=error_responses(*CHANGE_ERRORS, *_PATH_ERRORS),
)
async def sync(
    state: Annotated[WebState, Depends(web_state)], body: Annotated[SyncBody | None, Body()] = None
) -> JSONResponse:
    """Starts an import; answers 409 when the same collection is already being imported. An import that would
    remove more than 20 % of the library's tracks or playlists fails (``error_code`` ``mass_removal``, the
    message says what it would remove) unless ``allow_mass_removal`` is true."""
    request = (body or SyncBody()).import_request()
    return accepted(await state.service.begin_import(request))


@router.post(
    "/export",
    status_code=202,
    summary="Export the library into the collection",
    responses=error_responses(*CHANGE_ERRORS, *_PATH_ERRORS),
)
async def export(
    state: Annotated[WebState, Depends(web_state)], body: Annotated[ExportBody | None, Body()] = None
) -> JSONResponse:
    """Starts an export (backup first, safe write; an import first when Traktor saved the file meanwhile); the
    finished operation's ``result`` has ``backup_path`` and the counts. 409 when that collection is already being
    exported."""
    return accepted(await state.service.begin_export((body or ExportBody()).export_request()))
