"""Traktor settings: defaults, validation, storage, and reading the original Harmony's format."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from harmony.library import AutoSyncSettings, Library, SettingsError, TraktorSettings
from harmony.library.settings import settings_from_dict


def test_defaults_match_the_original_app(library: Library) -> None:
    settings = library.settings()
    assert settings == TraktorSettings(
        nml_path=None,
        track_strategy="smart_merge",
        cue_strategy="smart_merge",
        auto_backup=True,
        backups_to_keep=10,
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
            auto_sync={"enabled": True, "direction": "import", "debounce_ms": 10_000},
        )
        library.save_settings(changed)
        assert library.version == 0
    with Library.open(library_path) as library:
        assert library.settings() == changed
        assert library.settings().auto_sync.on_startup is True  # untouched values keep their defaults


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"track_strategy": "newest_wins"}, "track_strategy"),
        ({"cue_strategy": "REPLACE"}, "cue_strategy"),
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
    assert settings.cue_strategy == "traktor_wins"
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
