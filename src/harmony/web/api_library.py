"""The library's JSON API: the track list (search, sort, pages), one track with its cue points, the playlist tree.

Every query runs on a worker thread (:meth:`WebState.read`) and uses the library's indexed queries, so a page of
a 100,000-track library answers in milliseconds while an import runs.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path, Query

from harmony.library import SORT_KEYS, FolderNode, PlaylistNode, StoredCue, StoredTrack
from harmony.nml import CUE_TYPE_NAMES
from harmony.web.schemas import COMMON_ERRORS, error_responses
from harmony.web.state import WebState, web_state

__all__ = ["router", "track_json"]

router = APIRouter(prefix="/api", tags=["library"], responses=error_responses(*COMMON_ERRORS))

MAX_PAGE = 500
SORT_PATTERN = f"^-?({'|'.join(SORT_KEYS)})$"
#: SQLite integers are 64-bit; a larger id or offset would overflow inside the driver.
MAX_INT = 2**63 - 1


def track_json(track: StoredTrack) -> dict[str, Any]:
    """A track as the API shows it: its id, every field (dates as ISO text), the version of its last change,
    and whether its file is missing on this machine (``missing``, since when and when it was last seen)."""
    values = track.values.as_dict()
    for name, value in values.items():
        if hasattr(value, "isoformat"):
            values[name] = value.isoformat()  # type: ignore[union-attr]
    since, seen = track.missing_since, track.last_seen
    return {
        "id": track.id,
        **values,
        "changed_version": track.changed_version,
        "missing": since is not None,
        "missing_since": None if since is None else since.isoformat() + "Z",
        "last_seen": None if seen is None else seen.isoformat() + "Z",
    }


def cue_json(cue: StoredCue) -> dict[str, Any]:
    """A cue point: type (name and Traktor number), slot (hot cue number, -1 for none), position and length in
    milliseconds, name and colour."""
    v = cue.values
    return {
        "id": cue.id,
        "type": CUE_TYPE_NAMES.get(v.type, "other"),
        "type_code": v.type,
        "slot": v.hotcue,
        "position": v.start,
        "length": v.length,
        "name": v.name,
        "color": v.color,
        "repeats": v.repeats,
        "grid_bpm": v.grid_bpm,
    }


def node_json(node: FolderNode | PlaylistNode) -> dict[str, Any]:
    if isinstance(node, FolderNode):
        return {
            "kind": "folder",
            "id": node.id,
            "name": node.name,
            "position": node.position,
            "children": [node_json(child) for child in node.children],
        }
    return {
        "kind": "smart list" if node.smart_query is not None else "playlist",
        "id": node.id,
        "name": node.name,
        "position": node.position,
        "uuid": node.uuid,
        "entry_count": node.entry_count,
    }


@router.get("/library/tracks", summary="Search, sort and page the tracks")
async def list_tracks(
    state: Annotated[WebState, Depends(web_state)],
    search: Annotated[str | None, Query(max_length=500, description="Words every track must contain")] = None,
    sort: Annotated[
        str,
        Query(
            pattern=SORT_PATTERN,
            description=f"One of {', '.join(SORT_KEYS)}; a leading '-' sorts descending",
        ),
    ] = "artist",
    limit: Annotated[int, Query(ge=1, le=MAX_PAGE)] = 100,
    offset: Annotated[int, Query(ge=0, le=MAX_INT)] = 0,
    filter: Annotated[
        str | None, Query(pattern="^missing$", description="missing: only tracks whose file is not found")
    ] = None,
) -> dict[str, Any]:
    """``{"total", "offset", "limit", "tracks": [...]}``: the tracks matching ``search`` from ``offset`` on."""
    descending = sort.startswith("-")
    key = sort.removeprefix("-")
    text = search.replace("\x00", " ") if search else None
    only_missing = filter == "missing"
    page = await state.read(
        lambda library: library.search_tracks(
            text, sort=key, descending=descending, limit=limit, offset=offset, only_missing=only_missing
        )
    )
    return {
        "total": page.total,
        "offset": page.offset,
        "limit": limit,
        "sort": sort,
        "search": search or "",
        "tracks": [track_json(track) for track in page.tracks],
    }


@router.get("/library/tracks/{track_id}", summary="One track with its cue points", responses=error_responses(404))
async def get_track(
    state: Annotated[WebState, Depends(web_state)], track_id: Annotated[int, Path(ge=1, le=MAX_INT)]
) -> dict[str, Any]:
    """The track's fields and ``cues`` (type, slot, position, length, name, colour), by position."""
    detail = await state.read(lambda library: library.get_track(track_id))
    return {**track_json(detail.track), "cues": [cue_json(cue) for cue in detail.cues]}


@router.get("/playlists", summary="The playlist and folder tree")
async def playlists(state: Annotated[WebState, Depends(web_state)]) -> dict[str, Any]:
    """``{"nodes": [...]}``: folders (with ``children``), playlists and smart lists (with ``entry_count``)."""
    tree = await state.read(lambda library: library.playlist_tree())
    return {"nodes": [node_json(node) for node in tree]}
