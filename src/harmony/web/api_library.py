"""The library's JSON API: the track list (search, filter, sort, pages; of the library or of one playlist), one
track with its cue points, the playlist tree.

Every query runs on a worker thread (:meth:`WebState.read`) and uses the library's indexed queries, so a page of
a 100,000-track library answers in milliseconds while an import runs.
"""

from __future__ import annotations

from collections.abc import Mapping
from collections.abc import Set as AbstractSet
from typing import Annotated, Any, cast

from fastapi import APIRouter, Depends, Path, Query

from harmony.library import (
    LIST_FILTERS,
    LIST_SORT_KEYS,
    FolderNode,
    Library,
    ListedTrack,
    PlaylistNode,
    StoredCue,
    StoredTrack,
    TrackDetail,
    TrackList,
    key_display,
)
from harmony.nml import CUE_TYPE_NAMES
from harmony.web.schemas import COMMON_ERRORS, error_responses
from harmony.web.state import WebState, web_state

__all__ = ["router", "track_json"]

router = APIRouter(prefix="/api", tags=["library"], responses=error_responses(*COMMON_ERRORS))

MAX_PAGE = 500
#: The library's sort keys; a playlist's add ``position`` (its own order).
LIBRARY_SORT_KEYS = tuple(key for key in LIST_SORT_KEYS if key != "position")
SORT_PATTERN = f"^-?({'|'.join(LIBRARY_SORT_KEYS)})$"
PLAYLIST_SORT_PATTERN = f"^-?({'|'.join(LIST_SORT_KEYS)})$"
#: One filter, or several joined by commas (a track must pass each).
FILTER_PATTERN = f"^({'|'.join(LIST_FILTERS)})(,({'|'.join(LIST_FILTERS)}))*$"
#: SQLite integers are 64-bit; a larger id or offset would overflow inside the driver.
MAX_INT = 2**63 - 1


def track_json(track: StoredTrack, key_notation: str = "open_key", *, pending: bool = False) -> dict[str, Any]:
    """A track as the API shows it: its id, every stored field (dates as ISO text), ``added`` (the date it entered
    the collection), ``key_display`` (its key in ``key_notation``), ``pending`` (edits no export has written yet),
    the version of its last change, and whether its file is missing (``missing``, since when, when last seen)."""
    values = track.values.as_dict()
    for name, value in values.items():
        if hasattr(value, "isoformat"):
            values[name] = value.isoformat()  # type: ignore[union-attr]
    v = track.values
    since, seen = track.missing_since, track.last_seen
    added = v.import_date or v.date_added
    return {
        "id": track.id,
        **values,
        "added": added.isoformat() if added else None,
        "key_display": key_display(v.musical_key, v.key_text, key_notation),
        "pending": pending,
        "changed_version": track.changed_version,
        "missing": since is not None,
        "missing_since": None if since is None else since.isoformat() + "Z",
        "last_seen": None if seen is None else seen.isoformat() + "Z",
    }


def listed_json(row: ListedTrack, key_notation: str) -> dict[str, Any]:
    """A row of a track list: the track, and in a playlist its entry's ``position`` and ``entry_id``."""
    body = track_json(row.track, key_notation, pending=row.pending)
    if row.position is not None:
        body["position"] = row.position
        body["entry_id"] = row.entry_id
    return body


#: How each cue type is written for a DJ (the API's ``type`` stays the machine name).
CUE_TYPE_LABELS = {
    "cue": "Cue",
    "fade_in": "Fade-in",
    "fade_out": "Fade-out",
    "load": "Load",
    "grid": "Grid",
    "loop": "Loop",
    "other": "Other",
}


def cue_json(cue: StoredCue) -> dict[str, Any]:
    """A cue point: type (name and Traktor number), slot (hot cue number, -1 for none), position and length in
    milliseconds, name and colour."""
    v = cue.values
    return {
        "id": cue.id,
        "type": CUE_TYPE_NAMES.get(v.type, "other"),
        "type_label": CUE_TYPE_LABELS[CUE_TYPE_NAMES.get(v.type, "other")],
        "type_code": v.type,
        "slot": v.hotcue,
        "position": v.start,
        "length": v.length,
        "name": v.name,
        "color": v.color,
        "repeats": v.repeats,
        "grid_bpm": v.grid_bpm,
    }


def node_json(node: FolderNode | PlaylistNode, pending: Mapping[str, AbstractSet[int]] | None = None) -> dict[str, Any]:
    """A node of the tree; given ``pending`` (the ids of the playlists and folders ``Library.pending()`` lists),
    also whether it holds edits no export has written yet (``pending``: its name, place or, for a playlist, its
    entries), which the tree marks."""
    if isinstance(node, FolderNode):
        folder = {
            "kind": "folder",
            "id": node.id,
            "name": node.name,
            "position": node.position,
            "children": [node_json(child, pending) for child in node.children],
        }
        if pending is not None:
            folder["pending"] = node.id in pending["folders"]
        return folder
    playlist = {
        "kind": "smart list" if node.smart_query is not None else "playlist",
        "id": node.id,
        "name": node.name,
        "position": node.position,
        "uuid": node.uuid,
        "entry_count": node.entry_count,
        # A smart list's query as Traktor stores it (null for a playlist): the page shows it.
        "query": node.smart_query,
    }
    if pending is not None:
        playlist["pending"] = node.id in pending["playlists"]
    return playlist


SortParam = Annotated[
    str | None,
    Query(
        pattern=SORT_PATTERN,
        description=f"One of {', '.join(LIBRARY_SORT_KEYS)}; a leading '-' sorts descending; empty values last",
    ),
]
PlaylistSortParam = Annotated[
    str | None,
    Query(
        pattern=PLAYLIST_SORT_PATTERN,
        description="As for the library, plus position (the playlist's order, the default)",
    ),
]
SearchParam = Annotated[str | None, Query(max_length=500, description="Words every track must contain")]
FilterParam = Annotated[
    str | None, Query(pattern=FILTER_PATTERN, description=f"Only tracks that are: {', '.join(LIST_FILTERS)}")
]
LimitParam = Annotated[int, Query(ge=1, le=MAX_PAGE)]
OffsetParam = Annotated[int, Query(ge=0, le=MAX_INT)]
LocateParam = Annotated[
    int | None,
    Query(ge=1, le=MAX_INT, description="A track id: the answer's `located` is its index in the whole list (or null)"),
]
LocateEntryParam = Annotated[
    int | None, Query(ge=1, le=MAX_INT, description="In a playlist: which entry of the `locate` track")
]


def _view(
    search: str | None, sort: str | None, filter: str | None
) -> tuple[str | None, str | None, bool, tuple[str, ...]]:
    """A list's query parameters as the library takes them: the search, the sort key and its direction (``-``
    first: descending), the filters (comma-separated)."""
    descending = bool(sort and sort.startswith("-"))
    key = sort.removeprefix("-") if sort else None
    text = search.replace("\x00", " ") if search else None
    return text, key, descending, tuple(name for name in (filter or "").split(",") if name)


async def _ids(
    state: WebState, *, search: str | None, sort: str | None, filter: str | None, playlist_id: int | None = None
) -> dict[str, Any]:
    text, key, descending, filters = _view(search, sort, filter)
    rows = await state.read(
        lambda library: library.list_track_ids(
            text, sort=key, descending=descending, filters=filters, playlist_id=playlist_id
        )
    )
    answer: dict[str, Any] = {"total": len(rows), "ids": [track_id for track_id, _ in rows]}
    if playlist_id is not None:
        answer["positions"] = [position for _, position in rows]
    return answer


async def _list(
    state: WebState,
    *,
    search: str | None,
    sort: str | None,
    filter: str | None,
    limit: int,
    offset: int,
    playlist_id: int | None = None,
    locate: int | None = None,
    locate_entry: int | None = None,
) -> dict[str, Any]:
    text, key, descending, filters = _view(search, sort, filter)

    def read(library: Library) -> tuple[TrackList, str]:
        notation = library.settings().key_notation
        found = library.list_tracks(
            text,
            sort=key,
            descending=descending,
            limit=limit,
            offset=offset,
            filters=filters,
            playlist_id=playlist_id,
            key_notation=notation,
            locate=locate,
            locate_entry=locate_entry,
        )
        return found, notation

    found, notation = await state.read(read)
    answer = {
        "total": found.total,
        "offset": found.offset,
        "limit": limit,
        "sort": sort or found.sort,
        "search": search or "",
        "filter": filter or "",
        "key_notation": notation,
        "tracks": [listed_json(row, notation) for row in found.rows],
    }
    if locate is not None:
        answer["located"] = found.located
    return answer


@router.get("/library/tracks", summary="Search, filter, sort and page the tracks")
async def list_tracks(
    state: Annotated[WebState, Depends(web_state)],
    search: SearchParam = None,
    sort: SortParam = None,
    filter: FilterParam = None,
    limit: LimitParam = 100,
    offset: OffsetParam = 0,
    locate: LocateParam = None,
) -> dict[str, Any]:
    """``{"total", "offset", "limit", "sort", "search", "filter", "key_notation", "tracks": [...]}``: the tracks
    matching ``search`` and ``filter`` from ``offset`` on, sorted by ``sort`` (default ``artist``). With
    ``locate`` (a track id) also ``located``: that track's index in the whole list, or null when it is not in
    it (the table follows a track an edit moved in the sort)."""
    return await _list(state, search=search, sort=sort, filter=filter, limit=limit, offset=offset, locate=locate)


@router.get("/library/track-ids", summary="Every track id of a searched, filtered and sorted list")
async def list_track_ids(
    state: Annotated[WebState, Depends(web_state)],
    search: SearchParam = None,
    sort: SortParam = None,
    filter: FilterParam = None,
) -> dict[str, Any]:
    """``{"total", "ids"}``: the id of every track ``/api/library/tracks`` lists with the same ``search``,
    ``sort`` and ``filter``, in its order: what an action on all of them (Ctrl-A, then add to a playlist or
    edit) needs, in one answer."""
    return await _ids(state, search=search, sort=sort, filter=filter)


@router.get(
    "/playlists/{playlist_id}/track-ids",
    summary="Every track id of a playlist's list, with each entry's position",
    responses=error_responses(404, 409),
)
async def playlist_track_ids(
    state: Annotated[WebState, Depends(web_state)],
    playlist_id: Annotated[int, Path(ge=1, le=MAX_INT)],
    search: SearchParam = None,
    sort: PlaylistSortParam = None,
    filter: FilterParam = None,
) -> dict[str, Any]:
    """``{"total", "ids", "positions"}``: the track id and the entry's position (null in a smart list) of every
    row ``/api/playlists/{playlist_id}/tracks`` lists with the same ``search``, ``sort`` and ``filter``, in its
    order."""
    return await _ids(state, search=search, sort=sort, filter=filter, playlist_id=playlist_id)


@router.get(
    "/playlists/{playlist_id}/tracks", summary="A playlist's tracks, in its order", responses=error_responses(404, 409)
)
async def playlist_tracks(
    state: Annotated[WebState, Depends(web_state)],
    playlist_id: Annotated[int, Path(ge=1, le=MAX_INT)],
    search: SearchParam = None,
    sort: PlaylistSortParam = None,
    filter: FilterParam = None,
    limit: LimitParam = 100,
    offset: OffsetParam = 0,
    locate: LocateParam = None,
    locate_entry: LocateEntryParam = None,
) -> dict[str, Any]:
    """The same as ``/api/library/tracks`` over one playlist's entries: in the playlist's order unless ``sort``
    says otherwise (``position`` restores it); each row carries its ``position`` and ``entry_id``. A smart list
    lists the tracks its query finds (by artist, no ``position``), or answers 409 (``code``
    ``smart_list_not_evaluable``) naming the part of the query Harmony cannot evaluate. ``locate`` with
    ``locate_entry`` (a track that is in the playlist more than once) answers ``located``, as for the library."""
    return await _list(
        state,
        search=search,
        sort=sort,
        filter=filter,
        limit=limit,
        offset=offset,
        playlist_id=playlist_id,
        locate=locate,
        locate_entry=locate_entry,
    )


@router.get("/library/tracks/{track_id}", summary="One track with its cue points", responses=error_responses(404))
async def get_track(
    state: Annotated[WebState, Depends(web_state)], track_id: Annotated[int, Path(ge=1, le=MAX_INT)]
) -> dict[str, Any]:
    """The track's fields (as in the list: ``added``, ``key_display``, ``pending``) and ``cues`` (type, slot,
    position, length, name, colour), by position."""

    def read(library: Library) -> tuple[TrackDetail, int, str]:
        detail = library.get_track(track_id)
        return detail, library.status().last_exported_version, library.settings().key_notation

    detail, exported, notation = await state.read(read)
    body = track_json(detail.track, notation, pending=detail.track.changed_version > exported)
    return {**body, "cues": [cue_json(cue) for cue in detail.cues]}


@router.get("/playlists", summary="The playlist and folder tree")
async def playlists(state: Annotated[WebState, Depends(web_state)]) -> dict[str, Any]:
    """``{"nodes": [...], "deleted_pending": {"playlists", "folders"}}``: folders (with ``children``), playlists
    and smart lists (with ``entry_count``), each with ``pending``; and how many playlists and folders were
    deleted since the last export (the export deletes them in the file)."""
    tree, pending = await state.read(lambda library: (library.playlist_tree(), library.pending(with_tracks=False)))
    marks = {kind: set(cast(list[int], pending[kind])) for kind in ("playlists", "folders")}
    return {
        "nodes": [node_json(node, marks) for node in tree],
        "deleted_pending": {"playlists": pending["deleted_playlists"], "folders": pending["deleted_folders"]},
    }
