"""The operations' JSON API: the history, one operation (with a preview's diff), cancel, the pool statistics, and
the server-sent event stream."""

from __future__ import annotations

import dataclasses
import functools
from collections.abc import Callable
from typing import Annotated, Any

from fastapi import APIRouter, Depends, HTTPException, Path, Request
from fastapi.responses import StreamingResponse

from harmony.service import ExportOutcome, ImportOutcome, Operation
from harmony.web.schemas import CHANGE_ERRORS, COMMON_ERRORS, error_responses
from harmony.web.state import WebState, web_state

__all__ = ["router"]

router = APIRouter(prefix="/api", tags=["operations"], responses=error_responses(*COMMON_ERRORS))

#: A preview of a first import of 100,000 tracks has a line per track; the page shows the start of it.
MAX_DIFF_LINES = 2000
OperationId = Annotated[str, Path(min_length=1, max_length=100)]


def _require(state: WebState, operation_id: str) -> Operation:
    op = state.service.get(operation_id)
    if op is None:
        raise HTTPException(404, f"There is no operation {operation_id!r}.")
    return op


@router.get("/operations", summary="Running, queued and recent operations")
async def operations(state: Annotated[WebState, Depends(web_state)]) -> dict[str, Any]:
    """``{"operations": [...]}``, newest first; ``running`` and ``queued`` hold the ids of unfinished ones."""
    history = state.service.history()
    return {
        "operations": [op.to_json() for op in history],
        "running": [op.id for op in history if op.status == "running"],
        "queued": [op.id for op in history if op.status == "queued"],
    }


@router.get(
    "/operations/{operation_id}",
    summary="One operation; a finished preview (of an import or an export) includes its diff",
    responses=error_responses(404),
)
async def operation(state: Annotated[WebState, Depends(web_state)], operation_id: OperationId) -> dict[str, Any]:
    op = _require(state, operation_id)
    out = op.to_json()
    result = op.result
    # An import's preview, or an export's dry run: what the operation would change, entry by entry.
    lines: Callable[[], list[str]] | None = None
    if op.status == "succeeded" and isinstance(result, ImportOutcome):
        # A preview's summary line says what would happen ("Would import …"), as the page's list above it does.
        lines = functools.partial(result.report.lines, would=not result.applied)
    elif op.status == "succeeded" and isinstance(result, ExportOutcome) and result.dry_run:
        report = result.report
        lines = functools.partial(report.lines, would=True)
    if lines is not None:
        out["diff"], out["diff_lines"] = await state.call(functools.partial(_first_lines, lines))
    return out


def _first_lines(make: Callable[[], list[str]]) -> tuple[list[str], int]:
    """The diff's lines the page is sent, and how many there are. On a worker thread: the whole list (a line
    per track of a 100,000-track import) is made and freed there, never on the event loop."""
    lines = make()
    return lines[:MAX_DIFF_LINES], len(lines)


@router.post(
    "/operations/{operation_id}/cancel",
    summary="Cancel a queued or running operation",
    responses=error_responses(*CHANGE_ERRORS, 404),
)
async def cancel(state: Annotated[WebState, Depends(web_state)], operation_id: OperationId) -> dict[str, Any]:
    """``cancelled`` is false when the operation had already finished; its final state comes on the stream."""
    _require(state, operation_id)
    return {"operation_id": operation_id, "cancelled": state.service.cancel(operation_id)}


@router.get("/stats", summary="Worker pool statistics and the library's counts")
async def stats(state: Annotated[WebState, Depends(web_state)]) -> dict[str, Any]:
    """``pools`` (per pool: workers, queued tasks, counters, run and wait time percentiles), ``library`` counts,
    how many ``operations`` run and wait, and how many pages listen to the ``event_streams``."""
    pools = {name: dataclasses.asdict(snapshot) for name, snapshot in state.service.manager.stats().items()}
    library = await state.read(lambda lib: lib.stats())
    active = [op for op in state.service.history() if not op.finished]
    return {
        "pools": pools,
        "library": {
            "tracks": library.tracks,
            "cues": library.cues,
            "playlists": library.playlists,
            "folders": library.folders,
            "version": library.version,
            "pending_export": library.pending_export,
        },
        "operations": {
            "running": sum(op.status == "running" for op in active),
            "queued": sum(op.status == "queued" for op in active),
        },
        "event_streams": state.hub.clients,
    }


@router.get(
    "/events",
    summary="Server-sent events: every operation's progress",
    response_class=StreamingResponse,
    responses={200: {"content": {"text/event-stream": {}}}},
)
async def events(request: Request, state: Annotated[WebState, Depends(web_state)]) -> StreamingResponse:
    """Each ``data:`` line is JSON: ``operation_id``, ``operation``, ``status``, ``phase``, ``percent``,
    ``message``, and ``result`` or ``error`` at the end. Auto-sync status changes come as ``event: auto_sync``.
    A new stream starts with the current state of every unfinished operation. Over the cap of open streams
    (per client address and in all) the answer is 429."""
    address = request.client.host if request.client is not None else ""
    return StreamingResponse(
        state.hub.open_stream(address),
        media_type="text/event-stream",
        headers={"Cache-Control": "no-store", "X-Accel-Buffering": "no"},
    )
