"""The JSON API of missing files: the count and filter, the track keys, relocate through an operation, and
the refusals (a folder outside the app's reach, a file that is not there, a merge of a track with itself)."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest

from harmony.library import CueValues, TrackValues

from .conftest import Api, Demo


async def test_missing_tracks_are_counted_filtered_and_relocated(api: Api, demo: Demo, home: Path) -> None:
    moved = home / "Moved"
    shutil.move(str(demo.generated.files_dir), str(moved))  # every file elsewhere now
    await api.configure(demo)
    op = await api.run("/api/traktor/sync")
    assert op["status"] == "succeeded", op
    assert op["result"]["files_not_found"] == 120
    assert op["result"]["summary"].startswith("Imported 120 tracks (120 files not found)")

    missing = (await api.client.get("/api/library/missing", params={"limit": 3})).json()
    assert missing["count"] == 120 and len(missing["tracks"]) == 3
    page = (await api.client.get("/api/library/tracks", params={"filter": "missing", "limit": 5})).json()
    assert page["total"] == 120 and all(t["missing"] and t["missing_since"] for t in page["tracks"])
    assert (await api.client.get("/api/library/tracks", params={"filter": "lost"})).status_code == 422

    outside = await api.client.post("/api/library/relocate", json={"roots": ["/"]}, headers=api.token)
    assert outside.status_code == 404 and "looks under" in outside.json()["error"]
    scan = await api.run("/api/library/relocate", {"roots": [str(moved)]})
    assert scan["status"] == "succeeded", scan
    # The generated files are tiny stand-ins with no tags, where the collection says megabytes: each is the one
    # file of its name, offered for the DJ to confirm, never ticked as a likely match.
    counts = scan["result"]
    assert (counts["found"], counts["ambiguous"], counts["not_found"]) == (0, 120, 0), counts
    matches = (await api.client.get(f"/api/library/relocate/{scan['operation_id']}")).json()["matches"]
    assert {(m["new_path"], len(m["candidates"])) for m in matches} == {(None, 1)}
    # Each match names its track as the library knows it (the page shows artist and title over the old path).
    lost = (await api.client.get("/api/library/missing", params={"limit": 200})).json()["tracks"]
    listed = {t["id"]: (t["title"], t["artist"], t["path"]) for t in lost}
    assert len(listed) == 120 and any(title for title, _, _ in listed.values())
    assert {m["track_id"]: (m["title"], m["artist"], m["old_path"]) for m in matches} == listed
    for m in matches:
        assert m["name"] == (None if not m["title"] else f"{m['artist']} – {m['title']}" if m["artist"] else m["title"])
    moves = [{"track_id": m["track_id"], "path": m["candidates"][0]} for m in matches]
    nowhere = [{"track_id": moves[0]["track_id"], "path": str(home / "nowhere.mp3")}]
    refused = await api.client.post("/api/library/relocate/apply", json={"moves": nowhere}, headers=api.token)
    assert refused.status_code == 404
    # Two tracks sent to one file, or to a file another track points at, are refused by name; nothing moves.
    first, second = matches[0], matches[1]
    one_file = [{"track_id": m["track_id"], "path": first["candidates"][0]} for m in (first, second)]
    both = await api.client.post("/api/library/relocate/apply", json={"moves": one_file}, headers=api.token)
    assert both.status_code == 400 and "cannot both be relocated" in both.json()["error"], both.text
    assert first["old_path"] in both.json()["error"] and second["old_path"] in both.json()["error"]  # which two
    published: list[Any] = []
    publish = api.state.hub.publish
    api.state.hub.publish = lambda event: (published.append(event), publish(event))[1]  # type: ignore[method-assign]
    applied = (await api.client.post("/api/library/relocate/apply", json={"moves": moves}, headers=api.token)).json()
    assert (applied["relocated"], applied["step"]["label"]) == (120, "Relocated 120 tracks"), applied
    assert (await api.client.get("/api/library/missing")).json()["count"] == 0
    # Every open page and auto-sync hear of it, as of any edit.
    # (The import's own event may come now too, from the watcher that polls for other processes' edits: on a
    # busy machine it had not looked yet. The relocation's is the one whose version it made, said once.)
    events = [event.data for event in published if event.name == "library_changed"]
    mine = [data for data in events if data["version"] == applied["version"]]
    assert len(mine) == 1 and all(data["version"] < applied["version"] for data in events if data not in mine), events
    [changed] = mine
    assert changed["version"] == applied["version"] and len(changed["tracks"]) == 120, changed
    taken = [{"track_id": first["track_id"], "path": second["candidates"][0]}]
    held = await api.client.post("/api/library/relocate/apply", json={"moves": taken}, headers=api.token)
    assert held.status_code == 409 and "already points at that file" in held.json()["error"], held.text

    # One undo step: undone, every track points at its old file again, missing as it was; redone, found again.
    undone = await api.client.post("/api/undo", json={"step": applied["step"]["id"]}, headers=api.token)
    assert undone.status_code == 200, undone.text
    assert (await api.client.get("/api/library/missing")).json()["count"] == 120
    redone = await api.client.post("/api/redo", json={"step": applied["step"]["id"]}, headers=api.token)
    assert redone.status_code == 200, redone.text
    assert (await api.client.get("/api/library/missing")).json()["count"] == 0

    keep = moves[0]["track_id"]
    same = await api.client.post("/api/library/merge", json={"keep": keep, "others": [keep]}, headers=api.token)
    assert same.status_code == 200 and same.json()["removed"] == []
    assert (await api.client.get("/api/library/tracks")).json()["total"] == 120


async def test_a_merge_is_one_step_that_undo_takes_back(api: Api) -> None:
    library = api.state.library
    assert library is not None
    keep, other = library.add_tracks(
        [
            (TrackValues(path="/m/a.flac", title="Song", artist="Art", play_count=1, duration=200.0), []),
            (TrackValues(path="/m/b.mp3", title="Song", artist="Art", play_count=4, genre="House", duration=200.0), []),
        ]
    )
    library.add_cue(other, CueValues(type=0, start=1000.0, hotcue=3, name="Drop"))
    playlist = library.create_playlist("Set", None, track_ids=[other, keep, other])
    before = (await api.client.get(f"/api/library/tracks/{other}")).json()

    found = (await api.client.get("/api/library/duplicates")).json()
    assert [sorted(t["id"] for t in g["tracks"]) for g in found["groups"]] == [sorted((keep, other))]
    assert found["version"] == library.version  # what the page compares the library's events with

    merged = await api.client.post("/api/library/merge", json={"keep": keep, "others": [other]}, headers=api.token)
    assert merged.status_code == 200, merged.text
    assert merged.json()["step"]["label"] == "Merged 1 duplicate into “Song”"
    assert merged.json()["version"] == library.version > found["version"]
    assert (await api.client.get("/api/library/duplicates")).json() == {
        **found,
        "groups": [],
        "version": library.version,
    }
    assert (await api.client.get(f"/api/library/tracks/{other}")).status_code == 404
    assert (await api.client.get(f"/api/library/tracks/{keep}")).json()["play_count"] == 5
    assert (await api.client.get("/api/undo")).json()["undo"] == merged.json()["step"]

    undone = await api.client.post("/api/undo", headers=api.token)
    assert undone.status_code == 200 and undone.json()["undone"] == merged.json()["step"]
    back = (await api.client.get(f"/api/library/tracks/{other}")).json()
    assert {k: v for k, v in back.items() if k != "changed_version"} == {
        k: v for k, v in before.items() if k != "changed_version"
    }
    assert (await api.client.get(f"/api/library/tracks/{keep}")).json()["play_count"] == 1
    assert [e.track_id for e in library.playlist_entries(playlist)] == [other, keep, other]

    redone = await api.client.post("/api/redo", headers=api.token)
    assert redone.status_code == 200
    assert (await api.client.get(f"/api/library/tracks/{other}")).status_code == 404
    assert [e.track_id for e in library.playlist_entries(playlist)] == [keep, keep, keep]


async def test_a_group_of_more_than_a_thousand_copies_is_merged_whole(api: Api) -> None:
    """The Duplicates page sends a whole group; the endpoint took at most 1,000 others, so a bigger group (a
    generated collection's placeholders made one of 12,034) could not be merged at all."""
    library = api.state.library
    assert library is not None
    ids = library.add_tracks(
        [(TrackValues(path=f"/m/copy{i}.mp3", title="Song", artist="Art"), []) for i in range(1_201)]
    )
    merged = await api.client.post("/api/library/merge", json={"keep": ids[0], "others": ids[1:]}, headers=api.token)
    assert merged.status_code == 200, merged.text[:300]
    assert merged.json()["step"]["label"] == "Merged 1,200 duplicates into “Song”"
    assert (await api.client.get("/api/library/tracks")).json()["total"] == 1


async def test_a_mapping_is_not_saved_while_an_import_runs(api: Api, demo: Demo) -> None:
    """ "Use this mapping" saves the mapping and imports again; when the import cannot start (one is already
    running), the answer is 409 and the mapping is not saved either: nothing half done."""
    await api.configure(demo)
    before = (await api.client.get("/api/traktor/config")).json()["path_mappings"]
    running = await api.client.post("/api/traktor/sync", headers=api.token)
    mapping = {"nml_prefix": "/Volumes/Elsewhere/", "local_prefix": str(demo.generated.files_dir)}
    refused = await api.client.post("/api/library/missing/mappings", json=mapping, headers=api.token)
    assert refused.status_code == 409, refused.text
    assert "already being imported" in refused.json()["error"]
    assert (await api.client.get("/api/traktor/config")).json()["path_mappings"] == before
    await api.state.service.wait(running.json()["operation_id"])

    # Once that import is done, the same click saves the mapping and imports again.
    saved = await api.client.post("/api/library/missing/mappings", json=mapping, headers=api.token)
    assert saved.status_code == 202, saved.text
    await api.state.service.wait(saved.json()["operation_id"])
    after = (await api.client.get("/api/traktor/config")).json()["path_mappings"]
    assert after != before and len(after) == len(before) + 1


async def test_an_import_started_while_the_mapping_is_saved_gets_a_409_that_says_it_is_saved(
    api: Api, demo: Demo, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The check before saving found no import, but one started before the mapping's own could: the mapping
    stays saved (it is what the DJ asked for) and the answer says so, rather than "not saved"."""
    await api.configure(demo)
    service = api.state.service

    async def passes(request: object = None) -> None:  # the import below starts after this check
        return None

    monkeypatch.setattr(service, "check_import_can_start", passes)
    running = await api.client.post("/api/traktor/sync", headers=api.token)
    mapping = {"nml_prefix": "/Volumes/Elsewhere/", "local_prefix": str(demo.generated.files_dir)}
    refused = await api.client.post("/api/library/missing/mappings", json=mapping, headers=api.token)
    assert refused.status_code == 409, refused.text
    assert refused.json()["error"].startswith("The mapping is saved, but the import could not start:")
    assert "/Volumes/Elsewhere/" in (await api.client.get("/api/traktor/config")).json()["path_mappings"]
    await service.wait(running.json()["operation_id"])


async def test_checking_every_file_marks_a_folder_moved_away_and_clears_it_when_back(
    api: Api, demo: Demo, home: Path
) -> None:
    await api.configure(demo)
    op = await api.run("/api/traktor/sync")
    assert op["status"] == "succeeded" and op["result"]["files_not_found"] == 0, op
    moved = home / "Moved"
    shutil.move(str(demo.generated.files_dir), str(moved))

    gone = await api.client.post("/api/library/missing/check", headers=api.token)
    assert gone.json() == {"marked": 120, "found": 0, "count": 120}, gone.text
    assert (await api.client.post("/api/library/missing/check", headers=api.token)).json() == {
        "marked": 0,
        "found": 0,
        "count": 120,
    }
    shutil.move(str(moved), str(demo.generated.files_dir))
    back = await api.client.post("/api/library/missing/check", headers=api.token)
    assert back.json() == {"marked": 0, "found": 120, "count": 0}, back.text
    # Marks are not edits: nothing waits for an export.
    assert (await api.client.get("/api/library/tracks", params={"filter": "pending"})).json()["total"] == 0
    assert (await api.client.post("/api/library/missing/check")).status_code == 403  # no token: refused


async def test_a_root_of_an_unknown_users_home_is_refused_plainly(api: Api) -> None:
    """``~0`` names the home of a user "0", which this computer does not have: Python's expanduser raises, and
    the suggestions and the folder search answered 500 (found by the schema fuzz). A 404 that says why."""
    for root in ("~0", "~nobody-here/Music"):
        suggested = await api.client.get("/api/library/missing/suggestions", params={"root": root})
        assert suggested.status_code == 404 and "not a folder on this computer" in suggested.json()["error"], root
        searched = await api.client.post("/api/library/relocate", json={"roots": [root]}, headers=api.token)
        assert searched.status_code == 404 and "not a folder on this computer" in searched.json()["error"], root


async def test_every_folder_that_cannot_be_searched_is_named_at_once(api: Api, home: Path) -> None:
    """Three folders typed, two of them wrong: the refusal names both (and why each), not the first alone, and
    no scan starts; the right folder alone is searched."""
    good = home / "Music"
    good.mkdir()
    roots = [str(good), "/no/such/folder", "/", str(home / "missing-too")]
    searched = await api.client.post("/api/library/relocate", json={"roots": roots}, headers=api.token)
    assert searched.status_code == 404, searched.text
    error = searched.json()["error"]
    assert error.startswith(
        f"Cannot search '/no/such/folder' and '{home / 'missing-too'}': they are not folders on this computer. "
        f"Cannot search '/': Harmony looks under {home}"
    ), error
    assert error.endswith(" only.") and "Music" not in error, error
    assert not api.state.service.recent_operations(), "a refused search ran nothing"
    suggested = await api.client.get("/api/library/missing/suggestions", params={"root": roots})
    assert suggested.status_code == 404 and suggested.json()["error"] == searched.json()["error"], suggested.text
    alone = await api.run("/api/library/relocate", {"roots": [str(good)]})
    assert alone["status"] == "succeeded", alone
