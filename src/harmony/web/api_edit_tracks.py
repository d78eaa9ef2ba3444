"""Editing tracks and their cue points: ``PATCH /api/library/tracks/{id}``, the bulk ``PATCH
/api/library/tracks``, ``POST|PATCH|DELETE`` on a track's cues; undo, redo, and what is pending export.

Every edit runs on a worker thread through :class:`~harmony.library.Library` (one transaction, one journal
version, one undo step), then goes out to every page as ``event: library_changed``; each answer carries its
undo step (``"step": {"id", "label"}``, null when nothing changed) so the page can offer "Undo". The request
shapes are in docs/editing.md.
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Annotated, Any, Literal, get_args

from fastapi import APIRouter, Body, Depends, Path
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict, Field, create_model

from harmony.library import CUE_TYPES, EDITABLE_TRACK_FIELDS, EditOutcome, FieldSpec, Library
from harmony.web import api_library
from harmony.web.api_library import MAX_INT
from harmony.web.schemas import CHANGE_ERRORS, COMMON_ERRORS, WHOLE_NUMBER, HoldableText, error_responses
from harmony.web.state import WebState, web_state

__all__ = ["TrackChanges", "router", "step_json"]

router = APIRouter(prefix="/api", tags=["editing"], responses=error_responses(*COMMON_ERRORS, *CHANGE_ERRORS))

Id = Annotated[int, Path(ge=1, le=MAX_INT)]
#: The largest whole number a JSON body may carry: past 2**53 a number no longer reads back exactly as a float
#: (``9223372036854775807`` arrives as ``9.223372036854776e18``, past SQLite's integers).
BODY_MAX_INT = 2**53 - 1
TrackId = Annotated[int, Field(ge=1, le=BODY_MAX_INT), WHOLE_NUMBER]
#: The most tracks one bulk edit takes (a whole 100,000-track library, within the 1 MiB body limit).
MAX_BULK = 100_000

#: The halves of the values Traktor stores twice that the API does not take: they follow the half a DJ edits
#: (rating, BPM, key), so the two can never disagree.
_TWIN_TEXTS = frozenset({"ranking", "bpm_text", "key_text"})


def _api_type(spec: FieldSpec) -> Any:
    if spec.kind == "text":
        return HoldableText | None
    if spec.kind == "bool":
        return bool | None
    if spec.kind == "date":
        return Annotated[date, Field(strict=False)] | None  # ISO text in JSON
    if spec.kind == "int":
        return Annotated[int, Field(ge=spec.minimum, le=spec.maximum), WHOLE_NUMBER] | None
    return Annotated[float, Field(ge=spec.minimum, le=spec.maximum)] | None


class _TrackChangesBase(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)

    def changes(self) -> dict[str, Any]:
        """The fields that were sent (null clears a field)."""
        return {name: getattr(self, name) for name in self.model_fields_set}


def _track_changes_model() -> type[_TrackChangesBase]:
    """The editable fields with their edit ranges, from the library's one table (harmony.library.fields)."""
    fields: dict[str, Any] = {
        name: (_api_type(spec), Field(default=None, description=spec.help or None))
        for name, spec in EDITABLE_TRACK_FIELDS.items()
        if name not in _TWIN_TEXTS
    }
    return create_model("TrackChanges", __base__=_TrackChangesBase, **fields)


if TYPE_CHECKING:
    TrackChanges = _TrackChangesBase
else:
    TrackChanges = _track_changes_model()


class BulkEdit(BaseModel):
    """The same values for every track of ``ids``: one transaction, one undo step."""

    model_config = ConfigDict(extra="forbid", strict=True)

    ids: list[TrackId] = Field(min_length=1, max_length=MAX_BULK)
    set: TrackChanges


class StepChoice(BaseModel):
    """Which step an Undo or Redo means: the one of the edit whose notification was clicked. Left out, the next
    in line (Ctrl+Z)."""

    model_config = ConfigDict(extra="forbid", strict=True)

    step: Annotated[int, Field(ge=1, le=MAX_INT), WHOLE_NUMBER] | None = None


CueTypeName = Literal["cue", "fade_in", "fade_out", "load", "grid", "loop"]
CueType = Annotated[int, Field(ge=0, le=5), WHOLE_NUMBER] | CueTypeName
Millis = Annotated[float, Field(ge=0, le=1e12)]
Slot = Annotated[int, Field(ge=-1, le=7), WHOLE_NUMBER]
CueColour = Annotated[str, Field(pattern=r"^#[0-9A-Fa-f]{6}$")]


class NewCue(BaseModel):
    """A cue to add: ``start`` and ``length`` in milliseconds; ``hotcue`` -1 for none, else slot 0-7.
    ``swap``: if the slot is held, that cue gives it up instead of the request being refused."""

    model_config = ConfigDict(extra="forbid", strict=True)

    type: CueType = Field(description=f"0-5 or one of {', '.join(CUE_TYPES)}")
    start: Millis
    length: Millis = 0.0
    hotcue: Slot = -1
    name: HoldableText | None = None
    color: CueColour | None = None
    swap: bool = False

    def fields(self) -> dict[str, Any]:
        return self.model_dump(exclude={"swap"})


class CueChanges(BaseModel):
    """Fields of a cue to change (only those sent); ``swap`` as for a new cue."""

    model_config = ConfigDict(extra="forbid", strict=True)

    type: CueType | None = None
    start: Millis | None = None
    length: Millis | None = None
    hotcue: Slot | None = None
    name: HoldableText | None = None
    color: CueColour | None = None
    swap: bool = False

    def changes(self) -> dict[str, Any]:
        sent = {name: getattr(self, name) for name in self.model_fields_set if name != "swap"}
        # Only name and colour can be emptied; a null for the others means "leave it".
        return {k: v for k, v in sent.items() if v is not None or k in ("name", "color")}


def step_json(outcome: EditOutcome[Any]) -> dict[str, Any] | None:
    """The undo step of an edit as the pages show it: ``{"id", "label"}``, or None when nothing changed."""
    return None if outcome.step is None else outcome.step.to_json()


async def _track_answer(state: WebState, track_id: int, outcome: EditOutcome[Any] | None) -> dict[str, Any]:
    """The track exactly as ``GET /api/library/tracks/{id}`` answers it (the same function builds both), with
    the edit's ``step`` and ``version``."""
    track = await api_library.get_track(state, track_id)
    if outcome is None:
        return {**track, "step": None}
    return {**track, "step": step_json(outcome), "version": outcome.version}


@router.patch("/library/tracks/{track_id}", summary="Set fields of one track", responses=error_responses(404, 409))
async def edit_track(
    state: Annotated[WebState, Depends(web_state)],
    track_id: Id,
    body: Annotated[TrackChanges, Body()],
) -> dict[str, Any]:
    """The fields to set (null clears one); answers the track as ``GET`` does, with ``step``."""
    changes = body.changes()
    if not changes:  # nothing to change: the track as it is
        return await _track_answer(state, track_id, None)
    outcome = await state.edit(lambda library: library.edit_tracks([track_id], changes))
    return await _track_answer(state, track_id, outcome)


@router.patch("/library/tracks", summary="Set the same fields on many tracks", responses=error_responses(404, 409))
async def edit_tracks(state: Annotated[WebState, Depends(web_state)], body: BulkEdit) -> dict[str, Any]:
    """``{"ids": [...], "set": {...}}``; answers ``{"updated": N, "step"}``."""
    changes = body.set.changes()
    if not changes:
        return {"updated": 0, "step": None}
    outcome = await state.edit(lambda library: library.edit_tracks(body.ids, changes))
    return {"updated": outcome.value, "step": step_json(outcome), "version": outcome.version}


def _cue_answer(library: Library, track_id: int, cue_id: int) -> dict[str, Any]:
    detail = library.get_track(track_id)
    for cue in detail.cues:
        if cue.id == cue_id:
            return cue_fields_json(cue.id, track_id, cue.values.as_dict())
    raise AssertionError("the cue just written is not there")  # pragma: no cover


def cue_fields_json(cue_id: int, track_id: int, values: dict[str, Any]) -> dict[str, Any]:
    """A cue named as ``harmony library show --json`` names it (``type`` 0-5, ``start``/``length`` in ms,
    ``hotcue`` -1 or 0-7), with its id, its track and its type's name."""
    type_name = next((name for name, code in CUE_TYPES.items() if code == values.get("type")), "other")
    return {"id": cue_id, "track_id": track_id, **values, "type_name": type_name}


@router.post(
    "/library/tracks/{track_id}/cues",
    summary="Add a cue point",
    status_code=201,
    responses=error_responses(404, 409),
)
async def add_cue(state: Annotated[WebState, Depends(web_state)], track_id: Id, body: NewCue) -> dict[str, Any]:
    """Answers the new cue with its ``id`` and ``step``; 409 ``hotcue_taken`` names the cue holding the slot."""
    outcome = await state.edit(lambda library: library.add_cue_point(track_id, body.fields(), swap=body.swap))
    cue = await state.read(lambda library: _cue_answer(library, track_id, outcome.value))
    return {**cue, "step": step_json(outcome), "version": outcome.version}


@router.patch(
    "/library/tracks/{track_id}/cues/{cue_id}", summary="Change a cue point", responses=error_responses(404, 409)
)
async def edit_cue(
    state: Annotated[WebState, Depends(web_state)], track_id: Id, cue_id: Id, body: CueChanges
) -> dict[str, Any]:
    """Rename, recolour, retype, move (``start``), resize (``length``), change slot (``hotcue``)."""
    changes = body.changes()
    if not changes:
        cue = await state.read(lambda library: _cue_answer_or_404(library, track_id, cue_id))
        return {**cue, "step": None}
    outcome = await state.edit(lambda library: library.edit_cue_point(track_id, cue_id, changes, swap=body.swap))
    cue = await state.read(lambda library: _cue_answer(library, track_id, cue_id))
    return {**cue, "step": step_json(outcome), "version": outcome.version}


def _cue_answer_or_404(library: Library, track_id: int, cue_id: int) -> dict[str, Any]:
    from harmony.library import NotFoundError

    for cue in library.get_track(track_id).cues:
        if cue.id == cue_id:
            return cue_fields_json(cue.id, track_id, cue.values.as_dict())
    raise NotFoundError(f"No cue point with id {cue_id} on track {track_id}.")


@router.delete(
    "/library/tracks/{track_id}/cues/{cue_id}", summary="Delete a cue point", responses=error_responses(404, 409)
)
async def delete_cue(state: Annotated[WebState, Depends(web_state)], track_id: Id, cue_id: Id) -> dict[str, Any]:
    """Answers ``{"deleted": cue_id, "step"}``."""
    outcome = await state.edit(lambda library: library.delete_cue_point(track_id, cue_id))
    return {"deleted": cue_id, "step": step_json(outcome), "version": outcome.version}


# --- undo, redo, pending ------------------------------------------------------------------------------------


def _history_answer(outcome: EditOutcome[Any], history: dict[str, Any], action: str) -> JSONResponse:
    # Sent as it is (json.dumps), not through FastAPI's encoder: undoing a bulk edit lists 10,000 track ids,
    # and the encoder's per-item Python work would hold the event loop for tens of milliseconds.
    step = outcome.step
    assert step is not None
    return JSONResponse(
        {
            action: step.to_json(),
            "step": step.to_json(),
            "version": outcome.version,
            "tracks": list(step.track_ids),
            "playlists": step.playlists,
            "history": history,
        }
    )


@router.post("/undo", summary="Undo the last edit", response_model=dict[str, Any], responses=error_responses(409))
async def undo(
    state: Annotated[WebState, Depends(web_state)], choice: Annotated[StepChoice | None, Body()] = None
) -> JSONResponse:
    """Answers ``{"undone": {"id", "label"}, "tracks", "playlists", "history"}``; 409 when nothing is left, or
    when ``{"step": id}`` names an edit that is not the newest (another came after it: it is not undone)."""
    step_id = choice.step if choice else None
    outcome = await state.edit(lambda library: library.undo(step_id))
    history = await state.read(lambda library: library.undo_history())
    return _history_answer(outcome, history, "undone")


@router.post(
    "/redo", summary="Redo the edit undone last", response_model=dict[str, Any], responses=error_responses(409)
)
async def redo(
    state: Annotated[WebState, Depends(web_state)], choice: Annotated[StepChoice | None, Body()] = None
) -> JSONResponse:
    """Answers ``{"redone": {"id", "label"}, "tracks", "playlists", "history"}``; 409 when nothing is left, or
    when ``{"step": id}`` names another step than the one undone last."""
    step_id = choice.step if choice else None
    outcome = await state.edit(lambda library: library.redo(step_id))
    history = await state.read(lambda library: library.undo_history())
    return _history_answer(outcome, history, "redone")


@router.get("/undo", summary="What undo and redo would do next")
async def undo_history(state: Annotated[WebState, Depends(web_state)]) -> dict[str, Any]:
    """``{"undo": {"id", "label"} | null, "redo": … | null, "steps": N}``."""
    return await state.read(lambda library: library.undo_history())


@router.get("/library/pending", summary="Tracks and playlists with edits no export has written yet")
async def pending(state: Annotated[WebState, Depends(web_state)]) -> dict[str, Any]:
    """``{"since_version", "tracks": [ids], "playlists": [ids], "folders": [ids], "deleted_playlists",
    "deleted_folders", "track_count", "playlist_count"}``."""
    data = await state.read(lambda library: library.pending())
    tracks, playlists = data["tracks"], data["playlists"]
    assert isinstance(tracks, list) and isinstance(playlists, list)
    return {**data, "track_count": len(tracks), "playlist_count": len(playlists)}


# The names the schema offers are the library's cue type names; a mismatch is a programming error.
assert set(get_args(CueTypeName)) == set(CUE_TYPES), "CueTypeName and CUE_TYPES disagree"
