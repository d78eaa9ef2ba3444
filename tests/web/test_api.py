"""The JSON API, endpoint by endpoint, in-process through httpx."""

from __future__ import annotations

import asyncio
from pathlib import Path

import httpx

from harmony import nml
from harmony.library import Library

from .conftest import BASE, Api, Demo, build_app

OPERATION_KEYS = {"operation_id", "operation", "status", "phase", "percent", "message"}


async def test_config_defaults_and_partial_update(api: Api, demo: Demo) -> None:
    first = (await api.client.get("/api/traktor/config")).json()
    assert first["nml_path"] is None
    assert first["track_strategy"] == "smart_merge"
    assert first["auto_sync"]["debounce_ms"] == 5000

    body = {"track_strategy": "traktor_wins", "auto_sync": {"debounce_ms": 12_000, "enabled": True}}
    changed = await api.client.put("/api/traktor/config", json=body, headers=api.token)
    assert changed.status_code == 200
    data = changed.json()
    assert data["track_strategy"] == "traktor_wins"
    assert data["cue_strategy"] == "smart_merge"  # untouched
    assert data["auto_sync"]["debounce_ms"] == 12_000
    assert data["auto_sync"]["enabled"] is True
    assert data["auto_sync"]["direction"] == "bidirectional"  # untouched
    # It was stored, not just echoed.
    with Library.open(api.state.service.library_path) as library:
        assert library.settings().track_strategy == "traktor_wins"

    await api.configure(demo)
    data = (await api.client.get("/api/traktor/config")).json()
    assert data["nml_path"] == str(demo.nml)
    assert data["path_mappings"] == demo.mappings


async def test_config_refuses_bad_values(api: Api) -> None:
    for body in (
        {"auto_sync": {"debounce_ms": 500}},  # below 1 s
        {"auto_sync": {"debounce_ms": 61_000}},  # above 60 s
        {"track_strategy": "loudest_wins"},
        {"backups_to_keep": 0},
        {"unknown": 1},
    ):
        response = await api.client.put("/api/traktor/config", json=body, headers=api.token)
        assert response.status_code == 422, body
        assert "error" in response.json()
    # A mapping the settings refuse (two spellings of the same NML folder) is the settings' own 400.
    response = await api.client.put(
        "/api/traktor/config", json={"path_mappings": {"C:/Music": "/a", "c:/music": "/b"}}, headers=api.token
    )
    assert response.status_code == 400
    assert "same NML folder" in response.json()["error"]
    assert (await api.client.get("/api/traktor/config")).json()["path_mappings"] == {}


async def test_info_counts_the_collection(api: Api, demo: Demo) -> None:
    await api.configure(demo)
    info = (await api.client.get("/api/traktor/info", headers=api.token)).json()
    assert info["nml_path"] == str(demo.nml)
    assert info["exists"] is True
    assert info["error"] is None
    collection = info["collection"]
    assert collection["tracks"] == demo.generated.tracks
    assert collection["version"] == demo.generated.version
    assert collection["cue_points"]["total"] == sum(demo.generated.cues_by_type.values())
    assert {"playlists", "folders"} <= collection.keys()
    assert "suggested_folder" in info
    assert info["library"]["last_import_at"] is None


async def test_info_explains_a_missing_or_broken_collection(api: Api, home: Path) -> None:
    missing = (
        await api.client.get("/api/traktor/info", params={"nml_path": str(home / "none.nml")}, headers=api.token)
    ).json()
    assert missing["exists"] is False
    assert "does not exist" in missing["error"]
    broken = home / "broken.nml"
    broken.write_text("<NML VERSION='19'><COLLECTION")
    answer = await api.client.get("/api/traktor/info", params={"nml_path": str(broken)}, headers=api.token)
    assert answer.status_code == 200
    assert answer.json()["collection"] is None
    assert answer.json()["error"].startswith("Failed to parse collection.nml")


async def test_sync_answers_202_at_once_then_imports(api: Api, demo: Demo) -> None:
    await api.configure(demo)
    response = await api.client.post("/api/traktor/sync", headers=api.token)
    assert response.status_code == 202
    accepted = response.json()
    assert accepted["status"] == "queued"  # nothing was awaited before answering
    op = await api.state.service.wait(accepted["operation_id"])
    assert op.status == "succeeded", op.error
    done = (await api.client.get(f"/api/operations/{op.id}")).json()
    assert done.keys() >= OPERATION_KEYS
    assert done["result"]["tracks_imported"] == demo.generated.tracks
    assert done["result"]["summary"].startswith(f"Imported {demo.generated.tracks:,} tracks")

    tracks = (await api.client.get("/api/library/tracks", params={"limit": 500})).json()
    assert tracks["total"] == demo.generated.tracks
    assert len(tracks["tracks"]) == demo.generated.tracks


async def test_sync_body_overrides_path_and_mappings(api: Api, demo: Demo) -> None:
    body = {"nml_path": str(demo.nml), "strategy": "traktor_wins", "path_mappings": demo.mappings}
    done = await api.run("/api/traktor/sync", body)
    assert done["status"] == "succeeded", done
    assert done["result"]["tracks_imported"] == demo.generated.tracks
    assert done["result"]["missing_files"] == []  # the mappings were used


async def test_sync_bad_body(api: Api, demo: Demo) -> None:
    bad = await api.client.post("/api/traktor/sync", json={"strategy": "nope"}, headers=api.token)
    assert bad.status_code == 422
    bad_map = await api.client.post("/api/traktor/sync", json={"path_mappings": {"": "/x"}}, headers=api.token)
    assert bad_map.status_code == 422  # the schema itself says what a mapping must be
    assert "pattern" not in bad_map.json()["error"]
    assert "NML_PREFIX=LOCAL_FOLDER" in bad_map.json()["error"]


async def test_second_import_of_same_collection_is_409(api: Api, demo: Demo) -> None:
    await api.configure(demo)
    first = await api.client.post("/api/traktor/sync", headers=api.token)
    second = await api.client.post("/api/traktor/sync", headers=api.token)
    assert second.status_code == 409
    assert "already being imported" in second.json()["error"]
    await api.state.service.wait(first.json()["operation_id"])


async def test_preview_has_summary_and_diff_and_changes_nothing(api: Api, demo: Demo) -> None:
    await api.configure(demo)
    done = await api.run("/api/traktor/preview")
    assert done["operation"] == "preview"
    assert done["status"] == "succeeded"
    assert done["result"]["tracks_imported"] == demo.generated.tracks
    assert done["result"]["applied"] is False
    assert done["diff"][0] == f"Tracks to import ({demo.generated.tracks}):"
    assert done["diff_lines"] >= demo.generated.tracks
    # The last line, the summary, speaks in the future tense: nothing was imported.
    assert done["diff"][-1].startswith("Would import ") and done["diff"][-1] == done["result"]["summary"]
    assert (await api.client.get("/api/library/tracks")).json()["total"] == 0


async def test_cancel_a_running_import(api: Api, demo: Demo) -> None:
    await api.configure(demo)
    started = (await api.client.post("/api/traktor/sync", headers=api.token)).json()
    answer = await api.client.post(f"/api/operations/{started['operation_id']}/cancel", headers=api.token)
    assert answer.status_code == 200
    assert answer.json() == {"operation_id": started["operation_id"], "cancelled": True}
    op = await api.state.service.wait(started["operation_id"])
    assert op.status == "cancelled"
    assert (await api.client.get("/api/library/tracks")).json()["total"] == 0
    again = await api.client.post(f"/api/operations/{op.id}/cancel", headers=api.token)
    assert again.json()["cancelled"] is False
    missing = await api.client.post("/api/operations/nope/cancel", headers=api.token)
    assert missing.status_code == 404


async def test_operations_list(api: Api, demo: Demo) -> None:
    await api.configure(demo)
    assert (await api.client.get("/api/operations")).json() == {"operations": [], "running": [], "queued": []}
    started = (await api.client.post("/api/traktor/preview", headers=api.token)).json()
    listing = (await api.client.get("/api/operations")).json()
    assert listing["operations"][0]["operation_id"] == started["operation_id"]
    assert started["operation_id"] in listing["queued"] + listing["running"]
    await api.state.service.wait(started["operation_id"])
    listing = (await api.client.get("/api/operations")).json()
    assert listing["operations"][0]["status"] == "succeeded"
    assert listing["running"] == listing["queued"] == []
    assert (await api.client.get("/api/operations/nope")).status_code == 404


async def test_tracks_search_sort_pages_and_detail(api: Api, demo: Demo) -> None:
    await api.configure(demo)
    await api.run("/api/traktor/sync")
    everything = (await api.client.get("/api/library/tracks", params={"limit": 500, "sort": "id"})).json()
    ids = [t["id"] for t in everything["tracks"]]
    assert ids == sorted(ids)

    page = (await api.client.get("/api/library/tracks", params={"limit": 10, "offset": 10, "sort": "id"})).json()
    assert [t["id"] for t in page["tracks"]] == ids[10:20]
    assert page["total"] == len(ids)

    by_bpm = (await api.client.get("/api/library/tracks", params={"sort": "-bpm", "limit": 500})).json()["tracks"]
    bpms = [t["bpm"] for t in by_bpm if t["bpm"] is not None]
    assert bpms == sorted(bpms, reverse=True)

    target = next(t for t in everything["tracks"] if t["title"])
    word = target["title"].split()[0]
    found = (await api.client.get("/api/library/tracks", params={"search": word, "limit": 500})).json()
    assert target["id"] in [t["id"] for t in found["tracks"]]
    assert 0 < found["total"] <= len(ids)

    bad_sort = await api.client.get("/api/library/tracks", params={"sort": "loudness"})
    assert bad_sort.status_code == 422
    assert "sort" in bad_sort.json()["error"]
    assert (await api.client.get("/api/library/tracks", params={"limit": 0})).status_code == 422

    with_cues = None
    for track in everything["tracks"]:
        detail = (await api.client.get(f"/api/library/tracks/{track['id']}")).json()
        if detail["cues"]:
            with_cues = detail
            break
    assert with_cues is not None
    cue = with_cues["cues"][0]
    assert {"type", "slot", "position", "length", "name", "color"} <= cue.keys()
    positions = [c["position"] for c in with_cues["cues"]]
    assert positions == sorted(positions)
    missing = await api.client.get("/api/library/tracks/999999")
    assert missing.status_code == 404
    assert "No track with id 999999" in missing.json()["error"]


async def test_playlist_tree(api: Api, demo: Demo) -> None:
    none_deleted = {"playlists": 0, "folders": 0}
    assert (await api.client.get("/api/playlists")).json() == {"nodes": [], "deleted_pending": none_deleted}
    await api.configure(demo)
    await api.run("/api/traktor/sync")
    nodes = (await api.client.get("/api/playlists")).json()["nodes"]

    def walk(items: list[dict[str, object]]) -> list[dict[str, object]]:
        out = []
        for node in items:
            out.append(node)
            if node["kind"] == "folder":
                out.extend(walk(node["children"]))  # type: ignore[arg-type]
        return out

    every = walk(nodes)
    lists = [n for n in every if n["kind"] in ("playlist", "smart list")]
    assert len(lists) == demo.generated.playlists + demo.generated.smart_lists
    assert any(n["kind"] == "folder" for n in every)
    assert sum(int(n["entry_count"]) for n in lists if n["kind"] == "playlist") > 0  # type: ignore[call-overload]

    # A synced playlist deleted waits for the export as much as one renamed: the tree has no node to mark for it,
    # so the answer counts it (the library page's "Pending export (0 tracks, 1 playlist)").
    assert (await api.client.get("/api/playlists")).json()["deleted_pending"] == none_deleted
    gone = next(n for n in lists if n["kind"] == "playlist")
    deleted = await api.client.delete(f"/api/playlists/{gone['id']}", headers=api.token)
    assert deleted.status_code == 200, deleted.text
    answer = (await api.client.get("/api/playlists")).json()
    assert answer["deleted_pending"] == {"playlists": 1, "folders": 0}
    assert not any(n["pending"] for n in walk(answer["nodes"]))  # nothing left to mark
    pending = (await api.client.get("/api/library/pending")).json()
    assert (pending["deleted_playlists"], pending["deleted_folders"]) == (1, 0)
    assert (await api.client.post("/api/undo", headers=api.token)).status_code == 200
    assert (await api.client.get("/api/playlists")).json()["deleted_pending"] == none_deleted


async def test_stats(api: Api, demo: Demo) -> None:
    await api.configure(demo)
    await api.run("/api/traktor/sync")
    stats = (await api.client.get("/api/stats")).json()
    assert set(stats["pools"]) == {"sync", "export"}
    sync_pool = stats["pools"]["sync"]
    assert sync_pool["completed"] >= 1
    assert {"p50", "p90", "p99", "max", "count"} <= sync_pool["run_time"].keys()
    assert stats["library"]["tracks"] == demo.generated.tracks
    assert stats["operations"] == {"running": 0, "queued": 0}


async def test_pages_render_with_the_session_token(api: Api) -> None:
    assert (await api.client.get("/")).headers["location"] == "/library"
    for path, marker in (("/library", 'id="tracks-table"'), ("/traktor", "Sync from Traktor")):
        page = await api.client.get(path)
        assert page.status_code == 200
        assert marker in page.text
        assert f'content="{api.state.guard.token}"' in page.text
        assert page.headers["x-frame-options"] == "DENY"
        assert "script-src 'self'" in page.headers["content-security-policy"]
    script = await api.client.get("/static/notifications.js")
    assert script.status_code == 200
    # A browser asks before it uses its copy (after an upgrade it ran old scripts beside new ones); unchanged, the
    # answer is a 304.
    assert script.headers["cache-control"] == "no-cache"
    again = await api.client.get("/static/notifications.js", headers={"If-None-Match": script.headers["etag"]})
    assert again.status_code == 304


async def test_openapi_lists_the_issue_paths(api: Api) -> None:
    schema = (await api.client.get("/openapi.json")).json()
    for path in (
        "/api/library/tracks",
        "/api/library/tracks/{track_id}",
        "/api/playlists",
        "/api/traktor/config",
        "/api/traktor/info",
        "/api/traktor/preview",
        "/api/traktor/sync",
        "/api/traktor/export",
        "/api/operations/{operation_id}/cancel",
        "/api/operations",
        "/api/stats",
        "/api/events",
        "/api/library/tracks/{track_id}/cues",
        "/api/library/tracks/{track_id}/cues/{cue_id}",
        "/api/folders",
        "/api/folders/{folder_id}",
        "/api/playlists/{playlist_id}",
        "/api/playlists/{playlist_id}/tracks",
        "/api/playlists/{playlist_id}/tracks/remove",
        "/api/playlists/{playlist_id}/tracks/move",
        "/api/undo",
        "/api/redo",
        "/api/library/pending",
    ):
        assert path in schema["paths"], path
    assert {"patch"} <= schema["paths"]["/api/library/tracks"].keys()
    assert {"patch"} <= schema["paths"]["/api/library/tracks/{track_id}"].keys()
    assert {"patch", "delete"} <= schema["paths"]["/api/library/tracks/{track_id}/cues/{cue_id}"].keys()
    assert {"patch", "delete"} <= schema["paths"]["/api/folders/{folder_id}"].keys()
    assert {"patch", "delete"} <= schema["paths"]["/api/playlists/{playlist_id}"].keys()
    assert {"get", "put"} <= schema["paths"]["/api/traktor/config"].keys()
    assert (await api.client.get("/docs")).status_code == 200


async def test_shutdown_cancels_running_operations(tmp_path: Path, home: Path, demo: Demo) -> None:
    app = build_app(tmp_path, home)
    transport = httpx.ASGITransport(app=app)
    async with app.router.lifespan_context(app), httpx.AsyncClient(transport=transport, base_url=BASE) as client:
        token = {"X-Harmony-Token": app.state.web.guard.token}
        await client.put("/api/traktor/config", json=demo.config(), headers=token)
        started = (await client.post("/api/traktor/sync", headers=token)).json()
        await asyncio.sleep(0.05)
    op = app.state.web.service.get(started["operation_id"])
    assert op.status in ("cancelled", "succeeded")  # never left running or half-done
    assert app.state.web.service.log.active() == []
    stats = app.state.web.service.manager.stats()
    assert all(pool.total_workers == 0 for pool in stats.values())
    with Library.open(tmp_path / "library.db") as library:
        count = library.stats().tracks
    assert count in (0, demo.generated.tracks)  # all or nothing


def first_track_id(api: Api) -> int:
    with Library.open(api.state.service.library_path) as library:
        return library.search_tracks(limit=1, sort="id").tracks[0].id


async def test_export_answers_202_then_writes_with_a_backup(api: Api, demo: Demo) -> None:
    await api.configure(demo)
    await api.run("/api/traktor/sync")
    with Library.open(api.state.service.library_path) as library:
        library.update_track(first_track_id(api), {"comment": "exported from the web"})
    info = (await api.client.get("/api/traktor/info", headers=api.token)).json()
    assert info["library"]["pending_export"] is True

    response = await api.client.post("/api/traktor/export", headers=api.token)
    assert response.status_code == 202
    assert response.json()["operation"] == "export"
    assert response.json()["status"] == "queued"
    op = await api.state.service.wait(response.json()["operation_id"])
    assert op.status == "succeeded", op.error
    done = (await api.client.get(f"/api/operations/{op.id}")).json()
    result = done["result"]
    assert result["written"] is True
    backup = Path(result["backup_path"])
    assert backup.is_file()
    assert backup.parent == demo.nml.parent / "Backup" / "Harmony"
    assert {"tracks_exported", "tracks_added", "tracks_removed", "playlists_exported", "summary"} <= result.keys()
    assert b"exported from the web" in demo.nml.read_bytes()
    info = (await api.client.get("/api/traktor/info", headers=api.token)).json()
    assert info["library"]["pending_export"] is False
    assert info["library"]["last_export_at"] is not None


async def test_the_traktor_page_says_nothing_waits_once_the_only_edit_is_undone(api: Api, demo: Demo) -> None:
    # Its line said "Library edits are waiting to be exported", even after a reload, where the library page's
    # count and Preview Export said none (found in a walk-through): an undo moves the version too.
    await api.configure(demo)
    await api.run("/api/traktor/sync")
    with Library.open(api.state.service.library_path) as library:
        library.edit_tracks([first_track_id(api)], {"comment": "then undone"})
    info = (await api.client.get("/api/traktor/info", headers=api.token)).json()
    assert info["library"]["pending_export"] is True
    answer = await api.client.post("/api/undo", headers=api.token)
    assert answer.status_code == 200, answer.text
    for url in ("/api/traktor/info", "/api/traktor/status"):
        data = (await api.client.get(url, headers=api.token)).json()
        assert (data["library"] if url.endswith("info") else data)["pending_export"] is False, url


async def test_export_dry_run_shows_the_diff_and_writes_nothing(api: Api, demo: Demo) -> None:
    await api.configure(demo)
    await api.run("/api/traktor/sync")
    nothing = await api.run("/api/traktor/export", {"dry_run": True})
    assert nothing["operation"] == "export_preview"
    assert nothing["status"] == "succeeded", nothing["error"]
    assert nothing["result"]["nothing_to_export"] is True  # nothing pending: nothing to write

    with Library.open(api.state.service.library_path) as library:
        library.update_track(first_track_id(api), {"comment": "only previewed"})
    before = demo.nml.read_bytes()
    done = await api.run("/api/traktor/export", {"dry_run": True})
    assert done["operation"] == "export_preview"
    assert done["result"]["dry_run"] is True and done["result"]["written"] is False
    assert done["result"]["nothing_to_export"] is False
    assert any("only previewed" in line for line in done["diff"]), done["diff"]
    assert done["diff_lines"] == len(done["diff"])
    assert done["diff"][-1] == "Would export 1 track"  # a preview speaks in the future tense
    assert demo.nml.read_bytes() == before
    info = (await api.client.get("/api/traktor/info", headers=api.token)).json()
    assert info["library"]["pending_export"] is True  # a preview exports nothing
    assert info["library"]["last_export_at"] is None


async def test_an_export_that_can_only_leave_out_says_how_many_it_leaves_out(api: Api, demo: Demo) -> None:
    """A second playlist of a name in one folder (an undo of a deletion can bring one back beside a new one):
    Traktor's collection cannot take it, so the export leaves it out. With nothing else to write, the answer said
    "nothing to export" alone, and the pages said every edit was in the collection."""
    await api.configure(demo)
    await api.run("/api/traktor/sync")
    with Library.open(api.state.service.library_path) as library:
        taken = next(node.name for node in library.playlist_tree())
        library.create_playlist(taken)  # not a DJ's edit, which refuses the name (the store writes what it is given)
    preview = await api.run("/api/traktor/export", {"dry_run": True})
    assert preview["status"] == "succeeded", preview["error"]
    result = preview["result"]
    assert result["nothing_to_export"] is True and result["left_out"] == 1
    assert "Left out (1):" in preview["diff"], preview["diff"]
    assert any("already holds a playlist or folder named" in line for line in preview["diff"]), preview["diff"]
    exported = await api.run("/api/traktor/export", {"force": True})
    assert exported["result"]["written"] is False and exported["result"]["left_out"] == 1


async def test_export_body_and_failures(api: Api, demo: Demo) -> None:
    await api.configure(demo)
    await api.run("/api/traktor/sync")
    with Library.open(api.state.service.library_path) as library:
        library.update_track(first_track_id(api), {"comment": "no backup asked"})
    body = {"nml_path": str(demo.nml), "strategy": "harmony_wins", "path_mappings": demo.mappings, "backup": False}
    done = await api.run("/api/traktor/export", body)
    assert done["status"] == "succeeded", done
    assert done["result"]["backup_path"] is None
    assert not (demo.nml.parent / "Backup" / "Harmony").exists()

    assert (await api.client.post("/api/traktor/export", json={"strategy": "x"}, headers=api.token)).status_code == 422
    assert (await api.client.post("/api/traktor/export", json={"force": "maybe"}, headers=api.token)).status_code == 422
    assert (await api.client.post("/api/traktor/export")).status_code == 403  # no token, no same origin

    # A write that cannot happen (the backup folder is blocked by a file) fails with the reason, file untouched.
    with Library.open(api.state.service.library_path) as library:
        library.update_track(first_track_id(api), {"comment": "never written"})
    before = demo.nml.read_bytes()
    (demo.nml.parent / "Backup").write_bytes(b"a file where the backup folder should be")
    failed = await api.run("/api/traktor/export")
    assert failed["status"] == "failed"
    assert "back up" in failed["error"]
    assert "result" not in failed
    assert demo.nml.read_bytes() == before


async def test_second_export_of_same_collection_is_409(api: Api, demo: Demo) -> None:
    await api.configure(demo)
    await api.run("/api/traktor/sync")
    first = await api.client.post("/api/traktor/export", headers=api.token)
    second = await api.client.post("/api/traktor/export", headers=api.token)
    assert first.status_code == 202
    assert second.status_code == 409
    assert "already being exported" in second.json()["error"]
    await api.state.service.wait(first.json()["operation_id"])


async def test_a_path_mapping_with_equals_signs_round_trips(api: Api, demo: Demo) -> None:
    """An NML prefix holding "=" used to be stored as "a=b=c" and read back as another mapping."""
    mappings = {"Music=Old/Live=Sets": "/home/dj/Live=Sets", **demo.mappings}
    saved = await api.client.put("/api/traktor/config", json={"path_mappings": mappings}, headers=api.token)
    assert saved.status_code == 200, saved.text
    assert saved.json()["path_mappings"] == mappings
    assert (await api.client.get("/api/traktor/config")).json()["path_mappings"] == mappings
    done = await api.run("/api/traktor/preview", {"nml_path": str(demo.nml), "path_mappings": {"Music=Old": "/x=y"}})
    assert done["status"] == "succeeded", done


def _remove_entries(path: Path, count: int) -> None:
    """Remove the first ``count`` entries from the collection file, as Traktor would."""
    collection = nml.load(path.read_bytes())
    for track in list(collection.tracks)[:count]:
        collection.remove_track(track)
    path.write_bytes(collection.to_bytes())


async def test_sync_removing_much_of_the_library_fails_until_allowed(api: Api, demo: Demo) -> None:
    await api.configure(demo)
    first = await api.run("/api/traktor/sync")
    assert first["status"] == "succeeded", first
    total = demo.generated.tracks
    _remove_entries(demo.nml, total // 2)

    refused = await api.run("/api/traktor/sync")
    assert refused["status"] == "failed"
    assert refused["error_code"] == "mass_removal"
    assert f"remove {total // 2} of {total} tracks" in refused["error"]
    assert "--" not in refused["error"]  # the page asks with its buttons: no command-line flags in its words
    tracks = (await api.client.get("/api/library/tracks", params={"limit": 1})).json()
    assert tracks["total"] == total  # nothing was changed

    allowed = await api.run("/api/traktor/sync", {"allow_mass_removal": True})
    assert allowed["status"] == "succeeded", allowed
    assert allowed["result"]["tracks_removed"] == total // 2
    tracks = (await api.client.get("/api/library/tracks", params={"limit": 1})).json()
    assert tracks["total"] == total - total // 2
