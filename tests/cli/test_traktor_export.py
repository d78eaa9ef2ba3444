"""`harmony traktor export|backups|restore|auto` from the command line."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from harmony import nml
from harmony.cli import app
from harmony.devtools.collection_gen import GeneratedCollection
from harmony.library import Library

from .setups import synced_collection

runner = CliRunner()
SRC = str(Path(__file__).resolve().parents[2] / "src")

EXPORT_KEYS = ["tracks_exported", "tracks_added", "tracks_removed", "playlists_exported", "backup_path"]


@pytest.fixture
def synced(tmp_path: Path) -> tuple[GeneratedCollection, list[str]]:
    """A generated collection imported into tmp_path/lib.db, with its path and mappings configured."""
    return synced_collection(tmp_path / "collection.nml", tmp_path / "lib.db", tracks=80, seed=4)


def _edit(tmp_path: Path, comment: str) -> None:
    with Library.open(tmp_path / "lib.db") as library:
        library.update_track(library.search_tracks(limit=1).tracks[0].id, {"comment": comment})


def test_export_json_keys_backup_and_written_edit(
    tmp_path: Path, synced: tuple[GeneratedCollection, list[str]]
) -> None:
    generated, base = synced
    _edit(tmp_path, "from the CLI")
    result = runner.invoke(app, [*base, "traktor", "export", "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert list(data)[: len(EXPORT_KEYS)] == EXPORT_KEYS and "seconds_per_phase" in data
    assert data["tracks_exported"] == 1 and data["backup_path"] and Path(data["backup_path"]).exists()
    assert any(t.comment == "from the CLI" for t in nml.load(generated.path).tracks)

    listed = runner.invoke(app, [*base, "traktor", "backups", "--json"])
    assert listed.exit_code == 0
    backups = json.loads(listed.stdout)
    assert [b["path"] for b in backups] == [data["backup_path"]] and backups[0]["tracks"] == 80


def test_export_dry_run_shows_the_change_and_writes_nothing(
    tmp_path: Path, synced: tuple[GeneratedCollection, list[str]]
) -> None:
    generated, base = synced
    _edit(tmp_path, "only a plan")
    before = generated.path.read_bytes()
    result = runner.invoke(app, [*base, "traktor", "export", "--dry-run"])
    assert result.exit_code == 0, result.output
    assert "Dry run" in result.stdout and "only a plan" in result.stdout
    assert "Would export 1 track" in result.stdout and "Exported" not in result.stdout
    # The summary an operation keeps (the Operations page, the API's result) speaks of a dry run in the future.
    as_json = runner.invoke(app, [*base, "traktor", "export", "--dry-run", "--json"])
    assert json.loads(as_json.stdout)["summary"] == "Would export 1 track"
    assert generated.path.read_bytes() == before


def test_a_track_too_large_for_the_collection_fails_the_dry_run_and_the_export_alike(
    tmp_path: Path, synced: tuple[GeneratedCollection, list[str]]
) -> None:
    """A library may hold a text longer than an edit takes (an older version, another tool): a track of over
    1 MB would make the collection unreadable. The preview says so as the export does; neither writes."""
    import sqlite3

    generated, base = synced
    _edit(tmp_path, "soon far too long")
    raw = sqlite3.connect(tmp_path / "lib.db")
    raw.execute("UPDATE tracks SET comment = ? WHERE comment = 'soon far too long'", ("x" * (1 << 20),))
    raw.commit()
    raw.close()
    before = generated.path.read_bytes()
    files = sorted(generated.path.parent.rglob("*"))
    for extra in (["--dry-run"], []):
        result = runner.invoke(app, [*base, "traktor", "export", *extra])
        assert result.exit_code == 1, (extra, result.output)
        said = result.output + str(result.exception)
        assert "would take 1.0 MB in the collection file" in said and "Nothing was written" in said, said
        assert generated.path.read_bytes() == before
        assert sorted(generated.path.parent.rglob("*")) == files  # no temporary file, no backup left behind


def test_no_backup_and_restore(tmp_path: Path, synced: tuple[GeneratedCollection, list[str]]) -> None:
    generated, base = synced
    original = generated.path.read_bytes()
    _edit(tmp_path, "one")
    assert runner.invoke(app, [*base, "traktor", "export", "--no-backup"]).exit_code == 0
    assert json.loads(runner.invoke(app, [*base, "traktor", "backups", "--json"]).stdout) == []
    _edit(tmp_path, "two")
    assert runner.invoke(app, [*base, "traktor", "export"]).exit_code == 0
    backup = json.loads(runner.invoke(app, [*base, "traktor", "backups", "--json"]).stdout)[0]["path"]
    exported_once = Path(backup).read_bytes()
    assert exported_once != original  # the backup holds the file as the first export left it
    restored = runner.invoke(app, [*base, "traktor", "restore", backup, "--json"])
    assert restored.exit_code == 0, restored.output
    assert generated.path.read_bytes() == exported_once
    assert json.loads(restored.stdout)["backup_path"]
    with Library.open(tmp_path / "lib.db") as library:
        operations = [(r.operation, r.status) for r in library.recent_operations(3)]
    assert operations == [("restore", "succeeded"), ("export", "succeeded"), ("export", "succeeded")]


def test_restore_of_a_damaged_backup_is_refused(tmp_path: Path, synced: tuple[GeneratedCollection, list[str]]) -> None:
    generated, base = synced
    bad = tmp_path / "bad.nml"
    bad.write_bytes(b"<NML")
    before = generated.path.read_bytes()
    result = runner.invoke(app, [*base, "traktor", "restore", str(bad)])
    assert result.exit_code != 0
    assert generated.path.read_bytes() == before
    # The operations journal keeps the attempt and why it failed, as it keeps a failed import.
    with Library.open(tmp_path / "lib.db") as library:
        record = library.recent_operations(1)[0]
    assert (record.operation, record.status) == ("restore", "failed")
    assert record.error and record.summary == "Restoring bad.nml failed"


def test_auto_runs_one_sync(tmp_path: Path, synced: tuple[GeneratedCollection, list[str]]) -> None:
    generated, base = synced
    _edit(tmp_path, "auto")
    result = runner.invoke(app, [*base, "traktor", "auto", "--direction", "bidirectional"])
    assert result.exit_code == 0, result.output
    assert "Import: No changes needed" in result.stdout and "Export: Exported 1 track" in result.stdout
    assert any(t.comment == "auto" for t in nml.load(generated.path).tracks)
    again = runner.invoke(app, [*base, "traktor", "auto", "--direction", "export"])
    assert "Export: nothing pending" in again.stdout
    bad = runner.invoke(app, [*base, "traktor", "auto", "--direction", "sideways"])
    assert bad.exit_code != 0


def test_watch_prints_a_line_per_operation_and_stops_on_ctrl_c(
    tmp_path: Path, synced: tuple[GeneratedCollection, list[str]]
) -> None:
    generated, base = synced
    process = subprocess.Popen(
        [sys.executable, "-m", "harmony", *base, "traktor", "watch", "--direction", "import"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env={**os.environ, "PYTHONPATH": SRC, "COLUMNS": "200"},
        text=True,
    )
    try:
        assert process.stdout is not None
        assert "Watching" in process.stdout.readline()
        startup = process.stdout.readline()  # the start-up sync
        assert "import succeeded" in startup and "No changes needed" in startup, startup
        raw = generated.path.read_bytes()
        generated.path.write_bytes(raw.replace(b'TITLE="', b'TITLE="Saved by Traktor ', 1))
        changed = process.stdout.readline()
        assert "import succeeded" in changed and "Updated 1 track" in changed, changed
    finally:
        process.send_signal(signal.SIGINT)
        try:
            process.communicate(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()  # a watch that ignored Ctrl-C must not outlive the failed test
            process.communicate()
            raise
    assert process.returncode == 130
