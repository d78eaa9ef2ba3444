"""`harmony library stats|tracks|show|add|set`, with and without --json, always on a temporary library."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest
import soundfile
from mutagen.flac import FLAC
from typer.testing import CliRunner

from harmony.cli import app
from harmony.library import CueValues, InvalidFieldError, Library, TrackNotFoundError, TrackValues

runner = CliRunner()
SRC = Path(__file__).resolve().parents[2] / "src"


@pytest.fixture
def filled(library_path: Path) -> Path:
    with Library.open(library_path) as library:
        library.add_track(
            TrackValues(
                path="/m/1.mp3",
                title="Around the World",
                artist="Daft Punk",
                bpm=121.0,
                musical_key=21,
                rating=4,
            ),
            [CueValues(type=0, start=1500.0, hotcue=0, name="Drop")],
        )
        library.add_track(TrackValues(path="/m/2.mp3", title="Eple", artist="Röyksopp", key_text="8A"))
        library.create_playlist("One", track_ids=[1])
    return library_path


def _run(library_path: Path, *arguments: str) -> object:
    result = runner.invoke(app, ["--library", str(library_path), "library", *arguments])
    if result.exception and not isinstance(result.exception, SystemExit):
        raise result.exception
    return result


def test_stats_json(filled: Path) -> None:
    result = _run(filled, "stats", "--json")
    assert result.exit_code == 0  # type: ignore[attr-defined]
    assert json.loads(result.stdout) == {  # type: ignore[attr-defined]
        "tracks": 2,
        "cues": 1,
        "playlists": 1,
        "folders": 0,
        "version": 3,
        "last_exported_version": 0,
        "pending_export": True,
    }
    assert "Tracks" in _run(filled, "stats").stdout  # type: ignore[attr-defined]


def test_tracks_json_has_the_promised_keys(filled: Path) -> None:
    rows = json.loads(_run(filled, "tracks", "--json").stdout)  # type: ignore[attr-defined]
    assert [row["title"] for row in rows] == ["Around the World", "Eple"]
    assert {"id", "path", "title", "artist", "bpm", "key", "rating"} <= set(rows[0])
    assert (rows[0]["bpm"], rows[0]["key"], rows[0]["rating"]) == (121.0, "Am", 4)
    assert rows[1]["key"] == "8A"
    found = json.loads(_run(filled, "tracks", "--search", "royk", "--json").stdout)  # type: ignore[attr-defined]
    assert [row["id"] for row in found] == [2]
    limited = json.loads(_run(filled, "tracks", "--limit", "1", "--json").stdout)  # type: ignore[attr-defined]
    assert len(limited) == 1
    assert "Daft Punk" in _run(filled, "tracks").stdout  # type: ignore[attr-defined]


def test_the_key_is_shown_in_the_librarys_notation_as_the_web_app_shows_it(filled: Path) -> None:
    with Library.open(filled) as library:
        library.add_track(TrackValues(path="/m/3.mp3", title="Flat", artist="Zz", key_text="e♭"))
    rows = json.loads(_run(filled, "tracks", "--json").stdout)  # type: ignore[attr-defined]
    # Open Key, the default: A minor is 1m, 8A is 1m, Traktor 2's text "e♭" (E♭ minor) is 7m.
    assert [(row["key"], row["key_display"]) for row in rows] == [("Am", "1m"), ("8A", "1m"), ("e♭", "7m")]
    table = _run(filled, "tracks").stdout  # type: ignore[attr-defined]
    assert "7m" in table and "e♭" not in table
    assert json.loads(_run(filled, "show", "3", "--json").stdout)["key_display"] == "7m"  # type: ignore[attr-defined]
    with Library.open(filled) as library:
        library.save_settings(replace(library.settings(), key_notation="camelot"))
    rows = json.loads(_run(filled, "tracks", "--json").stdout)  # type: ignore[attr-defined]
    assert [row["key_display"] for row in rows] == ["8A", "8A", "2A"]


def test_show_json_includes_cues(filled: Path) -> None:
    data = json.loads(_run(filled, "show", "1", "--json").stdout)  # type: ignore[attr-defined]
    assert data["title"] == "Around the World"
    assert data["cues"] == [
        {
            "id": 1,
            "type": 0,
            "start": 1500.0,
            "length": 0.0,
            "hotcue": 0,
            "name": "Drop",
            "display_order": None,
            "repeats": None,
            "color": None,
            "grid_bpm": None,
        }
    ]
    assert "Drop" in _run(filled, "show", "1").stdout  # type: ignore[attr-defined]
    with pytest.raises(TrackNotFoundError):
        _run(filled, "show", "42")


def test_set_changes_fields_and_refuses_bad_ones(filled: Path) -> None:
    data = json.loads(
        _run(
            filled,
            "set",
            "1",
            "rating=2",
            "comment=warm-up",
            "release_date=1997-03-17",
            "lock=true",
            "--json",
        ).stdout  # type: ignore[attr-defined]
    )
    assert (data["rating"], data["comment"], data["release_date"], data["lock"]) == (
        2,
        "warm-up",
        "1997-03-17",
        True,
    )
    assert json.loads(_run(filled, "set", "1", "comment=", "--json").stdout)["comment"] is None  # type: ignore[attr-defined]
    with pytest.raises(InvalidFieldError, match="Unknown field 'ratng'"):
        _run(filled, "set", "1", "ratng=3")
    with pytest.raises(InvalidFieldError, match="at most 5"):
        _run(filled, "set", "1", "rating=6")
    with pytest.raises(InvalidFieldError, match="whole number"):
        _run(filled, "set", "1", "rating=four")
    with pytest.raises(InvalidFieldError, match="FIELD=VALUE"):
        _run(filled, "set", "1", "rating")
    with Library.open(filled) as library:
        assert library.get_track(1).track.values.rating == 2


def test_add_scans_files_and_reports_unreadable_ones(library_path: Path, tmp_path: Path) -> None:
    music = tmp_path / "music"
    music.mkdir()
    soundfile.write(str(music / "tune.flac"), np.zeros(4800, dtype=np.float32), 48_000)
    tags = FLAC(music / "tune.flac")
    tags["title"] = "Tune"
    tags.save()
    (music / "broken.mp3").write_bytes(b"\x00" * 100)
    data = json.loads(_run(library_path, "add", str(music), "--json").stdout)  # type: ignore[attr-defined]
    assert data["added"] == 1 and data["already_present"] == 0
    assert [Path(u["path"]).name for u in data["unreadable"]] == ["broken.mp3"]
    again = _run(library_path, "add", str(music))
    assert again.exit_code == 0  # type: ignore[attr-defined]
    assert "1 already in the library" in again.stdout  # type: ignore[attr-defined]
    missing = _run(library_path, "add", str(tmp_path / "nowhere"))
    assert missing.exit_code == 1  # type: ignore[attr-defined]


def test_errors_print_one_line_and_exit_non_zero(filled: Path) -> None:
    env = {**os.environ, "PYTHONPATH": str(SRC), "COLUMNS": "200"}
    done = subprocess.run(
        [sys.executable, "-m", "harmony", "--library", str(filled), "library", "set", "1", "rating=9"],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
    )
    assert done.returncode == 1
    assert done.stderr.strip().splitlines() == ["Error: Field 'rating' must be at most 5, not 9."]
