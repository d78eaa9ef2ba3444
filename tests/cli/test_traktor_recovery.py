"""`harmony traktor check|status|backups|restore|rebuild` from the command line."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from typer.testing import CliRunner

from harmony import nml
from harmony.cli import app
from harmony.devtools.collection_gen import GeneratedCollection
from harmony.library import Library

from .setups import synced_collection
from .test_traktor_export import _edit

runner = CliRunner()

CHECK_KEYS = {"status", "reason", "tracks", "playlists", "last_known_tracks", "last_known_playlists"}


@pytest.fixture
def synced(tmp_path: Path) -> tuple[GeneratedCollection, list[str]]:
    return synced_collection(tmp_path / "Traktor" / "collection.nml", tmp_path / "lib.db", tracks=60, seed=9)


def _json(base: list[str], *args: str, code: int = 0) -> object:
    result = runner.invoke(app, [*base, "traktor", *args, "--json"])
    assert result.exit_code == code, result.output
    return json.loads(result.stdout)


def test_check_says_ok_then_damaged_then_accepts(tmp_path: Path, synced: tuple[GeneratedCollection, list[str]]) -> None:
    generated, base = synced
    ok = _json(base, "check")
    assert isinstance(ok, dict) and set(ok) == CHECK_KEYS
    assert ok["status"] == "ok" and ok["tracks"] == ok["last_known_tracks"] == 60

    raw = generated.path.read_bytes()
    generated.path.write_bytes(raw[: len(raw) // 3])
    damaged = _json(base, "check", code=1)
    assert isinstance(damaged, dict) and damaged["status"] == "damaged" and damaged["tracks"] is None
    text = runner.invoke(app, [*base, "traktor", "check"])
    assert text.exit_code == 1 and "damaged" in text.output and "rebuild" in text.output

    generated.path.unlink()
    missing = _json(base, "check", code=1)
    assert isinstance(missing, dict) and missing["status"] == "missing"


def test_status_says_nothing_waits_after_the_only_edit_is_undone(
    synced: tuple[GeneratedCollection, list[str]], tmp_path: Path
) -> None:
    """The version moves with an undo too: status said "waiting to export" with 0 tracks beside it, where the
    library page and Preview Export said nothing waits (found in a walk-through)."""
    _, base = synced
    with Library.open(tmp_path / "lib.db") as library:
        library.edit_tracks([library.search_tracks(limit=1).tracks[0].id], {"comment": "then undone"})
    assert _json(base, "status")["pending_export"] is True  # type: ignore[index]
    with Library.open(tmp_path / "lib.db") as library:
        library.undo()
        assert library.pending_export  # the version moved
    status = _json(base, "status")
    assert isinstance(status, dict) and status["pending_export"] is False and status["pending_tracks"] == 0


def test_status_backups_restore_and_rebuild(tmp_path: Path, synced: tuple[GeneratedCollection, list[str]]) -> None:
    generated, base = synced
    _edit(tmp_path, "waiting")
    status = _json(base, "status")
    assert isinstance(status, dict)
    assert status["pending_export"] is True and status["pending_tracks"] == 1
    assert status["health"]["status"] == "ok" and status["status"] in ("idle", "waiting_for_traktor")
    assert {"running_operation", "auto_sync", "traktor_running", "message"} <= set(status)
    assert status["collection_changed"] is False  # as the sync read it

    later = generated.path.stat().st_mtime_ns + 9_000_000_000
    collection = nml.load(generated.path)
    collection.tracks[0].title = "Changed In Traktor"
    generated.path.write_bytes(collection.to_bytes())
    os.utime(generated.path, ns=(later, later))  # Traktor saved it since
    changed = _json(base, "status")
    assert isinstance(changed, dict) and changed["collection_changed"] is True
    assert changed["message"].endswith("Traktor's collection changed since the last sync: sync to bring its changes in")
    text = runner.invoke(app, [*base, "traktor", "status"])
    assert text.exit_code == 0 and "Since the last sync" in text.output and "saved again at" in text.output

    exported = runner.invoke(app, [*base, "traktor", "export", "--force"])
    assert exported.exit_code == 0, exported.output
    traktor_copy = generated.path.parent / "Backup" / "Collection" / "collection_old.nml"
    traktor_copy.parent.mkdir(parents=True)
    traktor_copy.write_bytes(b"<NML broken")
    copies = _json(base, "backups")
    assert isinstance(copies, list)
    assert {copy["source"] for copy in copies} == {"harmony", "traktor"}
    harmony = next(copy for copy in copies if copy["source"] == "harmony")
    assert harmony["tracks"] == 60 and harmony["playlists"] is not None and harmony["differs"] == "same counts as now"
    broken = next(copy for copy in copies if copy["source"] == "traktor")
    assert broken["tracks"] is None and broken["error"]

    # --force throughout: the machine is shared, and another test may be running a process called Traktor.
    refused = runner.invoke(app, [*base, "traktor", "restore", broken["path"], "--force"])
    assert refused.exit_code == 1 and "not a readable collection" in str(refused.exception)
    restored = _json(base, "restore", harmony["path"], "--force")
    assert isinstance(restored, dict) and restored["tracks"] == 60
    # The copy from before the export is back: older values, not Traktor's changes, and the status says so.
    after = _json(base, "status")
    assert isinstance(after, dict) and after["collection_restored"] is True
    assert "restored from a backup since the last sync" in after["message"]
    text = runner.invoke(app, [*base, "traktor", "status"])
    assert text.exit_code == 0 and "restored from a backup at" in text.output

    out = tmp_path / "rebuilt.nml"
    rebuilt = _json(base, "rebuild", str(out), "--force")
    assert isinstance(rebuilt, dict) and rebuilt["tracks"] == 60 and rebuilt["backup_path"] is None
    assert len(nml.load(out).tracks) == 60
    again = runner.invoke(app, [*base, "traktor", "rebuild", str(out), "--force"])
    assert again.exit_code == 1 and "--replace" in str(again.exception)
    replaced = _json(base, "rebuild", str(out), "--replace", "--force")
    assert isinstance(replaced, dict) and replaced["backup_path"] is not None
