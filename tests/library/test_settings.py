"""Traktor settings: defaults, validation, storage, and reading the original Harmony's format."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest

from harmony.library import AutoSyncSettings, Library, SettingsError, TraktorSettings
from harmony.library.settings import CUE_STRATEGIES, settings_from_dict, settings_to_dict


def test_defaults_match_the_original_app(library: Library) -> None:
    settings = library.settings()
    assert settings == TraktorSettings(
        nml_path=None,
        track_strategy="smart_merge",
        cue_strategy="smart_merge",
        auto_backup=True,
        backups_to_keep=10,
        path_mappings=(),
        auto_sync=AutoSyncSettings(
            enabled=False,
            direction="bidirectional",
            on_startup=True,
            on_library_change=True,
            debounce_ms=5000,
        ),
    )


def test_saved_settings_come_back_and_do_not_bump_the_version(library_path: Path) -> None:
    with Library.open(library_path) as library:
        changed = library.settings().updated(
            nml_path="/Users/dj/Documents/Native Instruments/Traktor 3.11.1/collection.nml",
            track_strategy="traktor_wins",
            backups_to_keep=3,
            cue_strategy="replace",
            path_mappings=["C:/Users/josev/Music=/home/dj/Music", "Macintosh HD/Users/dj=/home/dj"],
            auto_sync={"enabled": True, "direction": "import", "debounce_ms": 10_000},
        )
        library.save_settings(changed)
        assert library.version == 0
    with Library.open(library_path) as library:
        assert library.settings() == changed
        assert library.settings().path_mappings == (
            ("C:/Users/josev/Music", "/home/dj/Music"),
            ("Macintosh HD/Users/dj", "/home/dj"),
        )
        assert library.settings().cue_strategy == "replace"
        assert library.settings().auto_sync.on_startup is True  # untouched values keep their defaults


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"track_strategy": "newest_wins"}, "track_strategy"),
        ({"cue_strategy": "REPLACE"}, "cue_strategy"),
        ({"cue_strategy": "newest_wins"}, "cue_strategy"),
        ({"track_strategy": "replace"}, "track_strategy"),
        ({"path_mappings": "C:/Music=/music"}, "path_mappings"),
        ({"path_mappings": ("C:/Music",)}, "'C:/Music' is not NML_PREFIX=LOCAL_FOLDER"),
        ({"path_mappings": ("=/music",)}, "'=/music' is not NML_PREFIX"),
        ({"path_mappings": ("  =/music",)}, "is not NML_PREFIX"),
        ({"path_mappings": ("///=/music",)}, "is not NML_PREFIX"),
        ({"path_mappings": ("C:/Music=  ",)}, "'C:/Music=  ' is not NML_PREFIX"),
        ({"path_mappings": ("",)}, "'' is not NML_PREFIX"),
        ({"path_mappings": (7,)}, "Path mapping 7"),
        ({"path_mappings": ("C:/Music=/a", "c:/music/=/b")}, "map the same NML folder"),
        ({"backups_to_keep": 0}, "backups_to_keep"),
        ({"backups_to_keep": True}, "backups_to_keep"),
        ({"auto_backup": "yes"}, "auto_backup"),
        ({"nml_path": "  "}, "blank"),
        ({"auto_sync": {"debounce_ms": 999}}, "debounce_ms"),
        ({"auto_sync": {"debounce_ms": 60_001}}, "debounce_ms"),
        ({"auto_sync": {"direction": "sideways"}}, "direction"),
        ({"auto_sync": {"enabled": 1}}, "enabled"),
        ({"colour": "red"}, "Unknown setting"),
        ({"auto_sync": {"speed": 1}}, "Unknown auto-sync setting"),
    ],
)
def test_bad_values_are_refused(changes: dict[str, object], message: str) -> None:
    with pytest.raises(SettingsError, match=message):
        TraktorSettings().updated(**changes)


def test_the_original_apps_config_is_migrated() -> None:
    original = {
        "nmlPath": "/Users/dj/collection.nml",
        "syncStrategy": "harmony_wins",
        "cueStrategy": "REPLACE",
        "syncOnStartup": False,
        "autoBackup": False,
        "hasPendingExportChanges": True,
        "autoSync": {"enabled": True, "direction": "export", "onStartup": False, "debounceMs": 2000.0},
    }
    settings = settings_from_dict(original, format=0)
    assert settings.nml_path == "/Users/dj/collection.nml"
    assert settings.track_strategy == "harmony_wins"
    assert settings.cue_strategy == "replace"
    assert settings.path_mappings == ()
    assert settings.auto_backup is False
    assert settings.auto_sync == AutoSyncSettings(
        enabled=True, direction="export", on_startup=False, on_library_change=True, debounce_ms=2000
    )


def test_an_original_config_without_auto_sync_gets_the_defaults() -> None:
    settings = settings_from_dict({"nmlPath": "", "syncStrategy": "smart_merge"})
    assert settings.nml_path is None
    assert settings.auto_sync == AutoSyncSettings()


def test_stored_settings_in_an_older_format_are_read(library_path: Path) -> None:
    Library.open(library_path).close()
    raw = sqlite3.connect(library_path)
    raw.execute(
        "INSERT INTO settings (key, format, value_json) VALUES ('traktor', 0, ?)",
        ('{"nmlPath": "/c.nml", "cueStrategy": "SMART_MERGE"}',),
    )
    raw.commit()
    raw.close()
    with Library.open(library_path) as library:
        assert library.settings().nml_path == "/c.nml"
        assert library.settings().cue_strategy == "smart_merge"


def test_every_cue_strategy_is_accepted() -> None:
    for name in ("smart_merge", "replace", "traktor_wins", "harmony_wins"):
        assert TraktorSettings().updated(cue_strategy=name).cue_strategy == name


def test_the_cue_strategies_match_the_sync_layers() -> None:
    from harmony.sync.options import CUE_STRATEGIES as SYNC_CUE_STRATEGIES

    assert CUE_STRATEGIES == SYNC_CUE_STRATEGIES


def test_path_mappings_are_a_json_object_and_come_back_as_pairs() -> None:
    settings = TraktorSettings().updated(path_mappings=("C:/Music=/home/dj/Music", "D:=/mnt/usb"))
    data = settings_to_dict(settings)
    assert data["path_mappings"] == {"C:/Music": "/home/dj/Music", "D:": "/mnt/usb"}
    again = settings_from_dict(json.loads(json.dumps(data)))
    assert again == settings
    assert again.path_mappings == (("C:/Music", "/home/dj/Music"), ("D:", "/mnt/usb"))


def test_stored_path_mappings_the_sync_layer_can_parse() -> None:
    from harmony.sync.paths import PathMapping

    settings = TraktorSettings().updated(path_mappings=["Macintosh HD/Users/dj/Music = /home/dj/Music"])
    mapping = PathMapping.of(*settings.path_mappings[0])
    assert (mapping.nml_prefix, mapping.local_prefix) == ("Macintosh HD/Users/dj/Music", "/home/dj/Music")


def test_stored_settings_without_path_mappings_still_load(library_path: Path) -> None:
    Library.open(library_path).close()
    raw = sqlite3.connect(library_path)
    raw.execute(
        "INSERT INTO settings (key, format, value_json) VALUES ('traktor', 1, ?)",
        ('{"nml_path": "/c.nml", "cue_strategy": "smart_merge", "backups_to_keep": 4}',),
    )
    raw.commit()
    raw.close()
    with Library.open(library_path) as library:
        assert library.settings().path_mappings == ()
        assert library.settings().backups_to_keep == 4


def test_bad_stored_path_mappings_are_refused() -> None:
    with pytest.raises(SettingsError, match="path_mappings"):
        settings_from_dict({"path_mappings": "C:/Music=/music"})
    with pytest.raises(SettingsError, match="'nothing' is not NML_PREFIX"):
        settings_from_dict({"path_mappings": ["nothing"]})


def test_settings_from_a_newer_harmony_are_refused() -> None:
    with pytest.raises(SettingsError, match="newer Harmony"):
        settings_from_dict({"nml_path": "/c.nml"}, format=99)


def test_damaged_stored_settings_give_a_clear_error(library_path: Path) -> None:
    Library.open(library_path).close()
    raw = sqlite3.connect(library_path)
    raw.execute("INSERT INTO settings (key, format, value_json) VALUES ('traktor', 1, '{not json')")
    raw.commit()
    raw.close()
    with Library.open(library_path) as library, pytest.raises(SettingsError, match="damaged"):
        library.settings()


def test_a_mapping_with_equals_signs_round_trips_through_the_library(library_path: Path) -> None:
    """Either side may hold "=" (a folder called "Live=Sets"): stored as a pair, it reads back the same."""
    pair = ("Music=Old/Live=Sets", "/home/dj/Live=Sets")
    with Library.open(library_path) as library:
        library.save_settings(library.settings().updated(path_mappings=[pair]))
    with Library.open(library_path) as library:
        assert library.settings().path_mappings == (pair,)


def test_a_text_mapping_that_reads_two_ways_is_refused() -> None:
    with pytest.raises(SettingsError, match="more than one '='"):
        TraktorSettings().updated(path_mappings=["Music=Old=/home/dj"])


def test_format_1_mapping_texts_are_read_as_they_always_were(library_path: Path) -> None:
    Library.open(library_path).close()
    with sqlite3.connect(library_path) as raw:
        raw.execute(
            "INSERT INTO settings (key, format, value_json) VALUES ('traktor', 1, ?)",
            ('{"path_mappings": ["C:/Music=/home/dj/Music", "D:=/mnt/a=b"]}',),
        )
    with Library.open(library_path) as library:
        assert library.settings().path_mappings == (("C:/Music", "/home/dj/Music"), ("D:", "/mnt/a=b"))
        library.save_settings(library.settings())  # written back in format 2, unchanged
        assert library.settings().path_mappings == (("C:/Music", "/home/dj/Music"), ("D:", "/mnt/a=b"))
