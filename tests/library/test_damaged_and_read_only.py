"""A damaged library and a library on a read-only disk: each gets its own one-line message and exit code, no
traceback; ``harmony library check`` finds the damage and ``harmony library recover`` salvages what it can."""

from __future__ import annotations

import io
import json
import os
import shutil
import sqlite3
import subprocess
import sys
from contextlib import redirect_stderr, redirect_stdout
from dataclasses import dataclass
from pathlib import Path
from unittest import mock

import pytest

from harmony.cli import main
from harmony.library import Library
from harmony.library.errors import DamagedLibraryError, ReadOnlyLibraryError
from harmony.library.health import check_integrity
from harmony.library.recover import recover_library

from ..conftest import require
from .helpers import cue, damage_tracks, track

SRC = Path(__file__).resolve().parents[2] / "src"
READ_ONLY, DAMAGED = ReadOnlyLibraryError.exit_code, DamagedLibraryError.exit_code


@dataclass
class Ran:
    returncode: int
    stdout: str
    stderr: str


def _harmony(library: Path, *arguments: str) -> Ran:
    """``harmony --library LIBRARY ARGUMENTS`` through the console script's entry point, in this process."""
    with (
        mock.patch.object(sys, "argv", ["harmony", "--library", str(library), *arguments]),
        redirect_stdout(io.StringIO()) as out,
        redirect_stderr(io.StringIO()) as err,
    ):
        try:
            main()
            code = 0
        except SystemExit as leaving:
            code = leaving.code if isinstance(leaving.code, int) else 1
    return Ran(code, out.getvalue(), err.getvalue())


def _run(command: list[str]) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(SRC), "COLUMNS": "200"}
    return subprocess.run(command, capture_output=True, text=True, env=env, timeout=120, check=False)


def _one_line_error(result: Ran | subprocess.CompletedProcess[str]) -> str:
    assert "Traceback" not in result.stderr + result.stdout
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith("Error: "), result.stderr
    return lines[0]


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A library of 600 tracks (several pages of the tracks table), each with a cue, and a playlist."""
    path = tmp_path_factory.mktemp("template") / "library.db"
    with Library.open(path) as library:
        ids = [library.add_track(track(n, comment="x" * 200), [cue(1000.0 + n)]) for n in range(600)]
        library.create_playlist("Warm-up", track_ids=ids[:50])
    with sqlite3.connect(path) as raw:
        raw.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    return path


@pytest.fixture
def filled(template: Path, library_path: Path) -> Path:
    shutil.copyfile(template, library_path)
    return library_path


@pytest.fixture
def damaged(filled: Path) -> Path:
    damage_tracks(filled)
    return filled


def test_damaged_library_commands_say_so_in_one_line_with_their_own_exit_code(damaged: Path, tmp_path: Path) -> None:
    nml = tmp_path / "collection.nml"
    nml.write_bytes(
        b'<?xml version="1.0" encoding="UTF-8" standalone="no" ?>'
        b'<NML VERSION="19"><COLLECTION ENTRIES="0"></COLLECTION></NML>'
    )
    for arguments in (
        ("library", "tracks", "--limit", "1000"),
        ("traktor", "sync", "--nml", str(nml)),
        ("traktor", "export", "--nml", str(nml)),
    ):
        result = _harmony(damaged, *arguments)
        line = _one_line_error(result)
        assert result.returncode == DAMAGED, (arguments, result.stderr)
        assert "is damaged" in line and "harmony library check" in line and "harmony library recover" in line
        assert "not a Harmony library" not in line


def test_damaged_message_names_the_backup_made_before_an_upgrade(damaged: Path) -> None:
    backup = damaged.with_name(f"{damaged.name}.backup-20261101T100000000000Z-schema-0001.db")
    backup.write_bytes(b"")
    line = _one_line_error(_harmony(damaged, "library", "tracks", "--limit", "1000"))
    assert str(backup) in line


def test_check_finds_the_damage_and_recover_saves_the_rest(damaged: Path, tmp_path: Path) -> None:
    checked = _harmony(damaged, "library", "check", "--json")
    assert checked.returncode == DAMAGED
    report = json.loads(checked.stdout)
    assert report["ok"] is False and report["problems"]
    before = damaged.read_bytes()

    out = tmp_path / "recovered.db"
    recovered = _harmony(damaged, "library", "recover", str(out), "--json")
    assert recovered.returncode == 0, recovered.stderr
    salvage = json.loads(recovered.stdout)
    assert salvage["target_ok"] is True and not salvage["complete"]
    assert damaged.read_bytes() == before  # the damaged file is only read

    assert _harmony(out, "library", "check").returncode == 0
    with Library.open(out) as library:
        stats = library.stats()
        assert 100 < stats.tracks < 600  # most tracks saved, the damaged pages' lost
        assert stats.cues == stats.tracks  # cues of lost tracks dropped, the others kept
        assert stats.playlists == 1
        assert library.search_tracks("title", limit=1).total == stats.tracks  # the search index was rebuilt


def test_check_of_a_sound_library(filled: Path) -> None:
    result = _harmony(filled, "library", "check", "--json")
    assert result.returncode == 0 and json.loads(result.stdout)["ok"] is True
    assert check_integrity(filled).ok


def test_recover_refuses_to_overwrite(filled: Path, tmp_path: Path) -> None:
    out = tmp_path / "taken.db"
    out.write_bytes(b"keep me")
    line = _one_line_error(_harmony(filled, "library", "recover", str(out)))
    assert "already exists" in line and out.read_bytes() == b"keep me"
    with pytest.raises(Exception, match="already exists"):
        recover_library(filled, out)


def _read_only_mount_works() -> bool:
    if shutil.which("unshare") is None or not sys.platform.startswith("linux"):
        return False
    probe = _run(["unshare", "-rm", "sh", "-c", "mount -o remount,ro,bind / / 2>/dev/null; mount --bind /tmp /tmp"])
    return probe.returncode == 0


def _on_read_only_disk(folder: Path, *arguments: str) -> subprocess.CompletedProcess[str]:
    """Run ``harmony ARGUMENTS`` where ``folder`` is a read-only mount (a private mount namespace)."""
    harmony = " ".join(f"'{a}'" for a in [sys.executable, "-m", "harmony", *arguments])
    script = f"mount --bind '{folder}' '{folder}' && mount -o remount,ro,bind '{folder}' '{folder}' && exec {harmony}"
    return _run(["unshare", "-rm", "sh", "-c", script])


def test_read_only_library_is_read_and_refuses_changes(filled: Path, tmp_path: Path) -> None:
    require(_read_only_mount_works(), "needs `unshare -rm` (user namespaces) to mount a folder read-only")
    folder = tmp_path / "readonly"
    folder.mkdir()
    library = folder / "library.db"
    with sqlite3.connect(filled) as raw:
        raw.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    shutil.copyfile(filled, library)

    stats = _on_read_only_disk(folder, "--library", str(library), "library", "stats", "--json")
    assert stats.returncode == 0, stats.stderr
    assert json.loads(stats.stdout)["tracks"] == 600
    shown = _on_read_only_disk(folder, "--library", str(library), "library", "tracks", "--json", "--limit", "3")
    assert shown.returncode == 0 and len(json.loads(shown.stdout)) == 3

    changed = _on_read_only_disk(folder, "--library", str(library), "library", "set", "1", "rating=3")
    line = _one_line_error(changed)
    assert changed.returncode == READ_ONLY
    assert "read-only" in line and "not a Harmony library" not in line
    assert _on_read_only_disk(folder, "--library", str(library), "library", "check").returncode == 0
