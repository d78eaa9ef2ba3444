"""`harmony traktor sync` and `preview` from the command line: JSON keys, the diff, dry run, errors, Ctrl-C."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from typer.testing import CliRunner

from harmony import nml
from harmony.cli import app
from harmony.devtools.collection_gen import GeneratedCollection, generate_collection
from harmony.library import Library
from harmony.words import plural

from ..issue_keys import IMPORT_STATS_KEYS

runner = CliRunner()
SRC = str(Path(__file__).resolve().parents[2] / "src")


def _maps(generated: GeneratedCollection) -> list[str]:
    args: list[str] = []
    for volume, folder in generated.path_mappings.items():
        args += ["--map", f"{volume}={folder}"]
    return args


@pytest.fixture
def collection(tmp_path: Path) -> GeneratedCollection:
    return generate_collection(tmp_path / "collection.nml", tracks=120, seed=9, files_dir=tmp_path / "files")


def _sync(tmp_path: Path, generated: GeneratedCollection, *extra: str) -> tuple[int, str]:
    args = ["--library", str(tmp_path / "lib.db"), "traktor", "sync", "--nml", str(generated.path)]
    result = runner.invoke(app, [*args, *_maps(generated), *extra])
    return result.exit_code, result.stdout


def test_sync_json_has_the_issue_keys_and_a_second_sync_changes_nothing(
    tmp_path: Path, collection: GeneratedCollection
) -> None:
    code, out = _sync(tmp_path, collection, "--json")
    assert code == 0, out
    stats = json.loads(out)
    assert list(stats)[: len(IMPORT_STATS_KEYS)] == IMPORT_STATS_KEYS
    assert stats["tracks_imported"] == 120 and stats["applied"] is True
    code, out = _sync(tmp_path, collection)
    assert code == 0
    assert "No changes needed" in out


def test_sync_prints_the_summary_in_the_seeds_words(tmp_path: Path, collection: GeneratedCollection) -> None:
    code, out = _sync(tmp_path, collection)
    assert code == 0, out
    cues = sum(collection.cues_by_type.values())
    # Playlists as the collection's badges count them, smart lists apart.
    # "Imported" once for all it counts (it was said again for the playlists and the smart lists).
    expected = f"Imported 120 tracks, {plural(cues, 'cue point')}, {plural(collection.playlists, 'playlist')}"
    if collection.smart_lists:
        expected += f", {plural(collection.smart_lists, 'smart list')}"
    assert expected in " ".join(out.split())  # the console wraps long lines
    assert "saving:" in out and "parsing:" in out


def test_dry_run_and_preview_apply_nothing(tmp_path: Path, collection: GeneratedCollection) -> None:
    code, out = _sync(tmp_path, collection, "--dry-run")
    assert code == 0, out
    assert "Dry run" in out and "Would import 120 tracks" in out
    args = ["--library", str(tmp_path / "lib.db"), "traktor", "preview", "--nml", str(collection.path)]
    result = runner.invoke(app, [*args, *_maps(collection)])
    assert result.exit_code == 0, result.stdout
    assert "Tracks to import (120):" in result.stdout
    assert "Playlists and folders" in result.stdout
    with Library.open(tmp_path / "lib.db") as library:
        assert library.stats().tracks == 0 and library.version == 0


def test_preview_shows_field_changes_with_old_and_new_values(tmp_path: Path, collection: GeneratedCollection) -> None:
    assert _sync(tmp_path, collection)[0] == 0
    raw = collection.path.read_bytes()
    start = raw.index(b'TITLE="') + len(b'TITLE="')
    old_title = raw[start : raw.index(b'"', start)].decode()
    collection.path.write_bytes(raw[:start] + b"Renamed In Traktor" + raw[raw.index(b'"', start) :])
    args = ["--library", str(tmp_path / "lib.db"), "traktor", "preview", "--nml", str(collection.path)]
    result = runner.invoke(app, [*args, *_maps(collection), "--json"])
    assert result.exit_code == 0, result.stdout
    preview = json.loads(result.stdout)
    assert preview["tracks_updated"] == 1 and preview["fields_updated"] == {"title": 1}
    assert any(old_title in line and "Renamed In Traktor" in line for line in preview["diff"])
    assert preview["diff"][-1] == "Would update 1 track"  # nothing was updated


def test_bad_options_fail_in_one_line(tmp_path: Path, collection: GeneratedCollection) -> None:
    code, _ = _sync(tmp_path, collection, "--strategy", "loudest_wins")
    assert code != 0
    completed = subprocess.run(
        [
            sys.executable,
            "-m",
            "harmony",
            "--library",
            str(tmp_path / "lib.db"),
            "traktor",
            "sync",
            "--nml",
            str(collection.path),
            "--map",
            "no-equals-sign",
        ],
        capture_output=True,
        text=True,
        check=False,
        env={**os.environ, "PYTHONPATH": SRC},
    )
    assert completed.returncode == 1
    assert completed.stderr.count("\n") == 1 and "NML_PREFIX=LOCAL_FOLDER" in completed.stderr


def test_corrupt_collection_fails_and_says_why(tmp_path: Path) -> None:
    bad = tmp_path / "collection.nml"
    bad.write_bytes(b"<?xml version='1.0'?><NML VERSION='19'><COLLECTION ENTRIES='1'><ENTRY")
    completed = subprocess.run(
        [sys.executable, "-m", "harmony", "--library", str(tmp_path / "lib.db"), "traktor", "sync", "--nml", str(bad)],
        capture_output=True,
        text=True,
        check=False,
        env={**os.environ, "PYTHONPATH": SRC},
    )
    assert completed.returncode == 1
    assert "Error:" in completed.stderr and "line 1" in completed.stderr


# Slow: generates a 20,000-track collection so that the import can be interrupted mid-way.
@pytest.mark.slow
def test_ctrl_c_cancels_cleanly_with_exit_code_130(tmp_path: Path) -> None:
    generated = generate_collection(tmp_path / "big.nml", tracks=20_000, seed=2, files_dir=tmp_path / "files")
    library = tmp_path / "lib.db"
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "harmony",
            "--library",
            str(library),
            "traktor",
            "sync",
            "--nml",
            str(generated.path),
            *_maps(generated),
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env={**os.environ, "PYTHONPATH": SRC},
        start_new_session=True,  # the group gets the signal, as a terminal's Ctrl-C sends it
    )
    deadline = time.monotonic() + 60
    while not library.exists() and time.monotonic() < deadline:
        time.sleep(0.05)
    time.sleep(1.0)  # well inside the import: planning 20,000 tracks takes several seconds
    os.killpg(process.pid, signal.SIGINT)
    _, err = process.communicate(timeout=60)
    assert process.returncode == 130, err.decode()
    assert b"Cancelled" in err
    with sqlite3.connect(library) as conn:
        assert conn.execute("SELECT count(*) FROM tracks").fetchone() == (0,)
    assert not list(Path(tmp_path).glob("harmony-import-*.plan"))


def test_sync_that_would_remove_much_of_the_library_stops_until_allowed(
    tmp_path: Path, collection: GeneratedCollection
) -> None:
    code, out = _sync(tmp_path, collection)
    assert code == 0, out
    edited = nml.load(collection.path.read_bytes())
    for track in list(edited.tracks)[:30]:
        edited.remove_track(track)
    collection.path.write_bytes(edited.to_bytes())

    args = ["--library", str(tmp_path / "lib.db"), "traktor", "sync", "--nml", str(collection.path)]
    refused = runner.invoke(app, [*args, *_maps(collection)])
    assert refused.exit_code != 0
    assert "30 of 120 tracks (25%)" in str(refused.exception)
    assert "--allow-mass-removal" in str(refused.exception)  # the command line names its way out
    with Library.open(tmp_path / "lib.db") as library:
        assert library.stats().tracks == 120

    code, out = _sync(tmp_path, collection, "--allow-mass-removal", "--json")
    assert code == 0, out
    assert json.loads(out)["tracks_removed"] == 30
    with Library.open(tmp_path / "lib.db") as library:
        assert library.stats().tracks == 90
