"""Backups: made before each write, named by UTC time, pruned, listed, and restored safely."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from pathlib import Path

import pytest

from harmony.nmlfile import (
    BackupError,
    SafeWriteError,
    backup_folder,
    backups,
    create_backup,
    list_backups,
    prune_backups,
    restore_backup,
    write_collection,
)

from .conftest import Contents

NAME = re.compile(r"collection_(\d{4}-\d{2}-\d{2}T\d{2}-\d{2}-\d{2}\.\d{6})Z\.nml")


def test_a_backup_is_an_exact_copy_named_by_utc_time(nml_path: Path, small: Contents) -> None:
    before = datetime.now(UTC)
    backup = create_backup(nml_path, keep=5)
    after = datetime.now(UTC)
    assert backup.parent == nml_path.parent / "Backup" / "Harmony" == backup_folder(nml_path)
    assert backup.read_bytes() == small.old
    match = NAME.fullmatch(backup.name)
    assert match is not None
    made = datetime.strptime(match.group(1), "%Y-%m-%dT%H-%M-%S.%f").replace(tzinfo=UTC)
    assert before <= made <= after
    assert sorted(p.name for p in backup.parent.iterdir()) == [backup.name]  # no temporary file left


def test_backups_made_in_the_same_instant_get_different_names_in_order(
    nml_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    frozen = datetime(2026, 11, 28, 13, 0, 9, 999999, tzinfo=UTC)
    monkeypatch.setattr(backups, "clock", lambda: frozen)
    made = [create_backup(nml_path, keep=10) for _ in range(3)]
    assert len({path.name for path in made}) == 3
    assert [path.name for path in made] == sorted(path.name for path in made)
    assert made[0].name == "collection_2026-11-28T13-00-09.999999Z.nml"
    assert made[1].name == "collection_2026-11-28T13-00-10.000000Z.nml"


def test_pruning_keeps_the_newest_and_never_touches_other_files(
    nml_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = backup_folder(nml_path)
    folder.mkdir(parents=True)
    foreign = [
        folder / "collection_old.nml",
        folder / "notes.txt",
        folder / "other_2020-01-01T00-00-00.000000Z.nml",
        nml_path.parent / "Backup" / "collection_2020y01m01d_00h00m00s.nml",  # Traktor's own backup
    ]
    for file in foreign:
        file.write_bytes(b"not Harmony's")
    # One day's backups (noon UTC, the same date on every computer's clock): the newest, and the day's first.
    times = iter(datetime(2026, 1, 1, 12, minute, tzinfo=UTC) for minute in range(0, 50, 5))
    monkeypatch.setattr(backups, "clock", lambda: next(times))
    made = [create_backup(nml_path, keep=3) for _ in range(5)]
    remaining = sorted(p for p in folder.iterdir() if p not in foreign)
    assert remaining == [made[0], *made[-3:]]
    assert all(file.read_bytes() == b"not Harmony's" for file in foreign)
    assert prune_backups(nml_path, keep=1) == [made[-2], made[-3]]
    with pytest.raises(BackupError, match="1 or more"):
        create_backup(nml_path, keep=0)


def test_a_day_of_auto_sync_keeps_the_first_backup_of_each_latest_day(
    nml_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Every auto-synced edit is an export, and every export a backup: the newest ten alone were all from the
    last minutes, and the collection as it was before the session was gone (found in a walk-through). The
    first backup of each of the latest seven days with backups stays beyond the newest ``keep``."""
    earlier = [datetime(2026, 1, day, 12, tzinfo=UTC) for day in range(1, 10)]  # one a day, 1–9 January
    today = [datetime(2026, 1, 12, 12, minute, tzinfo=UTC) for minute in range(30)]  # a session: one a minute
    times = iter(earlier + today)
    monkeypatch.setattr(backups, "clock", lambda: next(times))
    made = [create_backup(nml_path, keep=10) for _ in range(len(earlier) + len(today))]
    kept = sorted(backup_folder(nml_path).iterdir())
    # the session's first (the collection before it), the latest six earlier days' firsts, the newest ten
    assert kept == sorted([made[len(earlier)], *made[3 : len(earlier)], *made[-10:]])
    assert len(kept) == 1 + 6 + 10 == 10 + backups.DAYS_KEPT


def test_listing_is_newest_first_with_size_and_tracks(
    nml_path: Path, small: Contents, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert list_backups(nml_path) == []
    times = iter(datetime(2026, 1, day, 12, tzinfo=UTC) for day in range(1, 10))
    monkeypatch.setattr(backups, "clock", lambda: next(times))
    write_collection(nml_path, small.new, expected=None)  # backs up the old collection
    write_collection(nml_path, small.old, expected=None)  # backs up the new one
    damaged = create_backup(nml_path, keep=10)
    damaged.write_bytes(small.old[: len(small.old) // 3])

    listed = list_backups(nml_path)
    assert [info.created_at for info in listed] == [
        datetime(2026, 1, 3, 12, tzinfo=UTC),
        datetime(2026, 1, 2, 12, tzinfo=UTC),
        datetime(2026, 1, 1, 12, tzinfo=UTC),
    ]
    assert [info.tracks for info in listed] == [None, small.new_counts[0], small.old_counts[0]]
    assert [info.size for info in listed] == [len(small.old) // 3, len(small.new), len(small.old)]
    assert listed[0].path == damaged
    assert listed[1].to_json()["tracks"] == small.new_counts[0]


def test_restore_backs_up_the_current_file_then_puts_the_old_bytes_back(nml_path: Path, small: Contents) -> None:
    exported = write_collection(nml_path, small.new, expected=None)
    assert exported.backup_path is not None
    result = restore_backup(nml_path, exported.backup_path, keep=10)
    assert nml_path.read_bytes() == small.old
    assert result.backup_path is not None and result.backup_path.read_bytes() == small.new
    assert exported.backup_path.read_bytes() == small.old  # the restored backup stays
    # A restore can itself be undone, by name alone.
    restore_backup(nml_path, result.backup_path.name)
    assert nml_path.read_bytes() == small.new


def test_restoring_the_oldest_backup_never_prunes_it(nml_path: Path, small: Contents) -> None:
    oldest = create_backup(nml_path, keep=1)
    write_collection(nml_path, small.new, expected=None, backup=False)
    result = restore_backup(nml_path, oldest, keep=1)
    assert oldest.exists() and result.backup_path is not None and result.backup_path.exists()
    assert nml_path.read_bytes() == small.old


def test_a_damaged_backup_is_refused_and_nothing_is_touched(nml_path: Path, small: Contents) -> None:
    damaged = create_backup(nml_path, keep=10)
    damaged.write_bytes(small.old[: len(small.old) // 2])
    write_collection(nml_path, small.new, expected=None, backup=False)
    with pytest.raises(BackupError, match="not a readable collection"):
        restore_backup(nml_path, damaged)
    assert nml_path.read_bytes() == small.new
    assert [info.path for info in list_backups(nml_path)] == [damaged]


def test_an_unknown_backup_is_a_clear_error(nml_path: Path) -> None:
    with pytest.raises(BackupError, match="no backup"):
        restore_backup(nml_path, "collection_1999-01-01T00-00-00.000000Z.nml")


def test_a_restore_that_cannot_back_up_first_changes_nothing(nml_path: Path, small: Contents) -> None:
    source = nml_path.parent / "elsewhere.nml"
    source.write_bytes(small.new)
    (nml_path.parent / "Backup").write_bytes(b"a file where the backup folder should be")
    with pytest.raises(SafeWriteError) as caught:
        restore_backup(nml_path, source)
    assert caught.value.step == "back up"
    assert nml_path.read_bytes() == small.old
