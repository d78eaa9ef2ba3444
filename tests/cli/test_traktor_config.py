"""`harmony traktor config get|set`: every kind of key, dotted keys, JSON shapes, and refusals that save nothing."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner, Result

from harmony.cli import app
from harmony.library import SETTING_KEYS, AutoSyncSettings, Library, SettingsError, TraktorSettings

runner = CliRunner()
SRC = Path(__file__).resolve().parents[2] / "src"


@pytest.fixture(autouse=True)
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A home of its own, so the default collection is looked for under tmp_path, never in the real Documents."""
    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home / ".config"))
    return home


@pytest.fixture
def library_path(tmp_path: Path) -> Path:
    return tmp_path / "lib.db"


@pytest.fixture
def nml(tmp_path: Path) -> Path:
    path = tmp_path / "music" / "collection.nml"
    path.parent.mkdir()
    path.write_text("<NML/>")
    return path


def invoke(library_path: Path, *args: str) -> Result:
    result = runner.invoke(app, ["--library", str(library_path), "traktor", "config", *args])
    if result.exception and not isinstance(result.exception, SystemExit):
        raise result.exception
    assert result.exit_code == 0, result.output
    return result


def stored(library_path: Path) -> TraktorSettings:
    with Library.open(library_path) as library:
        return library.settings()


def make_traktor_collection(home: Path, version: str) -> Path:
    folder = home / "Documents" / "Native Instruments" / f"Traktor {version}"
    folder.mkdir(parents=True)
    (folder / "collection.nml").write_text("<NML/>")
    return folder / "collection.nml"


def test_get_json_gives_the_defaults_with_auto_sync_nested(library_path: Path) -> None:
    data = json.loads(invoke(library_path, "get", "--json").stdout)
    assert data == {
        "nml_path": None,
        "nml_path_default": None,
        "track_strategy": "smart_merge",
        "cue_strategy": "smart_merge",
        "auto_backup": True,
        "backups_to_keep": 10,
        "path_mappings": {},
        "key_notation": "open_key",
        "completion_sound": False,
        "auto_sync": {
            "enabled": False,
            "direction": "bidirectional",
            "on_startup": True,
            "on_library_change": True,
            "debounce_ms": 5000,
        },
    }
    assert list(data)[:2] == ["nml_path", "nml_path_default"]


def test_get_table_lists_every_key_and_says_no_collection_was_found(library_path: Path) -> None:
    output = invoke(library_path, "get").stdout
    for name in SETTING_KEYS:
        assert name in output
    assert "no Traktor collection found" in output


def test_the_default_collection_is_the_newest_traktors(library_path: Path, home: Path) -> None:
    make_traktor_collection(home, "3.9.2")
    newest = make_traktor_collection(home, "3.10.0")
    data = json.loads(invoke(library_path, "get", "--json").stdout)
    assert data["nml_path"] is None
    assert data["nml_path_default"] == str(newest)
    assert json.loads(invoke(library_path, "get", "nml_path", "--json").stdout) == {
        "nml_path": None,
        "nml_path_default": str(newest),
    }
    assert str(newest) in invoke(library_path, "get", "nml_path").stdout.replace("\n", "")


def test_set_each_kind_of_key(library_path: Path, nml: Path) -> None:
    invoke(
        library_path,
        "set",
        "nml_path",
        str(nml),
        "track_strategy",
        "traktor_wins",
        "cue_strategy",
        "replace",
        "auto_backup",
        "off",
        "backups_to_keep",
        "25",
        "auto_sync.enabled",
        "yes",
        "auto_sync.direction",
        "export",
        "auto_sync.debounce_ms",
        "2500",
    )
    assert stored(library_path) == TraktorSettings(
        nml_path=str(nml),
        track_strategy="traktor_wins",
        cue_strategy="replace",
        auto_backup=False,
        backups_to_keep=25,
        auto_sync=AutoSyncSettings(enabled=True, direction="export", debounce_ms=2500),
    )


@pytest.mark.parametrize(
    ("word", "value"),
    [
        ("true", True),
        ("YES", True),
        ("on", True),
        ("1", True),
        ("false", False),
        ("No", False),
        ("off", False),
        ("0", False),
    ],
)
def test_bool_words(library_path: Path, word: str, value: bool) -> None:
    invoke(library_path, "set", "auto_sync.on_startup", word)
    assert stored(library_path).auto_sync.on_startup is value


def test_dotted_keys_get_one_value(library_path: Path) -> None:
    invoke(library_path, "set", "auto_sync.debounce_ms", "12000")
    assert invoke(library_path, "get", "auto_sync.debounce_ms").stdout.strip() == "12000"
    assert json.loads(invoke(library_path, "get", "auto_sync.debounce_ms", "--json").stdout) == {
        "auto_sync.debounce_ms": 12000
    }
    assert json.loads(invoke(library_path, "get", "auto_sync", "--json").stdout)["auto_sync"]["debounce_ms"] == 12000
    assert invoke(library_path, "get", "auto_backup").stdout.strip() == "true"


def test_cue_strategy_replace_round_trips(library_path: Path) -> None:
    invoke(library_path, "set", "cue_strategy", "replace")
    assert stored(library_path).cue_strategy == "replace"
    assert json.loads(invoke(library_path, "get", "cue_strategy", "--json").stdout) == {"cue_strategy": "replace"}


def test_nml_path_is_expanded_and_made_absolute(
    library_path: Path, home: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    in_home = home / "Traktor" / "collection.nml"
    in_home.parent.mkdir()
    in_home.write_text("<NML/>")
    invoke(library_path, "set", "nml_path", "~/Traktor/collection.nml")
    assert stored(library_path).nml_path == str(in_home)
    monkeypatch.chdir(home)
    invoke(library_path, "set", "nml_path", "Traktor/../Traktor/collection.nml")
    assert stored(library_path).nml_path == str(in_home)


@pytest.mark.parametrize("word", ["none", "None", ""])
def test_nml_path_none_unsets_it(library_path: Path, nml: Path, word: str) -> None:
    invoke(library_path, "set", "nml_path", str(nml))
    invoke(library_path, "set", "nml_path", word)
    assert stored(library_path).nml_path is None


def test_nml_path_must_be_an_existing_file(library_path: Path, nml: Path, tmp_path: Path) -> None:
    invoke(library_path, "set", "nml_path", str(nml))
    with pytest.raises(SettingsError, match=r"No file at .*missing\.nml"):
        invoke(library_path, "set", "nml_path", str(tmp_path / "missing.nml"))
    with pytest.raises(SettingsError, match="is a folder"):
        invoke(library_path, "set", "nml_path", str(nml.parent))
    assert stored(library_path).nml_path == str(nml)


def test_path_mappings_replace_the_list_and_none_clears_it(library_path: Path) -> None:
    invoke(library_path, "set", "path_mappings", "C:/Users/josev/Music=/home/dj/Music", "D:=/mnt/usb")
    assert stored(library_path).path_mappings == (("C:/Users/josev/Music", "/home/dj/Music"), ("D:", "/mnt/usb"))
    assert json.loads(invoke(library_path, "get", "path_mappings", "--json").stdout) == {
        "path_mappings": {"C:/Users/josev/Music": "/home/dj/Music", "D:": "/mnt/usb"}
    }
    assert invoke(library_path, "get", "path_mappings").stdout.split() == [
        "C:/Users/josev/Music=/home/dj/Music",
        "D:=/mnt/usb",
    ]
    invoke(library_path, "set", "path_mappings", "Macintosh HD/Users/dj=/home/dj")
    assert stored(library_path).path_mappings == (("Macintosh HD/Users/dj", "/home/dj"),)
    invoke(library_path, "set", "path_mappings", "none")
    assert stored(library_path).path_mappings == ()


def test_path_mappings_end_at_the_next_key(library_path: Path) -> None:
    invoke(library_path, "set", "path_mappings", "C:/M=/m", "D:=/d", "auto_backup", "false")
    settings = stored(library_path)
    assert settings.path_mappings == (("C:/M", "/m"), ("D:", "/d"))
    assert settings.auto_backup is False


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["auto_backup", "maybe"], "'auto_backup' is yes or no"),
        (["backups_to_keep", "ten"], "'backups_to_keep' is a whole number"),
        (["backups_to_keep", "0"], "from 1 to 1000"),
        (["auto_sync.debounce_ms", "999"], "from 1000 to 60000"),
        (["cue_strategy", "newest_wins"], "one of smart_merge, replace, traktor_wins, harmony_wins"),
        (["track_strategy", "replace"], "one of smart_merge, traktor_wins, harmony_wins"),
        (["auto_sync.direction", "sideways"], "import, export, bidirectional"),
        (["path_mappings", "C:/Music"], "'C:/Music' is not NML_PREFIX=LOCAL_FOLDER"),
        (["path_mappings", "C:/M=/m", "=/nothing"], "'=/nothing' is not NML_PREFIX"),
        (["path_mappings"], "one or more"),
        (["auto_backup"], "Give a value after 'auto_backup'"),
        (["auto_backup", "false", "auto_backup", "true"], "given twice"),
        (["auto_backup=false"], "with a space"),
        (["auto_sync", "true"], "is a group; set one of auto_sync.enabled"),
        (["colour", "red"], "Unknown setting 'colour'; known settings: nml_path, track_strategy"),
    ],
)
def test_bad_input_is_refused_and_nothing_is_saved(library_path: Path, args: list[str], message: str) -> None:
    invoke(library_path, "set", "backups_to_keep", "7")
    before = stored(library_path)
    with pytest.raises(SettingsError, match=message):
        invoke(library_path, "set", "auto_sync.on_startup", "false", *args)  # a good change before the bad one
    assert stored(library_path) == before
    assert before.auto_sync.on_startup is True


def test_unknown_key_in_get_lists_the_known_ones(library_path: Path) -> None:
    with pytest.raises(SettingsError, match=r"known settings: .*auto_sync\.debounce_ms"):
        invoke(library_path, "get", "colour")


def test_set_prints_the_new_values(library_path: Path) -> None:
    output = invoke(library_path, "set", "cue_strategy", "replace", "backups_to_keep", "3").stdout
    assert "Saved cue_strategy, backups_to_keep." in output
    assert "replace" in output and "3" in output
    data: dict[str, Any] = json.loads(invoke(library_path, "set", "auto_sync.enabled", "on", "--json").stdout)
    assert data["auto_sync"]["enabled"] is True
    assert data["cue_strategy"] == "replace"
    assert data["backups_to_keep"] == 3
    assert "nml_path_default" in data


def test_set_help_names_every_key() -> None:
    result = runner.invoke(app, ["traktor", "config", "set", "--help"], env={"COLUMNS": "200"})
    assert result.exit_code == 0
    for name in SETTING_KEYS:
        assert name in result.stdout


def test_an_error_is_one_line_and_exit_code_1(library_path: Path, home: Path) -> None:
    completed = subprocess.run(
        [sys.executable, "-m", "harmony", "--library", str(library_path), "traktor", "config", "set", "foo", "1"],
        capture_output=True,
        text=True,
        check=False,
        env={**os.environ, "PYTHONPATH": str(SRC), "COLUMNS": "40", "HOME": str(home)},
    )
    assert completed.returncode == 1
    assert completed.stdout == ""
    lines = completed.stderr.strip().splitlines()
    assert len(lines) == 1 and "Unknown setting 'foo'" in lines[0]
