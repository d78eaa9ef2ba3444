"""The editing API: tracks (one and bulk), cue points, folders, playlists and their entries, undo/redo, pending
export, and the ``library_changed`` event each edit publishes. Every validation error names its field."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import httpx
import pytest
import pytest_asyncio

from harmony.library import CueValues, Library, TrackValues
from harmony.nmlfile import NmlFingerprint
from harmony.web.events import ServerEvent

from .conftest import BASE, Api, build_app


@pytest_asyncio.fixture
async def api(tmp_path: Path, home: Path) -> AsyncIterator[Api]:
    library = Library.open(tmp_path / "library.db")
    library.add_tracks(
        [
            (
                TrackValues(path=f"/music/{i}.mp3", title=f"Track {i}", artist="DJ", rating=1, bpm=120.0),
                [CueValues(type=0, start=1000.0 * i, hotcue=0, name="Intro")],
            )
            for i in range(1, 6)
        ]
    )
    library.close()
    app = build_app(tmp_path, home)
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
        async with httpx.AsyncClient(transport=transport, base_url=BASE) as client:
            yield Api(app, client)


class Events:
    """Collects what the hub publishes (the same objects every page's stream encodes)."""

    def __init__(self, api: Api) -> None:
        self.items: list[ServerEvent] = []
        hub = api.state.hub
        original = hub.publish

        def publish(event: ServerEvent) -> None:
            self.items.append(event)
            original(event)

        hub.publish = publish  # type: ignore[method-assign]

    def changed(self) -> list[dict[str, Any]]:
        return [e.data for e in self.items if e.name == "library_changed"]


async def call(api: Api, method: str, path: str, body: Any = None, status: int = 200) -> dict[str, Any]:
    response = await api.client.request(method, path, json=body, headers=api.token)
    assert response.status_code == status, response.text
    data: dict[str, Any] = response.json()
    return data


async def test_patch_one_track_answers_the_track_with_its_step_and_twins_follow(api: Api) -> None:
    events = Events(api)
    data = await call(api, "PATCH", "/api/library/tracks/1", {"rating": 4, "musical_key": 21, "bpm": 124.5})
    assert data["id"] == 1 and data["rating"] == 4 and data["ranking"] == 204
    assert data["musical_key"] == 21 and data["key_text"] == "1m"
    assert data["bpm"] == 124.5 and data["bpm_text"] is None
    assert data["step"]["label"] == "Set BPM, key, rating of “Track 1”"
    assert events.changed() == [{"version": data["version"], "tracks": [1], "playlists": False, "source": "web"}]
    again = await call(api, "GET", "/api/library/tracks/1")
    assert again["rating"] == 4


async def test_bulk_edit_is_one_step_and_undo_brings_every_track_back(api: Api) -> None:
    events = Events(api)
    data = await call(api, "PATCH", "/api/library/tracks", {"ids": [1, 2, 3], "set": {"rating": 5, "color": 3}})
    assert data["updated"] == 3
    assert data["step"]["label"] == "Set colour, rating of 3 tracks"
    undone = await call(api, "POST", "/api/undo")
    assert undone["undone"] == data["step"] and undone["tracks"] == [1, 2, 3]
    assert events.changed()[-1] == {
        "version": undone["version"],
        "tracks": [1, 2, 3],
        "playlists": False,
        "source": "undo",
    }
    for track_id in (1, 2, 3):
        track = await call(api, "GET", f"/api/library/tracks/{track_id}")
        assert (track["rating"], track["color"], track["ranking"]) == (1, None, None)
    redone = await call(api, "POST", "/api/redo")
    assert redone["redone"]["id"] == data["step"]["id"]
    assert (await call(api, "GET", "/api/library/tracks/2"))["rating"] == 5


@pytest.mark.parametrize(
    ("body", "words"),
    [
        ({"rating": 6}, "rating: must be at most 5, not 6"),
        ({"bpm": 1000}, "bpm: must be at most 999, not 1000"),
        ({"bpm": 1e9}, "bpm: must be at most 999, not 1e+09"),
        ({"year": 10000}, "year: must be at most 9999, not 10000"),
        ({"track_number": -1}, "track_number: must be at least 0, not -1"),
        ({"color": 8}, "color: must be at most 7, not 8"),
        ({"musical_key": 24}, "musical_key: must be at most 23, not 24"),
        ({"rating": "4"}, "rating: needs a whole number, not '4'"),
        ({"year": "9" * 100}, "year: needs a whole number, not '" + "9" * 38 + "…"),  # not the whole input
        ({"comment": "x" * 10_001}, "comment: holds 10,001 characters, more than the 10,000 one text may"),
        ({"path": "/x.mp3"}, "path: Extra inputs are not permitted"),
        ({"ranking": 10}, "ranking: Extra inputs are not permitted"),
        ({"release_date": "soon"}, "release_date"),
    ],
)
async def test_a_value_out_of_range_is_refused_naming_field_and_range(
    api: Api, body: dict[str, Any], words: str
) -> None:
    data = await call(api, "PATCH", "/api/library/tracks/1", body, status=422)
    assert words in data["error"]
    assert (await call(api, "GET", "/api/library/tracks/1"))["rating"] == 1


async def test_a_bulk_edit_out_of_range_names_each_field_in_words(api: Api) -> None:
    data = await call(api, "PATCH", "/api/library/tracks", {"ids": [1, 2], "set": {"bpm": 5000, "rating": 7}}, 422)
    assert data["error"] == "bpm: must be at most 999, not 5000; rating: must be at most 5, not 7"
    assert (await call(api, "GET", "/api/library/tracks/1"))["rating"] == 1


async def test_track_errors_are_json_never_5xx(api: Api) -> None:
    assert "No track with id 99" in (await call(api, "PATCH", "/api/library/tracks/99", {"rating": 1}, 404))["error"]
    data = await call(api, "PATCH", "/api/library/tracks", {"ids": [1, 99], "set": {"rating": 1}}, 404)
    assert "99" in data["error"]
    assert "ids" in (await call(api, "PATCH", "/api/library/tracks", {"ids": [], "set": {}}, 422))["error"]
    # Colour 0 means none.
    assert (await call(api, "PATCH", "/api/library/tracks/1", {"color": 0}))["color"] is None
    # Nothing to change is no edit.
    assert (await call(api, "PATCH", "/api/library/tracks/1", {}))["step"] is None


async def test_text_a_collection_cannot_hold_is_refused(api: Api) -> None:
    """Found by the fuzzer: such a name was taken, and every export then failed. Refused as the schema says
    (422), in words, nothing changed."""
    before = (await call(api, "GET", "/api/library/tracks/1"))["title"]
    data = await call(api, "PATCH", "/api/library/tracks/1", {"title": "Bell\x07"}, status=422)
    assert "control character" in data["error"]
    assert (await call(api, "GET", "/api/library/tracks/1"))["title"] == before
    for path, body in (("/api/playlists", {"name": "Tab\x0bbed"}), ("/api/folders", {"name": "\x1bEsc"})):
        assert "control character" in (await call(api, "POST", path, body, status=422))["error"]
    tree = await call(api, "GET", "/api/playlists")
    assert not any("Tab" in node["name"] or "Esc" in node["name"] for node in tree["nodes"])


async def test_edits_need_the_token_or_the_origin(api: Api) -> None:
    response = await api.client.patch("/api/library/tracks/1", json={"rating": 2})
    assert response.status_code == 403
    response = await api.client.post("/api/undo")
    assert response.status_code == 403


async def test_cues_add_rename_move_delete_and_the_hot_cue_rule(api: Api) -> None:
    cue = await call(api, "POST", "/api/library/tracks/1/cues", {"type": "loop", "start": 5000, "length": 250}, 201)
    assert cue["type"] == 5 and cue["type_name"] == "loop" and cue["hotcue"] == -1 and cue["track_id"] == 1
    assert cue["step"]["label"] == "Added loop at 0:05.000"  # a cue with no name is named by its place
    renamed = await call(api, "PATCH", f"/api/library/tracks/1/cues/{cue['id']}", {"name": "Drop"})
    assert renamed["name"] == "Drop" and renamed["step"]["label"] == "Renamed loop at 0:05.000 to “Drop”"
    # Traktor's "n.n." is no name: the panel adds a cue with it, and the label read "Added cue “n.n.”".
    unnamed = await call(api, "POST", "/api/library/tracks/1/cues", {"type": 0, "start": 30000, "name": "n.n."}, 201)
    assert unnamed["step"]["label"] == "Added cue at 0:30.000"
    gone = await call(api, "DELETE", f"/api/library/tracks/1/cues/{unnamed['id']}")
    assert gone["step"]["label"] == "Deleted cue at 0:30.000"
    moved = await call(api, "PATCH", f"/api/library/tracks/1/cues/{cue['id']}", {"start": 6000.5})
    assert moved["start"] == 6000.5 and moved["step"]["label"] == "Moved loop “Drop”"

    taken = await call(api, "PATCH", f"/api/library/tracks/1/cues/{cue['id']}", {"hotcue": 0}, 409)
    assert taken["code"] == "hotcue_taken" and taken["cue_id"] == 1 and taken["field"] == "hotcue"
    assert "Hot cue 1 (slot 0) is already held by cue 1 “Intro”" in taken["error"]
    await call(api, "PATCH", f"/api/library/tracks/1/cues/{cue['id']}", {"hotcue": 0, "swap": True})
    track = await call(api, "GET", "/api/library/tracks/1")
    assert sorted((c["id"], c["slot"]) for c in track["cues"]) == [(1, -1), (cue["id"], 0)]

    assert "start" in (await call(api, "POST", "/api/library/tracks/1/cues", {"type": 0, "start": -1}, 422))["error"]
    assert "type" in (await call(api, "POST", "/api/library/tracks/1/cues", {"type": 9, "start": 1}, 422))["error"]
    assert (
        "hotcue"
        in (await call(api, "POST", "/api/library/tracks/1/cues", {"type": 0, "start": 1, "hotcue": 8}, 422))["error"]
    )
    assert (
        "color"
        in (await call(api, "POST", "/api/library/tracks/1/cues", {"type": 0, "start": 1, "color": "red"}, 422))[
            "error"
        ]
    )
    await call(api, "PATCH", f"/api/library/tracks/2/cues/{cue['id']}", {"name": "x"}, 404)

    deleted = await call(api, "DELETE", f"/api/library/tracks/1/cues/{cue['id']}")
    assert deleted["deleted"] == cue["id"] and deleted["step"]["label"] == "Deleted loop “Drop”"
    undone = await call(api, "POST", "/api/undo")
    assert undone["undone"]["label"] == "Deleted loop “Drop”"
    track = await call(api, "GET", "/api/library/tracks/1")
    assert [c["name"] for c in track["cues"]] == ["Intro", "Drop"]


async def test_folders_and_playlists_create_rename_move_delete(api: Api) -> None:
    events = Events(api)
    gigs = await call(api, "POST", "/api/folders", {"name": "Gigs", "parent_id": None}, 201)
    assert gigs["name"] == "Gigs" and gigs["parent_id"] is None and gigs["step"]["label"] == "Created folder “Gigs”"
    friday = await call(api, "POST", "/api/playlists", {"name": "Friday", "folder_id": gigs["id"]}, 201)
    assert friday["folder_id"] == gigs["id"] and len(friday["uuid"]) == 32 and friday["position"] == 0
    assert events.changed()[-1]["playlists"] is True

    renamed = await call(api, "PATCH", f"/api/playlists/{friday['id']}", {"name": "Friday night"})
    assert (
        renamed["name"] == "Friday night" and renamed["step"]["label"] == "Renamed playlist “Friday” to “Friday night”"
    )
    moved = await call(api, "PATCH", f"/api/playlists/{friday['id']}", {"folder_id": None, "position": 0})
    assert moved["folder_id"] is None and moved["position"] == 0
    tree = (await call(api, "GET", "/api/playlists"))["nodes"]
    assert [(n["kind"], n["name"]) for n in tree] == [("playlist", "Friday night"), ("folder", "Gigs")]

    inner = await call(api, "POST", "/api/folders", {"name": "Inner", "parent_id": gigs["id"]}, 201)
    cycle = await call(api, "PATCH", f"/api/folders/{gigs['id']}", {"parent_id": inner["id"]}, 409)
    assert "inside itself" in cycle["error"]
    # One node of a name per folder, as Traktor's collection holds them (the export left a second one out).
    taken = await call(api, "POST", "/api/playlists", {"name": "Inner", "folder_id": gigs["id"]}, 409)
    assert taken["error"].startswith("“Inner” is already the name of a playlist or folder in “Gigs”")
    assert "name" in (await call(api, "POST", "/api/folders", {"name": "  "}, 422))["error"]
    await call(api, "POST", "/api/playlists", {"name": "x", "folder_id": 999}, 404)

    await call(api, "POST", f"/api/playlists/{friday['id']}/tracks", {"track_ids": [1, 2, 3], "position": None})
    deleted = await call(api, "DELETE", f"/api/playlists/{friday['id']}")
    assert deleted["entries"] == 3 and deleted["step"]["label"] == "Deleted playlist “Friday night” (3 entries)"
    assert (await call(api, "GET", "/api/library/tracks/1"))["id"] == 1  # tracks stay
    await call(api, "POST", "/api/undo")
    tree = (await call(api, "GET", "/api/playlists"))["nodes"]
    assert tree[0]["name"] == "Friday night" and tree[0]["entry_count"] == 3

    folder_gone = await call(api, "DELETE", f"/api/folders/{gigs['id']}")
    assert folder_gone["deleted"] == {"folders": 2, "playlists": 0, "entries": 0}


async def test_playlist_entries_add_duplicates_remove_and_move(api: Api) -> None:
    playlist = await call(api, "POST", "/api/playlists", {"name": "Set", "folder_id": None}, 201)
    base = f"/api/playlists/{playlist['id']}/tracks"
    added = await call(api, "POST", base, {"track_ids": [1, 2, 3, 4], "position": None})
    assert added["added"] == 4 and added["entry_count"] == 4 and added["step"]["label"] == "Added 4 tracks to “Set”"
    again = await call(api, "POST", base, {"track_ids": [2, 5]}, 409)
    assert again["code"] == "already_in_playlist" and again["track_ids"] == [2]
    await call(api, "POST", base, {"track_ids": [2, 5], "position": 0, "allow_duplicates": True})

    async def order() -> list[int]:
        library = api.state.library
        assert library is not None
        return [e.track_id for e in await asyncio.to_thread(library.playlist_entries, playlist["id"])]  # type: ignore[misc]

    assert await order() == [2, 5, 1, 2, 3, 4]
    moved = await call(api, "POST", f"{base}/move", {"from": [0, 1], "to": 4})
    assert moved["moved"] == 2 and await order() == [1, 2, 3, 4, 2, 5]
    removed = await call(api, "POST", f"{base}/remove", {"positions": [4, 5]})
    assert removed["removed"] == 2 and await order() == [1, 2, 3, 4]
    stale = await call(api, "POST", f"{base}/remove", {"positions": [9]}, 409)
    assert "positions" in stale["error"]
    await call(api, "POST", "/api/undo")
    assert await order() == [1, 2, 3, 4, 2, 5]


async def test_undo_with_nothing_left_is_409_and_history_says_what_is_next(api: Api) -> None:
    nothing = await call(api, "POST", "/api/undo", status=409)
    assert "Nothing to undo" in nothing["error"] and nothing["code"] == "nothing_to_undo"  # asking again won't help
    assert "Nothing to redo" in (await call(api, "POST", "/api/redo", status=409))["error"]
    step = (await call(api, "PATCH", "/api/library/tracks/1", {"title": "New"}))["step"]
    assert (await call(api, "GET", "/api/undo"))["undo"] == step
    await call(api, "POST", "/api/undo")
    history = await call(api, "GET", "/api/undo")
    assert history["undo"] is None and history["redo"] == step
    await call(api, "PATCH", "/api/library/tracks/2", {"title": "Other"})  # a new edit ends the redo chain
    assert (await call(api, "GET", "/api/undo"))["redo"] is None


async def test_pending_lists_the_tracks_and_playlists_no_export_wrote(api: Api) -> None:
    await call(api, "PATCH", "/api/library/tracks/2", {"genre": "House"})
    playlist = await call(api, "POST", "/api/playlists", {"name": "Set"}, 201)
    data = await call(api, "GET", "/api/library/pending")
    assert 2 in data["tracks"] and playlist["id"] in data["playlists"]
    assert data["track_count"] == len(data["tracks"])


async def test_an_edit_of_another_process_is_announced(api: Api) -> None:
    events = Events(api)
    watcher = api.state.watcher
    assert watcher is not None
    await watcher.check()
    library = Library.open(api.state.service.library_path)
    try:
        await asyncio.to_thread(library.edit_tracks, [3], {"rating": 2})
    finally:
        library.close()
    await watcher.check()
    assert events.changed()[-1] == {
        "version": events.changed()[-1]["version"],
        "tracks": [3],
        "playlists": False,
        "source": "cli",
    }
    # The app's own edits are announced once, by the endpoint.
    before = len(events.changed())
    await call(api, "PATCH", "/api/library/tracks/3", {"rating": 3})
    await watcher.check()
    assert len(events.changed()) == before + 1


async def test_a_smart_list_lists_its_tracks_or_says_plainly_what_it_cannot_evaluate(api: Api) -> None:
    library = api.state.library
    assert library is not None
    smart = await asyncio.to_thread(library.create_playlist, "Two", None, None, smart_query='$TITLE % "Track 2"')
    data = await call(api, "GET", f"/api/playlists/{smart}/smart")
    assert data["query"] == '$TITLE % "Track 2"' and data["evaluable"] is True and data["reason"] is None
    listed = await call(api, "GET", f"/api/playlists/{smart}/tracks")
    titles = [track["title"] for track in listed["tracks"]]
    assert titles and all("Track 2" in title for title in titles)
    assert listed["total"] == data["track_count"] == len(data["tracks"])
    assert sorted(data["tracks"]) == sorted(track["id"] for track in listed["tracks"])

    odd = '$TITLE % "Track" & $FILEPATH % "music"'
    other = await asyncio.to_thread(library.create_playlist, "Odd", None, None, smart_query=odd)
    data = await call(api, "GET", f"/api/playlists/{other}/smart")
    assert data["evaluable"] is False and data["tracks"] is None and data["track_count"] is None
    assert data["unsupported"] == '$FILEPATH % "music"' and '$FILEPATH % "music"' in data["reason"]
    refused = await call(api, "GET", f"/api/playlists/{other}/tracks", status=409)
    assert refused["code"] == "smart_list_not_evaluable" and refused["unsupported"] == '$FILEPATH % "music"'

    plain = (await call(api, "POST", "/api/playlists", {"name": "Plain"}, 201))["id"]
    assert "not a smart list" in (await call(api, "GET", f"/api/playlists/{plain}/smart", status=404))["error"]


async def test_library_changed_goes_out_on_the_event_stream(api: Api) -> None:
    stream = api.state.hub.stream()
    try:
        assert (await anext(stream)).startswith("retry:")
        await call(api, "PATCH", "/api/library/tracks/4", {"rating": 2})
        text = ""
        async with asyncio.timeout(10):
            while "library_changed" not in text:
                text = await anext(stream)
        assert text.startswith("event: library_changed\ndata: {")
        assert '"tracks":[4]' in text and '"playlists":false' in text and '"source":"web"' in text
    finally:
        await stream.aclose()  # type: ignore[attr-defined]


async def test_the_tree_marks_the_playlists_and_folders_an_export_has_not_written(api: Api) -> None:
    """The tree drew a ● from each node's ``pending``, which the answer never carried: a renamed playlist or one
    with tracks added showed no mark while Preview Export listed it (found by a walk-through)."""
    gigs = await call(api, "POST", "/api/folders", {"name": "Gigs"}, 201)
    friday = await call(api, "POST", "/api/playlists", {"name": "Friday", "folder_id": gigs["id"]}, 201)
    saturday = await call(api, "POST", "/api/playlists", {"name": "Saturday"}, 201)

    def marks(tree: dict[str, Any]) -> dict[str, bool]:
        found: dict[str, bool] = {}

        def walk(nodes: list[dict[str, Any]]) -> None:
            for node in nodes:
                found[node["name"]] = node["pending"]
                walk(node.get("children", []))

        walk(tree["nodes"])
        return found

    assert marks(await call(api, "GET", "/api/playlists")) == {"Gigs": True, "Friday": True, "Saturday": True}
    with Library.open(api.state.service.library_path) as library:
        library.record_export(library.version, NmlFingerprint("/c.nml", 1, 1, "x"))
    assert marks(await call(api, "GET", "/api/playlists")) == {"Gigs": False, "Friday": False, "Saturday": False}
    await call(api, "POST", f"/api/playlists/{saturday['id']}/tracks", {"track_ids": [1, 2]})
    await call(api, "PATCH", f"/api/folders/{gigs['id']}", {"name": "Sets"})
    assert marks(await call(api, "GET", "/api/playlists")) == {"Sets": True, "Friday": False, "Saturday": True}
    assert friday["id"] != saturday["id"]


async def test_an_undo_naming_its_step_leaves_a_later_edit_alone(api: Api) -> None:
    mine = await call(api, "PATCH", "/api/library/tracks/1", {"title": "Mine"})
    await call(api, "PATCH", "/api/library/tracks/2", {"title": "Theirs"})
    refused = await call(api, "POST", "/api/undo", {"step": mine["step"]["id"]}, 409)
    assert refused["error"] == "Not undone: “Renamed “Track 2” to “Theirs”” came after it. Undo that first."
    assert (await call(api, "GET", "/api/library/tracks/2"))["title"] == "Theirs"
    await call(api, "POST", "/api/undo", {"step": "x"}, 422)
    undone = await call(api, "POST", "/api/undo")  # Ctrl+Z: the newest
    assert undone["undone"]["label"] == "Renamed “Track 2” to “Theirs”"
    again = await call(api, "POST", "/api/undo", {"step": mine["step"]["id"]})
    assert again["undone"]["id"] == mine["step"]["id"]
    assert (await call(api, "GET", "/api/library/tracks/1"))["title"] == "Track 1"
