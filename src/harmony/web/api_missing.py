"""Missing files and duplicates in the JSON API: the count (for the library's "Missing (N)" filter), path-mapping
suggestions, relocate (an operation with progress and Cancel, then the DJ's choice applied) and duplicates with
their merge. Thin: each endpoint calls one service function."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, Body, Depends, Query
from fastapi import Path as PathParam
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict, Field

from harmony.library import Library, NotFoundError, StoredTrack
from harmony.service import (
    ImportRequest,
    OperationRunningError,
    RelocateOutcome,
    apply_mapping,
    apply_relocations,
    check_every_file,
    default_roots,
    find_library_duplicates,
    merge_duplicates,
    start_relocate,
    suggest_mappings,
)
from harmony.web.api_edit_tracks import MAX_BULK
from harmony.web.api_library import MAX_PAGE, track_json
from harmony.web.api_traktor import accepted
from harmony.web.schemas import (
    CHANGE_ERRORS,
    COMMON_ERRORS,
    WHOLE_NUMBER,
    MappingFolder,
    MappingPrefix,
    error_responses,
)
from harmony.web.state import WebState, web_state
from harmony.words import listed

__all__ = ["router"]

router = APIRouter(prefix="/api/library", tags=["missing files"], responses=error_responses(*COMMON_ERRORS))

_TEXT = Annotated[str, Field(min_length=1, max_length=4096)]


#: A track id in a JSON body: at most 2**53, the largest whole number a JSON number (a double) holds exactly.
_ID = Annotated[int, Field(ge=1, le=2**53), WHOLE_NUMBER]


def search_roots(state: WebState) -> list[Path]:
    """Where the web app may look for files: its home folder (that of its folder browser) and the mounted
    volumes. A page may not make the app list files elsewhere."""
    home = Path.home()
    return [state.browse_root, *(root for root in default_roots() if root != home)]


def _checked_roots(state: WebState, texts: list[str]) -> list[Path]:
    """The folders ``texts`` names, each resolved, or a 404 naming every one that cannot be searched (and why):
    a DJ who typed three folders learns of all the wrong ones at once, and nothing is searched until all are
    right."""
    searched = search_roots(state)
    allowed = [root.resolve() for root in searched]
    roots: list[Path] = []
    refused: list[str] = []
    outside: list[str] = []
    for text in texts:
        try:
            path = Path(text).expanduser()
        except RuntimeError:  # "~someone" for a user this computer does not have (found by the schema fuzz: a 500)
            refused.append(repr(text))
            continue
        if not path.is_absolute() or not path.is_dir():
            refused.append(repr(text))
            continue
        resolved = path.resolve()
        if any(resolved.is_relative_to(root) for root in allowed):
            roots.append(resolved)
        else:
            outside.append(repr(text))
    reasons = []
    if refused:
        reasons.append(f"Cannot search {listed(refused)}: {_not_a_folder(len(refused))} on this computer.")
    if outside:
        where = ", ".join(str(root) for root in searched)
        reasons.append(f"Cannot search {listed(outside)}: Harmony looks under {where} only.")
    if reasons:
        raise NotFoundError(" ".join(reasons))
    return roots


def _not_a_folder(count: int) -> str:
    return "it is not a folder" if count == 1 else "they are not folders"


class MappingBody(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)
    nml_prefix: Annotated[MappingPrefix, Field(max_length=4096)]
    local_prefix: Annotated[MappingFolder, Field(max_length=4096)]


class RootsBody(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)
    roots: list[_TEXT] = Field(min_length=1, max_length=50)


class Move(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)
    track_id: _ID
    path: _TEXT


class MovesBody(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)
    moves: list[Move] = Field(min_length=1, max_length=200_000)


class MergeBody(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)
    keep: _ID
    # A whole group, however big (a generated collection's placeholders made one of 12,034 copies).
    others: list[_ID] = Field(min_length=1, max_length=MAX_BULK)


@router.get("/missing", summary="How many tracks have their file missing, and the first of them")
async def missing_tracks(
    state: Annotated[WebState, Depends(web_state)],
    limit: Annotated[int, Query(ge=0, le=MAX_PAGE)] = 100,
) -> dict[str, Any]:
    """``{"count", "tracks": [...]}``: the number of tracks marked missing and the first ``limit`` of them."""

    def read(library: Library) -> tuple[int, list[StoredTrack]]:
        return library.missing_count(), library.missing_tracks(limit)

    count, tracks = await state.read(read)
    return {"count": count, "tracks": [track_json(track) for track in tracks]}


@router.post("/missing/check", summary="Look for every track's file now", responses=error_responses(*CHANGE_ERRORS))
async def check_missing(state: Annotated[WebState, Depends(web_state)]) -> dict[str, Any]:
    """``{"marked", "found", "count"}``: the tracks newly marked missing, those whose file is back, and how many
    are missing now. An import looks for a share of a big library's files at a time; this looks for all of
    them (a folder moved away shows at once). The marks are not edits: the library's version stays."""

    def check(library: Library) -> tuple[int, int, int]:
        marked, found = check_every_file(library)
        return marked, found, library.missing_count()

    marked, found, count = await state.read(check)
    return {"marked": marked, "found": found, "count": count}


@router.get(
    "/missing/suggestions", summary="Path mappings that would find the missing files", responses=error_responses(404)
)
async def suggestions(
    state: Annotated[WebState, Depends(web_state)],
    root: Annotated[list[str] | None, Query(max_length=4096, description="Folders to look under")] = None,
) -> dict[str, Any]:
    """``{"missing", "roots", "scanned_files", "suggestions": [{"nml_prefix", "local_prefix", "finds",
    "missing", "text"}]}``, best first; the roots default to the app's home folder (that of its folder
    browser) and the mounted volumes."""
    # The folders are looked at on a thread: a stat of a sleeping network drive must not hold the event loop.
    roots = await state.call(lambda: _checked_roots(state, root) if root else search_roots(state))
    result = await state.read(lambda library: suggest_mappings(library, roots))
    return result.to_json()


@router.post(
    "/missing/mappings",
    status_code=202,
    summary="Save a path mapping and import again",
    responses=error_responses(*CHANGE_ERRORS, 404, 409),
)
async def save_mapping(state: Annotated[WebState, Depends(web_state)], body: MappingBody) -> JSONResponse:
    """Saves ``nml_prefix → local_prefix`` in the path mappings and starts an import (the re-check): its
    operation answers, as for ``POST /api/traktor/sync``. When that import cannot start (one is already running,
    409), the mapping is not saved either; only an import started elsewhere while the mapping is being saved
    leaves it saved, and the 409 then says so."""
    await state.service.check_import_can_start(ImportRequest())
    await state.read(lambda library: apply_mapping(library, body.nml_prefix, body.local_prefix))
    try:
        return accepted(await state.service.begin_import(ImportRequest()))
    except OperationRunningError as error:
        # Another import started while the mapping was being saved: the mapping stays, and the answer says so.
        raise OperationRunningError(f"The mapping is saved, but the import could not start: {error}") from None


@router.post(
    "/relocate",
    status_code=202,
    summary="Search folders for the missing files",
    responses=error_responses(*CHANGE_ERRORS, 404),
)
async def relocate(state: Annotated[WebState, Depends(web_state)], body: RootsBody) -> JSONResponse:
    """Starts the scan (an operation ``relocate``, with progress and Cancel); its result has the counts and
    ``GET /api/library/relocate/{operation_id}`` the matches."""
    roots = await state.call(lambda: _checked_roots(state, body.roots))
    return accepted(start_relocate(state.service, roots))


@router.get(
    "/relocate/{operation_id}", summary="The matches a finished relocate scan found", responses=error_responses(404)
)
async def relocate_matches(
    state: Annotated[WebState, Depends(web_state)],
    operation_id: Annotated[str, PathParam(max_length=100)],
) -> dict[str, Any]:
    """``{..counts.., "matches": [{"track_id", "old_path", "new_path", "confidence", "candidates"}]}``."""
    op = state.service.get(operation_id)
    if op is None or not isinstance(op.result, RelocateOutcome):
        raise NotFoundError(f"There is no finished relocate scan {operation_id!r}.")
    return {**op.result.to_json(), "matches": op.result.matches_json()}


@router.post(
    "/relocate/apply",
    summary="Point tracks at the files found for them",
    responses=error_responses(*CHANGE_ERRORS, 404, 409),
)
async def relocate_apply(state: Annotated[WebState, Depends(web_state)], body: MovesBody) -> dict[str, Any]:
    """Each track keeps its id, fields, cues and playlists; the next export moves its entry. One edit and one
    undo step (``step``: ``{"id", "label"}``; ``POST /api/undo`` points the tracks at their old files again)."""
    moves = [(move.track_id, move.path) for move in body.moves]
    outcome = await state.edit(lambda library: apply_relocations(library, moves))
    return {
        "relocated": outcome.value,
        "step": None if outcome.step is None else outcome.step.to_json(),
        "version": outcome.version,
    }


@router.get("/duplicates", summary="Groups of tracks that are the same recording")
async def duplicates(state: Annotated[WebState, Depends(web_state)]) -> dict[str, Any]:
    """``{"groups": [{"kind": "exact"|"likely", "keep", "tracks": [...]}], "keep_rule", "version"}``: ``version``
    is the library's version when the search began (an edit after it may not be in the groups: the page then
    offers to look again)."""

    def search(library: Library) -> dict[str, Any]:
        version = library.version  # read first: an edit made during the search is never taken as seen
        return {**find_library_duplicates(library).to_json(), "version": version}

    return await state.read(search)


@router.post("/merge", summary="Merge duplicate tracks into one", responses=error_responses(*CHANGE_ERRORS, 404, 409))
async def merge(state: Annotated[WebState, Depends(web_state)], body: Annotated[MergeBody, Body()]) -> dict[str, Any]:
    """Keeps ``keep``: union of cues, playlist entries moved in place, plays summed, highest rating, empty
    fields filled; the others leave the library (and, at the next export, the collection). One edit and one
    undo step (``step``: ``{"id", "label"}``; ``POST /api/undo`` brings the others back)."""
    others = [other for other in dict.fromkeys(body.others) if other != body.keep]
    if not others:  # nothing but the kept track named: nothing to merge
        return {
            "kept": body.keep,
            "removed": [],
            "cues_added": 0,
            "entries_moved": 0,
            "fields_filled": [],
            "step": None,
        }
    outcome = await state.edit(lambda library: merge_duplicates(library, body.keep, others))
    result = outcome.value
    return {
        "kept": result.kept,
        "removed": list(result.removed),
        "cues_added": result.cues_added,
        "entries_moved": result.entries_moved,
        "fields_filled": list(result.fields_filled),
        "step": None if outcome.step is None else outcome.step.to_json(),
        "version": outcome.version,
    }
