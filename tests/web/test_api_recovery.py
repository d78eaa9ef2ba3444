"""The recovery API: status, health, backups, restore (only listed copies), rebuild, and the operations journal."""

from __future__ import annotations

import os
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from harmony import nml
from harmony.library import Library

from ..service.stand_in import start_traktor
from .conftest import Api, Demo

CHECK_KEYS = {"status", "reason", "tracks", "playlists", "last_known_tracks", "last_known_playlists"}


async def test_health_backups_restore_and_history(api: Api, demo: Demo, tmp_path: Path) -> None:
    await api.configure(demo)
    assert (await api.run("/api/traktor/sync"))["status"] == "succeeded"
    with Library.open(api.state.service.library_path) as library:  # an edit, so the export writes (and backs up)
        library.update_track(library.search_tracks(limit=1).tracks[0].id, {"comment": "exported"})
    assert (await api.run("/api/traktor/export", {"force": True}))["status"] == "succeeded"

    check = (await api.client.get("/api/traktor/check")).json()
    assert set(check) == CHECK_KEYS and check["status"] == "ok" and check["tracks"] == demo.generated.tracks
    status = (await api.client.get("/api/traktor/status")).json()
    assert status["health"] == check and status["pending_export"] is False and status["running_operation"] is None

    good = demo.nml.read_bytes()
    demo.nml.write_bytes(b"")
    damaged = (await api.client.get("/api/traktor/status")).json()
    assert damaged["status"] == "damaged" and "empty" in damaged["health"]["reason"]

    listed = (await api.client.get("/api/traktor/backups")).json()
    assert "analys" in listed["rebuild_note"]
    copies = listed["backups"]
    assert copies and all(copy["source"] == "harmony" for copy in copies)
    assert copies[0]["differs"] == "the current file cannot be read"

    outside = tmp_path / "elsewhere.nml"
    outside.write_bytes(good)
    for path in (str(outside), "/etc/passwd", f"{demo.nml.parent}/Backup/../collection.nml"):
        refused = await api.client.post("/api/traktor/restore", json={"path": path}, headers=api.token)
        assert refused.status_code == 404, (path, refused.text)  # not one of the listed backups
    assert demo.nml.read_bytes() == b""

    compared = await api.client.post(
        "/api/traktor/backups/compare", json={"path": copies[0]["path"]}, headers=api.token
    )
    assert compared.status_code == 200, compared.text
    assert compared.json()["only_in_backup"] == demo.generated.tracks and compared.json()["current_counts"] is None
    assert compared.json()["changed"] == 0 and compared.json()["playlists_differ"] is None

    restored = await api.client.post(
        "/api/traktor/restore", json={"path": copies[0]["path"], "force": True}, headers=api.token
    )
    assert restored.status_code == 200, restored.text
    assert restored.json()["tracks"] == demo.generated.tracks
    assert restored.json()["auto_sync"] is False  # the page says a sync by hand brings the values in
    # Auto-sync is off: the restore asks for no import (the library is not made to follow the older copy).
    assert api.state.auto_sync is not None and not api.state.auto_sync.status.pending
    assert len(nml.load(demo.nml).tracks) == demo.generated.tracks
    assert (await api.client.get("/api/traktor/check")).json()["status"] == "ok"
    # The copy differs from the file the export wrote: told apart from a save of Traktor's, by the status and
    # the command line, since a sync would now bring older values in.
    after = (await api.client.get("/api/traktor/status")).json()
    assert after["collection_changed"] is True and after["collection_restored"] is True, after
    assert after["collection_restored_from"].startswith("Restored ")
    assert "restored from a backup since the last sync" in after["message"]

    journal = (await api.client.get("/api/history")).json()["operations"]
    # The copies refused as not listed never reached the worker and are not in it; the restore that wrote is.
    assert [record["operation"] for record in journal] == ["restore", "export", "import"]
    restore = journal[0]
    assert restore["status"] == "succeeded" and restore["nml_path"] == str(demo.nml)
    assert restore["summary"] == f"Restored {Path(copies[0]['path']).name}: {demo.generated.tracks} tracks, " + (
        f"{restored.json()['playlists']} playlists"
    )
    assert restore["counts"]["tracks"] == demo.generated.tracks and restore["seconds"] >= 0
    assert journal[1]["counts"]["written"] is True  # the export wrote the file (what the last sync's line asks)
    assert all(record["trigger"] == "manual" and "pools" not in record for record in journal)
    only_imports = (await api.client.get("/api/history?operation=import")).json()["operations"]
    assert [record["operation"] for record in only_imports] == ["import"]
    assert (await api.client.get("/api/history?trigger=auto-sync")).json()["operations"] == []


async def test_a_restore_says_whether_auto_sync_brings_its_values_in(api: Api, demo: Demo) -> None:
    """With auto-sync on, a restore starts a run: it imports the restored file in both directions or "import",
    but a run that only exports brings nothing in, and the notice must not promise it."""
    await api.configure(demo)
    assert (await api.run("/api/traktor/sync"))["status"] == "succeeded"
    with Library.open(api.state.service.library_path) as library:
        library.update_track(library.search_tracks(limit=1).tracks[0].id, {"comment": "exported"})
    assert (await api.run("/api/traktor/export", {"force": True}))["status"] == "succeeded"
    copy = (await api.client.get("/api/traktor/backups")).json()["backups"][0]["path"]
    auto_sync = api.state.auto_sync
    assert auto_sync is not None
    for direction, imports in (("export", False), ("bidirectional", True), ("import", True)):
        changed = await api.client.put(
            "/api/traktor/config",
            json={"auto_sync": {"enabled": True, "direction": direction, "on_startup": False}},
            headers=api.token,
        )
        assert changed.status_code == 200, changed.text
        await auto_sync.settled()
        restored = await api.client.post("/api/traktor/restore", json={"path": copy, "force": True}, headers=api.token)
        assert restored.status_code == 200, restored.text
        assert restored.json()["auto_sync"] is imports, direction
        await auto_sync.settled()
    # The last run imported the restored file: in step again, nothing said about a restore.
    after = (await api.client.get("/api/traktor/status")).json()
    assert after["collection_changed"] is False and after["collection_restored"] is False, after


async def test_rebuild_is_an_operation(api: Api, demo: Demo) -> None:
    await api.configure(demo)
    assert (await api.run("/api/traktor/sync"))["status"] == "succeeded"
    done = await api.run("/api/traktor/rebuild", {"force": True})
    assert done["status"] == "succeeded", done.get("error")
    assert done["operation"] == "rebuild" and done["result"]["tracks"] == demo.generated.tracks
    assert done["result"]["backup_path"] is not None
    assert len(nml.load(demo.nml).tracks) == demo.generated.tracks


async def test_writes_refused_while_traktor_runs_say_so_plainly(api: Api, demo: Demo, tmp_path: Path) -> None:
    await api.configure(demo)
    assert (await api.run("/api/traktor/sync"))["status"] == "succeeded"
    before = demo.nml.read_bytes()
    traktor = start_traktor(tmp_path)
    try:
        refused = await api.run("/api/traktor/rebuild")
        assert refused["status"] == "failed" and refused["error_code"] == "traktor_running"
        words = refused["error"]
        assert words.startswith("Traktor is running (Traktor Pro 4") and "write anyway" in words
        assert "--" not in words and "step" not in words, words  # a DJ's words: no flags, no write steps
        assert demo.nml.read_bytes() == before

        copy = demo.nml.parent / "Backup" / "Traktor" / "collection.nml"  # a copy Traktor keeps
        copy.parent.mkdir(parents=True)
        copy.write_bytes(before)
        restore = await api.client.post("/api/traktor/restore", json={"path": str(copy)}, headers=api.token)
        assert restore.status_code == 409
        assert restore.json()["error"].startswith("Traktor is running") and "--" not in restore.json()["error"]
        assert demo.nml.read_bytes() == before

        anyway = await api.run("/api/traktor/rebuild", {"force": True})
        assert anyway["status"] == "succeeded", anyway.get("error")
    finally:
        traktor.kill()
    assert len(nml.load(demo.nml).tracks) == demo.generated.tracks


async def test_the_status_says_when_traktor_saved_the_collection_after_the_last_sync(api: Api, demo: Demo) -> None:
    """With auto-sync off nothing imports Traktor's changes by itself: the status says the file was saved since
    the last sync (the pages then offer "Sync now"), until a sync or an export has read or written it again."""
    await api.configure(demo)

    async def status() -> dict[str, Any]:
        answer = await api.client.get("/api/traktor/status")
        assert answer.status_code == 200, answer.text
        return answer.json()

    def saved_by_traktor(seconds_later: int, title: str | None = None) -> None:
        """The file written again, as Traktor does when it quits: with a title changed, or the same bytes."""
        if title is not None:
            collection = nml.load(demo.nml)
            collection.tracks[-1].title = title
            demo.nml.write_bytes(collection.to_bytes())
        os.utime(demo.nml, ns=(time.time_ns(), demo.nml.stat().st_mtime_ns + seconds_later * 1_000_000_000))

    never = await status()  # nothing was ever synced: nothing to compare with, nothing said
    assert never["collection_changed"] is False and never["collection_saved_at"] is None

    assert (await api.run("/api/traktor/sync"))["status"] == "succeeded"
    synced = await status()
    assert synced["collection_changed"] is False and synced["message"] == "Library and collection are in step"

    saved_by_traktor(3)  # Traktor quit with nothing changed: the same bytes, saved again
    assert (await status())["collection_changed"] is False

    saved_by_traktor(5, "Changed In Traktor")
    changed = await status()
    assert changed["collection_changed"] is True and changed["status"] == "idle"
    assert changed["message"] == "Traktor's collection changed since the last sync: sync to bring its changes in"
    saved = datetime.fromisoformat(changed["collection_saved_at"]).replace(tzinfo=UTC)
    assert abs(saved.timestamp() - demo.nml.stat().st_mtime) < 1

    assert (await api.run("/api/traktor/sync"))["status"] == "succeeded"  # brings the title in, records the file
    assert (await status())["collection_changed"] is False

    with Library.open(api.state.service.library_path) as library:
        library.update_track(library.search_tracks(limit=1).tracks[0].id, {"comment": "waits"})
    saved_by_traktor(10, "Changed Again")
    both = await status()
    assert both["collection_changed"] is True
    assert both["message"] == (
        "1 track waits to be exported; Traktor's collection changed since the last sync: sync to bring its changes in"
    )

    assert (await api.run("/api/traktor/sync"))["status"] == "succeeded"
    assert (await api.run("/api/traktor/export", {"force": True}))["status"] == "succeeded"
    assert (await status())["collection_changed"] is False  # the export recorded the file it wrote

    demo.nml.unlink()  # no file: nothing to compare, the health says what is wrong
    gone = await status()
    assert gone["collection_changed"] is False and gone["status"] == "missing"


async def test_an_export_over_traktors_unimported_changes_leaves_them_to_sync(api: Api, demo: Demo) -> None:
    """Traktor saved a title since the last sync, and the DJ exports before syncing. The export keeps Traktor's
    title in the file, but the library does not have it yet: the status must go on saying the collection changed
    since the last sync (it said "in step" and the notice went), and the next sync brings the title in."""
    await api.configure(demo)
    assert (await api.run("/api/traktor/sync"))["status"] == "succeeded"
    collection = nml.load(demo.nml)
    collection.tracks[0].title = "Renamed In Traktor"
    demo.nml.write_bytes(collection.to_bytes())
    with Library.open(api.state.service.library_path) as library:
        library.update_track(library.search_tracks(limit=1, sort="id").tracks[0].id, {"comment": "from Harmony"})

    assert (await api.run("/api/traktor/export", {"force": True}))["status"] == "succeeded"
    written = nml.load(demo.nml)
    assert written.tracks[0].title == "Renamed In Traktor"  # the export kept Traktor's change
    with Library.open(api.state.service.library_path) as library:
        assert library.search_tracks("Renamed In Traktor").total == 0  # and nothing brought it in
    status = (await api.client.get("/api/traktor/status")).json()
    assert status["collection_changed"] is True and status["pending_export"] is False, status

    synced = await api.run("/api/traktor/sync")
    assert synced["status"] == "succeeded" and synced["result"]["summary"].startswith("Updated 1 track"), synced
    with Library.open(api.state.service.library_path) as library:
        assert library.search_tracks("Renamed In Traktor").total == 1
    assert (await api.client.get("/api/traktor/status")).json()["collection_changed"] is False

    # An export of a file the library is in step with records the file it wrote, as before.
    with Library.open(api.state.service.library_path) as library:
        library.update_track(library.search_tracks(limit=1, sort="id").tracks[0].id, {"comment": "again"})
    assert (await api.run("/api/traktor/export", {"force": True}))["status"] == "succeeded"
    assert (await api.client.get("/api/traktor/status")).json()["collection_changed"] is False


async def test_the_backups_list_reuses_what_it_read_before(api: Api, demo: Demo) -> None:
    """The list reads each copy once: the readings of the last listing go with the next one to the worker, and
    a file's reading is reused while its stamp (path, size, time, inode) holds. Shown by a reading planted for
    the backup: the next listing shows it instead of reading the file."""
    await api.configure(demo)
    assert (await api.run("/api/traktor/sync"))["status"] == "succeeded"
    with Library.open(api.state.service.library_path) as library:
        library.update_track(library.search_tracks(limit=1).tracks[0].id, {"comment": "exported"})
    assert (await api.run("/api/traktor/export", {"force": True}))["status"] == "succeeded"
    first = (await api.client.get("/api/traktor/backups")).json()["backups"]
    assert first and first[0]["differs"] == "same counts as now", first
    recovery = api.state.service.recovery
    backup = Path(first[0]["path"])
    readings = recovery._copy_readings.known(demo.nml)
    copy = next(stamp for stamp in readings if stamp[0] == str(backup))
    readings[copy] = ((demo.generated.tracks + 5, first[0]["playlists"]), None)
    recovery._copy_readings.keep(demo.nml, readings)
    planted = (await api.client.get("/api/traktor/backups")).json()["backups"]
    assert planted[0]["differs"] == "5 more tracks than now", planted
    # A write of the file gives it another stamp: read again, not taken from the planted reading.
    backup.write_bytes(backup.read_bytes())
    os.utime(backup, ns=(time.time_ns(), time.time_ns() + 5_000_000_000))
    again = (await api.client.get("/api/traktor/backups")).json()["backups"]
    assert again[0]["differs"] == "same counts as now", again


async def test_a_comparison_names_the_tracks_an_export_changed(api: Api, demo: Demo) -> None:
    """The backup an export made holds the same tracks with the older values of the one it changed: the
    comparison names that track, where it said "0 only in the backup, 0 only in the current file"."""
    await api.configure(demo)
    assert (await api.run("/api/traktor/sync"))["status"] == "succeeded"
    with Library.open(api.state.service.library_path) as library:
        track = library.search_tracks(limit=1).tracks[0]
        library.update_track(track.id, {"comment": "changed in Harmony"})
    assert (await api.run("/api/traktor/export", {"force": True}))["status"] == "succeeded"
    copy = (await api.client.get("/api/traktor/backups")).json()["backups"][0]
    compared = await api.client.post("/api/traktor/backups/compare", json={"path": copy["path"]}, headers=api.token)
    assert compared.status_code == 200, compared.text
    found = compared.json()
    assert (found["only_in_backup"], found["only_in_current"], found["changed"]) == (0, 0, 1), found
    assert found["playlists_differ"] is False
    changed_key = found["changed_sample"][0]
    assert nml.load(demo.nml).track_by_key(changed_key).comment == "changed in Harmony"  # type: ignore[union-attr]


async def test_no_collection_yet_answers_no_backups_and_what_to_do(
    api: Api, demo: Demo, home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Nothing chosen and nothing where Traktor keeps its collection: an empty list and what to do on the page,
    not a refusal in the command line's words; with a collection chosen, its backups."""
    monkeypatch.setenv("HOME", str(home / "empty-home"))
    listed = await api.client.get("/api/traktor/backups")
    assert listed.status_code == 200, listed.text
    assert listed.json()["backups"] == [] and "Type the path of your collection.nml" in listed.json()["no_collection"]
    await api.configure(demo)
    chosen = (await api.client.get("/api/traktor/backups")).json()
    assert chosen["backups"] == [] and "no_collection" not in chosen
    # A chosen collection that is gone still lists its backups (they are how to get it back), with no such text.
    demo.nml.unlink()
    gone = await api.client.get("/api/traktor/backups")
    assert gone.status_code == 200 and "no_collection" not in gone.json(), gone.text
