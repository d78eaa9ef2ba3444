"""Editing the playlist tree: folders and playlists (create, rename, move, delete) and a playlist's entries
(add, remove, reorder). Each edit is one transaction and one undo step, announced to every page as
``event: library_changed``; the shapes are in docs/editing.md. Listing a playlist's tracks is in the list
queries (``GET /api/playlists/{id}/tracks``)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path
from pydantic import BaseModel, ConfigDict, Field

from harmony.library import SAME, EditOutcome, Library, PlaylistNode, Same
from harmony.web.api_edit_tracks import BODY_MAX_INT, MAX_BULK, TrackId, step_json
from harmony.web.api_library import MAX_INT, node_json
from harmony.web.schemas import CHANGE_ERRORS, COMMON_ERRORS, WHOLE_NUMBER, HoldableName, error_responses
from harmony.web.state import WebState, web_state

__all__ = ["router"]

router = APIRouter(prefix="/api", tags=["editing"], responses=error_responses(*COMMON_ERRORS, *CHANGE_ERRORS))

Id = Annotated[int, Path(ge=1, le=MAX_INT)]
Name = HoldableName
ParentId = Annotated[int, Field(ge=1, le=BODY_MAX_INT), WHOLE_NUMBER]
Position = Annotated[int, Field(ge=0, le=BODY_MAX_INT), WHOLE_NUMBER]


class NewFolder(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)

    name: Name
    parent_id: ParentId | None = Field(default=None, description="The folder to create it in; null: the top level")
    position: Position | None = Field(default=None, description="Among its siblings; null: the end")


class NewPlaylist(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)

    name: Name
    folder_id: ParentId | None = Field(default=None, description="The folder to create it in; null: the top level")
    position: Position | None = Field(default=None, description="Among its siblings; null: the end")


class FolderChanges(BaseModel):
    """Rename (``name``) and/or move (``parent_id``, null for the top level; ``position``)."""

    model_config = ConfigDict(extra="forbid", strict=True)

    name: Name | None = None
    parent_id: ParentId | None = None
    position: Position | None = None


class PlaylistChanges(BaseModel):
    """Rename (``name``) and/or move (``folder_id``, null for the top level; ``position``)."""

    model_config = ConfigDict(extra="forbid", strict=True)

    name: Name | None = None
    folder_id: ParentId | None = None
    position: Position | None = None


class AddTracks(BaseModel):
    """Tracks to insert at ``position`` (null: append). A track already in the playlist is refused with 409
    ``already_in_playlist`` (listing them) unless ``allow_duplicates``."""

    model_config = ConfigDict(extra="forbid", strict=True)

    track_ids: list[TrackId] = Field(min_length=1, max_length=MAX_BULK)
    position: Position | None = None
    allow_duplicates: bool = False


class RemoveEntries(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)

    positions: list[Position] = Field(min_length=1, max_length=MAX_BULK, description="0-based, as listed")


class MoveEntries(BaseModel):
    """Move the entries at ``from`` (kept in their order) so the first lands at ``to`` (0-based, in the
    playlist as it reads after they are taken out)."""

    model_config = ConfigDict(extra="forbid", strict=True, populate_by_name=True)

    from_: list[Position] = Field(alias="from", min_length=1, max_length=MAX_BULK)
    to: Position


def _node(library: Library, kind: str, node_id: int) -> dict[str, Any]:
    """A folder or playlist as the tree shows it, with its parent's id."""

    def walk(nodes: Any, parent: int | None) -> dict[str, Any] | None:
        for node in nodes:
            node_kind = "playlist" if isinstance(node, PlaylistNode) else "folder"
            if node.id == node_id and node_kind == kind:
                data = node_json(node)
                data["parent_id" if kind == "folder" else "folder_id"] = parent
                return data
            if node_kind == "folder":
                found = walk(node.children, node.id)
                if found is not None:
                    return found
        return None

    found = walk(library.playlist_tree(), None)
    assert found is not None, f"{kind} {node_id} just written is not in the tree"
    return found


def _answer(outcome: EditOutcome[Any], **extra: Any) -> dict[str, Any]:
    return {**extra, "step": step_json(outcome), "version": outcome.version}


# --- folders ------------------------------------------------------------------------------------------------


@router.post("/folders", summary="Create a folder", status_code=201, responses=error_responses(404, 409))
async def create_folder(state: Annotated[WebState, Depends(web_state)], body: NewFolder) -> dict[str, Any]:
    """Answers the folder (``id``, ``name``, ``parent_id``, ``position``) with ``step``."""
    outcome = await state.edit(lambda library: library.new_folder(body.name, body.parent_id, body.position))
    folder = await state.read(lambda library: _node(library, "folder", outcome.value))
    return _answer(outcome, **folder)


@router.patch("/folders/{folder_id}", summary="Rename or move a folder", responses=error_responses(404, 409))
async def change_folder(
    state: Annotated[WebState, Depends(web_state)], folder_id: Id, body: FolderChanges
) -> dict[str, Any]:
    sent = body.model_fields_set
    parent: int | Same | None = body.parent_id if "parent_id" in sent else SAME
    outcome = await state.edit(
        lambda library: library.change_folder(folder_id, name=body.name, parent_id=parent, position=body.position)
    )
    folder = await state.read(lambda library: _node(library, "folder", folder_id))
    return _answer(outcome, **folder)


@router.delete("/folders/{folder_id}", summary="Delete a folder and what it holds", responses=error_responses(404, 409))
async def delete_folder(state: Annotated[WebState, Depends(web_state)], folder_id: Id) -> dict[str, Any]:
    """Tracks stay in the library. Answers ``{"deleted": {"folders", "playlists", "entries"}, "step"}``."""
    outcome = await state.edit(lambda library: library.remove_folder(folder_id))
    return _answer(outcome, deleted=outcome.value)


# --- playlists ----------------------------------------------------------------------------------------------


@router.post("/playlists", summary="Create a playlist", status_code=201, responses=error_responses(404, 409))
async def create_playlist(state: Annotated[WebState, Depends(web_state)], body: NewPlaylist) -> dict[str, Any]:
    """Answers the playlist (``id``, ``name``, ``folder_id``, ``position``, ``uuid``) with ``step``."""
    outcome = await state.edit(lambda library: library.new_playlist(body.name, body.folder_id, body.position))
    playlist = await state.read(lambda library: _node(library, "playlist", outcome.value))
    return _answer(outcome, **playlist)


@router.patch("/playlists/{playlist_id}", summary="Rename or move a playlist", responses=error_responses(404, 409))
async def change_playlist(
    state: Annotated[WebState, Depends(web_state)], playlist_id: Id, body: PlaylistChanges
) -> dict[str, Any]:
    sent = body.model_fields_set
    folder: int | Same | None = body.folder_id if "folder_id" in sent else SAME
    outcome = await state.edit(
        lambda library: library.change_playlist(playlist_id, name=body.name, folder_id=folder, position=body.position)
    )
    playlist = await state.read(lambda library: _node(library, "playlist", playlist_id))
    return _answer(outcome, **playlist)


@router.delete("/playlists/{playlist_id}", summary="Delete a playlist", responses=error_responses(404, 409))
async def delete_playlist(state: Annotated[WebState, Depends(web_state)], playlist_id: Id) -> dict[str, Any]:
    """Tracks stay in the library. Answers ``{"deleted": id, "entries": N, "step"}``."""
    outcome = await state.edit(lambda library: library.remove_playlist(playlist_id))
    return _answer(outcome, deleted=playlist_id, entries=outcome.value)


@router.post("/playlists/{playlist_id}/tracks", summary="Add tracks to a playlist", responses=error_responses(404, 409))
async def add_tracks(
    state: Annotated[WebState, Depends(web_state)], playlist_id: Id, body: AddTracks
) -> dict[str, Any]:
    """Answers ``{"added": N, "entry_count", "step"}``."""
    outcome = await state.edit(
        lambda library: library.add_playlist_tracks(
            playlist_id, body.track_ids, body.position, allow_duplicates=body.allow_duplicates
        )
    )
    count = await state.read(lambda library: len(library.playlist_entries(playlist_id)))
    return _answer(outcome, added=outcome.value, entry_count=count)


@router.post(
    "/playlists/{playlist_id}/tracks/remove",
    summary="Remove entries from a playlist",
    responses=error_responses(404, 409),
)
async def remove_tracks(
    state: Annotated[WebState, Depends(web_state)], playlist_id: Id, body: RemoveEntries
) -> dict[str, Any]:
    """Answers ``{"removed": N, "entry_count", "step"}``; a position past the end is 409 (the playlist
    changed: reload it)."""
    outcome = await state.edit(lambda library: library.remove_playlist_entries(playlist_id, body.positions))
    count = await state.read(lambda library: len(library.playlist_entries(playlist_id)))
    return _answer(outcome, removed=outcome.value, entry_count=count)


@router.post("/playlists/{playlist_id}/tracks/move", summary="Reorder a playlist", responses=error_responses(404, 409))
async def move_tracks(
    state: Annotated[WebState, Depends(web_state)], playlist_id: Id, body: MoveEntries
) -> dict[str, Any]:
    """Answers ``{"moved": N, "entry_count", "step"}``."""
    outcome = await state.edit(lambda library: library.move_playlist_entries(playlist_id, body.from_, body.to))
    count = await state.read(lambda library: len(library.playlist_entries(playlist_id)))
    return _answer(outcome, moved=outcome.value, entry_count=count)


@router.get(
    "/playlists/{playlist_id}/smart", summary="A smart list's query and its tracks", responses=error_responses(404)
)
async def smart_list(state: Annotated[WebState, Depends(web_state)], playlist_id: Id) -> dict[str, Any]:
    """``{"id", "name", "query", "evaluable", "reason", "unsupported", "track_count", "tracks"}``: the ids of the
    tracks the query finds in the library (by artist); ``evaluable`` false with the ``reason`` and the
    ``unsupported`` part of the query when Harmony cannot evaluate it (then ``track_count`` and ``tracks`` are
    null, never a silent empty list). ``GET /api/playlists/{id}/tracks`` lists the same tracks a page at a time."""
    return await state.read(lambda library: library.smart_list(playlist_id))
