"""`harmony traktor info`: counts from the elements, as a table or JSON; errors in one line."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from harmony.cli import app
from harmony.library import Library

from ..nml.test_load import ENTRY, document

runner = CliRunner()


def test_info_json_keys_and_counts(tmp_path: Path) -> None:
    path = tmp_path / "collection.nml"
    path.write_bytes(document(entries=ENTRY + ENTRY.replace("one.mp3", "two.mp3"), count=7))
    result = runner.invoke(app, ["traktor", "info", str(path), "--json"])
    assert result.exit_code == 0, result.output
    info = json.loads(result.stdout)
    assert list(info) == ["path", "version", "tracks", "playlists", "folders", "smart_lists", "cue_points"]
    assert info["path"] == str(path)
    assert info["version"] == 19
    assert info["tracks"] == 2
    assert info["playlists"] == 1
    assert info["folders"] == 1
    assert info["smart_lists"] == 0
    assert info["cue_points"] == {
        "total": 2,
        "cue": 0,
        "fade_in": 0,
        "fade_out": 0,
        "load": 0,
        "grid": 2,
        "loop": 0,
    }


def test_info_takes_the_collection_with_nml_as_sync_does(tmp_path: Path) -> None:
    path = tmp_path / "collection.nml"
    path.write_bytes(document(entries=ENTRY, count=1))
    result = runner.invoke(app, ["traktor", "info", "--nml", str(path), "--json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["path"] == str(path) and json.loads(result.stdout)["tracks"] == 1
    assert runner.invoke(app, ["traktor", "info", str(path), "--nml", str(path)]).exit_code == 0  # the same one
    spelled_otherwise = tmp_path / "sub" / ".." / "collection.nml"
    (tmp_path / "sub").mkdir()
    assert runner.invoke(app, ["traktor", "info", str(spelled_otherwise), "--nml", str(path)]).exit_code == 0
    other = tmp_path / "other.nml"
    both = runner.invoke(app, ["traktor", "info", str(other), "--nml", str(path)])
    assert both.exit_code == 2 and "give the collection once" in both.output


def test_info_table(tmp_path: Path) -> None:
    path = tmp_path / "collection.nml"
    path.write_bytes(document())
    result = runner.invoke(app, ["traktor", "info", str(path)])
    assert result.exit_code == 0
    assert "Tracks" in result.stdout and "Cue points" in result.stdout


def test_bad_file_is_one_line_and_non_zero(tmp_path: Path) -> None:
    path = tmp_path / "collection.nml"
    path.write_bytes(b"\x00\x01garbage")
    completed = subprocess.run(
        [sys.executable, "-m", "harmony", "traktor", "info", str(path)],
        capture_output=True,
        text=True,
        check=False,
        env={"PYTHONPATH": str(Path(__file__).resolve().parents[2] / "src"), "COLUMNS": "40"},
    )
    assert completed.returncode == 1
    assert completed.stdout == ""
    lines = completed.stderr.strip().splitlines()
    assert len(lines) == 1 and "not an XML file" in lines[0]


def test_info_without_a_path_uses_the_configured_collection(tmp_path: Path) -> None:
    configured = tmp_path / "mine" / "collection.nml"
    configured.parent.mkdir()
    configured.write_bytes(document(entries=ENTRY + ENTRY.replace("one.mp3", "two.mp3")))
    library_path = tmp_path / "lib.db"
    with Library.open(library_path) as library:
        library.save_settings(library.settings().updated(nml_path=str(configured)))
    result = runner.invoke(app, ["--library", str(library_path), "traktor", "info", "--json"])
    assert result.exit_code == 0, result.output
    info = json.loads(result.stdout)
    assert info["path"] == str(configured)
    assert info["tracks"] == 2


def test_info_without_a_path_or_setting_uses_the_newest_traktors(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    home = tmp_path / "home"
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home / ".config"))
    native_instruments = home / "Documents" / "Native Instruments"
    for version, entries in (("3.9.2", ENTRY), ("3.10.0", ENTRY + ENTRY.replace("one.mp3", "two.mp3"))):
        (native_instruments / f"Traktor {version}").mkdir(parents=True)
        (native_instruments / f"Traktor {version}" / "collection.nml").write_bytes(document(entries=entries))
    result = runner.invoke(app, ["--library", str(tmp_path / "lib.db"), "traktor", "info", "--json"])
    assert result.exit_code == 0, result.output
    info = json.loads(result.stdout)
    assert info["path"] == str(native_instruments / "Traktor 3.10.0" / "collection.nml")
    assert info["tracks"] == 2


def test_info_without_any_collection_says_how_to_set_one(tmp_path: Path) -> None:
    home = tmp_path / "home"
    completed = subprocess.run(
        [sys.executable, "-m", "harmony", "--library", str(tmp_path / "lib.db"), "traktor", "info"],
        capture_output=True,
        text=True,
        check=False,
        env={
            "PYTHONPATH": str(Path(__file__).resolve().parents[2] / "src"),
            "COLUMNS": "40",
            "HOME": str(home),
            "XDG_CONFIG_HOME": str(home / ".config"),
        },
    )
    assert completed.returncode == 1
    lines = completed.stderr.strip().splitlines()
    assert len(lines) == 1
    assert "No Traktor collection found in" in lines[0]
    assert "harmony traktor config set nml_path PATH" in lines[0]
