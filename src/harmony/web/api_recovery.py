"""The collection's health and recovery, and the sync status: what the Traktor page's banners and its Backups
section use, and the Operations view's journal.

Reading a collection (a health check, the counts of each copy, a comparison) runs on the sync pool; a restore on
the export pool; a rebuild is an operation like an export (202, then progress on the event stream). The web app
restores only copies from the collection's own ``Backup`` folder, never an arbitrary file.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Body, Depends, Query
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict

from harmony.errors import HarmonyError
from harmony.nml import CollectionPathError
from harmony.service import REBUILD_LOSES, AutoSyncService, CollectionHealth, running_traktor, status_json
from harmony.web.api_traktor import accepted, no_collection
from harmony.web.schemas import CHANGE_ERRORS, COMMON_ERRORS, NmlPathText, error_responses
from harmony.web.state import WebState, web_state

__all__ = ["router"]

router = APIRouter(prefix="/api", tags=["recovery"], responses=error_responses(*COMMON_ERRORS))

#: What a change adds: the token check (403), nothing at that path (404), Traktor running or work in the way (409).
_CHANGE = error_responses(*CHANGE_ERRORS, 404, 409)
#: What reading the collection adds: no collection, or a path the system refuses.
_READ = error_responses(403, 404, 409)


class BackupBody(BaseModel):
    """One listed copy of the collection (its ``path`` from ``GET /api/traktor/backups``)."""

    model_config = ConfigDict(extra="forbid", strict=True)  # JSON as the schema says

    path: NmlPathText
    force: bool = False


class RebuildBody(BaseModel):
    """Rebuild writes over the collection (backed up first); ``force`` writes even while Traktor runs."""

    model_config = ConfigDict(extra="forbid", strict=True)  # JSON as the schema says

    force: bool = False


async def _health(state: WebState) -> CollectionHealth:
    try:
        return await state.service.recovery.check()
    except HarmonyError as error:
        return CollectionHealth("missing", str(error))


def _auto_sync_on(state: WebState) -> AutoSyncService | None:
    """Auto-sync when it is switched on, else None: with it off, a restore or an acceptance imports nothing by
    itself (an older copy put back would otherwise take the tracks added since out of the library unasked)."""
    auto_sync = state.auto_sync
    return auto_sync if auto_sync is not None and auto_sync.status.enabled else None


@router.get("/traktor/check", summary="The collection's health", responses=_READ)
async def check(state: Annotated[WebState, Depends(web_state)]) -> dict[str, Any]:
    """``status`` (``ok``, ``damaged``, ``missing``), ``reason``, ``tracks``, ``playlists``,
    ``last_known_tracks``, ``last_known_playlists``."""
    return (await _health(state)).to_json()


@router.post("/traktor/check/accept", summary="Accept the collection as it is", responses=_CHANGE)
async def accept(state: Annotated[WebState, Depends(web_state)]) -> dict[str, Any]:
    """The DJ removed those tracks on purpose: a collection that loads has its counts trusted from now on."""
    health = await state.call(state.service.recovery.accept)
    auto_sync = _auto_sync_on(state)
    if auto_sync is not None and health.ok:
        auto_sync.trigger("collection accepted")
    return health.to_json()


@router.get("/traktor/status", summary="Where the sync stands", responses=_READ)
async def status(state: Annotated[WebState, Depends(web_state)]) -> dict[str, Any]:
    """``status`` (``idle``, ``running``, ``syncing``, ``waiting_for_traktor``, ``damaged``, ``missing``,
    ``error``) and its ``message``, the running operation, auto-sync's state, the tracks waiting to be exported,
    whether Traktor runs, and the collection's health."""
    health = await _health(state)
    active = state.service.log.active()
    auto = state.auto_sync.status if state.auto_sync is not None else None

    def gather() -> dict[str, Any]:
        try:
            path: str | None = str(state.service.nml_path())
        except HarmonyError:
            path = None
        if state.library is None:
            raise HarmonyError("The library is not open yet.")
        return status_json(state.library, path, health, running_traktor(), active[0] if active else None, auto)

    return await state.call(gather)


@router.get("/traktor/backups", summary="Every copy of the collection that can be restored", responses=_READ)
async def backups(state: Annotated[WebState, Depends(web_state)]) -> dict[str, Any]:
    """``backups``: newest first, each with ``path``, ``source`` (``harmony`` or ``traktor``), ``created_at``,
    ``size``, ``tracks``, ``playlists``, ``differs`` (against the current file) and ``error``; ``rebuild_note``
    says what a rebuild from the library leaves out; ``no_collection``, when no collection is chosen and none is
    where Traktor keeps it, what to do (``backups`` is then empty)."""
    try:
        found = await state.service.recovery.list_copies()
    except CollectionPathError as error:
        configured = await state.call(lambda: state.service.settings().nml_path)
        if configured is not None:
            raise
        # No collection chosen yet and none where Traktor keeps it: no backups, and what to do, in the page's
        # words (the command line's "harmony traktor config set" meant nothing there).
        return {"backups": [], "rebuild_note": REBUILD_LOSES, "no_collection": no_collection(configured, error)}
    return {"backups": [copy.to_json() for copy in found], "rebuild_note": REBUILD_LOSES}


@router.post("/traktor/backups/compare", summary="How one copy differs from the current file", responses=_CHANGE)
async def compare(state: Annotated[WebState, Depends(web_state)], body: BackupBody) -> dict[str, Any]:
    """The counts of both, and the tracks only in the copy or only in the current file (the first 50 of each)."""
    return await state.service.recovery.compare(body.path)


@router.post("/traktor/restore", summary="Put a listed copy back in place of the collection", responses=_CHANGE)
async def restore(state: Annotated[WebState, Depends(web_state)], body: BackupBody) -> dict[str, Any]:
    """Through the safe write: the current file (damaged or not) is backed up first; refused while Traktor runs
    unless ``force``. Auto-sync then runs when it is switched on, as after Traktor saving the file (``auto_sync``:
    whether that run imports the restored file). The restore is kept in the operations journal."""
    result = await state.service.recovery.restore_in_pool(body.path, force=body.force)
    auto_sync = _auto_sync_on(state)
    if auto_sync is not None:
        auto_sync.trigger("collection restored")
    # Whether the restored values are on their way into the library now, or wait for a sync by hand: auto-sync
    # that only exports brings nothing in.
    imports = auto_sync is not None and await auto_sync.current_direction() in ("import", "bidirectional")
    return {**result, "auto_sync": imports}


@router.post("/traktor/rebuild", status_code=202, summary="Rebuild the collection from the library", responses=_CHANGE)
async def rebuild(
    state: Annotated[WebState, Depends(web_state)], body: Annotated[RebuildBody | None, Body()] = None
) -> JSONResponse:
    """Writes a complete collection.nml from the library over the current one (backed up first); the outcome
    arrives on the event stream as operation ``rebuild``."""
    force = body.force if body is not None else False
    return accepted(await state.service.recovery.begin_rebuild(replace=True, force=force))


@router.get("/history", summary="The operations journal", responses=error_responses(409, 503))
async def history(
    state: Annotated[WebState, Depends(web_state)],
    operation: Annotated[str | None, Query(max_length=40)] = None,
    status: Annotated[str | None, Query(max_length=40)] = None,
    trigger: Annotated[str | None, Query(max_length=40)] = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
) -> dict[str, Any]:
    """The finished operations, newest first (also those of other processes): time, kind, trigger, outcome,
    counts, seconds per phase, error; filtered by ``operation``, ``status`` and ``trigger`` when given."""

    def read() -> list[dict[str, Any]]:
        records = state.service.recent_operations(500)
        out = []
        for record in records:
            data = record.to_json()
            data.pop("pools", None)
            if operation and data["operation"] != operation:
                continue
            if status and data["status"] != status:
                continue
            if trigger and not str(data.get("trigger") or "").startswith(trigger):
                continue
            out.append(data)
        return out[:limit]

    return {"operations": await state.call(read)}
