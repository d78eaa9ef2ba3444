"""write_collection: each step, and what each failure leaves behind (the original, byte for byte)."""

from __future__ import annotations

import errno
import os
import threading
from pathlib import Path
from typing import Any

import pytest

from harmony import nml
from harmony.nmlfile import (
    STEPS,
    NmlBusyError,
    NmlChangedError,
    NmlFingerprint,
    SafeWriteError,
    backup_folder,
    lock_file_path,
    nml_lock,
    read_with_fingerprint,
    remove_stale_temp_files,
    safe_write,
    write_collection,
)
from harmony.nmlfile.fingerprint import fingerprint_of

from .conftest import Contents


def _folder_is_clean(path: Path) -> None:
    """Nothing but the collection, the lock file and the backup folder: no temporary file left."""
    allowed = {path.name, lock_file_path(path).name, "Backup"}
    assert set(os.listdir(path.parent)) <= allowed
    if backup_folder(path).exists():
        assert not [name for name in os.listdir(backup_folder(path)) if name.endswith(".tmp")]


def _fails_at(step: str, path: Path, original: bytes, **kwargs: object) -> SafeWriteError:
    with pytest.raises(SafeWriteError) as caught:
        write_collection(path, **kwargs)  # type: ignore[arg-type]
    error = caught.value
    assert error.step == step
    assert f"step '{step}'" in str(error) and "was not changed" in str(error)
    assert "\n" not in str(error)
    assert path.read_bytes() == original
    _folder_is_clean(path)
    return error


def test_writes_backs_up_and_returns_the_new_fingerprint(nml_path: Path, small: Contents) -> None:
    _, expected = read_with_fingerprint(nml_path)
    reports: list[tuple[str, float, str]] = []
    result = write_collection(
        nml_path,
        small.new,
        expected=expected,
        expected_counts=small.new_counts,
        progress=lambda phase, percent, message, current_item=None: reports.append((phase, percent, message)),
    )
    assert nml_path.read_bytes() == small.new
    assert result.backup_path is not None and result.backup_path.parent == backup_folder(nml_path)
    assert result.backup_path.read_bytes() == small.old
    assert result.fingerprint == read_with_fingerprint(nml_path)[1]
    assert result.warnings == ()
    assert {phase for phase, _, _ in reports} == {"writing"}
    percents = [percent for _, percent, _ in reports]
    assert percents == sorted(percents) and len(percents) >= 5 and percents[-1] < 100
    _folder_is_clean(nml_path)


def test_the_new_file_keeps_the_old_permissions(nml_path: Path, small: Contents) -> None:
    nml_path.chmod(0o640)
    result = write_collection(nml_path, small.new, expected=None)
    assert nml_path.stat().st_mode & 0o777 == 0o640
    assert result.backup_path is not None and result.backup_path.stat().st_mode & 0o777 == 0o640


def test_without_backup_no_backup_is_made(nml_path: Path, small: Contents) -> None:
    result = write_collection(nml_path, small.new, expected=None, backup=False)
    assert result.backup_path is None and not backup_folder(nml_path).exists()
    assert nml_path.read_bytes() == small.new


def test_a_first_write_creates_the_file(tmp_path: Path, small: Contents, no_other_traktor: None) -> None:
    path = tmp_path / "collection.nml"
    result = write_collection(path, small.new, expected=None, expected_counts=small.new_counts)
    assert path.read_bytes() == small.new and result.backup_path is None


def test_a_file_traktor_saved_since_the_plan_is_left_as_traktor_wrote_it(nml_path: Path, small: Contents) -> None:
    _, planned = read_with_fingerprint(nml_path)
    traktor_version = small.old.replace(b"</NML>", b"</NML>\n")
    nml_path.write_bytes(traktor_version)
    error = _fails_at("check unchanged", nml_path, traktor_version, data=small.new, expected=planned)
    assert isinstance(error, NmlChangedError)
    assert "import first" in str(error)
    assert not backup_folder(nml_path).exists()


def test_same_size_and_time_but_other_content_is_still_detected(nml_path: Path, small: Contents) -> None:
    """Traktor can save twice within one tick of a coarse clock: only the hash tells."""
    _, planned = read_with_fingerprint(nml_path)
    stat = nml_path.stat()
    position = small.old.index(b'TITLE="') + len(b'TITLE="')
    traktor_version = small.old[:position] + b"#" + small.old[position + 1 :]
    nml_path.write_bytes(traktor_version)
    os.utime(nml_path, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    assert (nml_path.stat().st_size, nml_path.stat().st_mtime_ns) == (planned.size, planned.mtime_ns)
    error = _fails_at("check unchanged", nml_path, traktor_version, data=small.new, expected=planned)
    assert "content changed" in str(error)


def test_a_vanished_file_is_a_change(nml_path: Path, small: Contents) -> None:
    _, planned = read_with_fingerprint(nml_path)
    nml_path.unlink()
    with pytest.raises(NmlChangedError, match="no longer exists"):
        write_collection(nml_path, small.new, expected=planned)
    assert not nml_path.exists()


def test_a_save_while_the_new_file_is_written_is_detected_before_the_replace(nml_path: Path, small: Contents) -> None:
    traktor_version = small.old.replace(b"</NML>", b"</NML>\n\n")

    def traktor_saves_meanwhile(phase: str, percent: float, message: str, current_item: str | None = None) -> None:
        if percent == 60:  # the temporary file is written, the replace has not happened
            nml_path.write_bytes(traktor_version)

    with pytest.raises(NmlChangedError):
        write_collection(nml_path, small.new, expected=None, progress=traktor_saves_meanwhile)
    assert nml_path.read_bytes() == traktor_version
    _folder_is_clean(nml_path)


def test_a_save_before_the_old_file_is_checked_is_detected_too(
    nml_path: Path, small: Contents, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The check of the old file runs beside the writing of the new one: a save that lands before the check has
    read the file must be caught as well as one after (here with no plan fingerprint to compare against)."""
    traktor_version = small.old.replace(b"</NML>", b"</NML>\n\n")
    saved = threading.Event()
    real_check = safe_write._check_unchanged

    def check_after_the_save(*args: Any, **kwargs: Any) -> Any:
        assert saved.wait(10)
        return real_check(*args, **kwargs)

    def traktor_saves(phase: str, percent: float, message: str, current_item: str | None = None) -> None:
        if percent == 40:  # the check has started, and not read the file yet
            nml_path.write_bytes(traktor_version)
            saved.set()

    monkeypatch.setattr(safe_write, "_check_unchanged", check_after_the_save)
    with pytest.raises(NmlChangedError):
        write_collection(nml_path, small.new, expected=None, progress=traktor_saves)
    assert nml_path.read_bytes() == traktor_version
    _folder_is_clean(nml_path)


def test_when_the_old_file_changed_and_the_new_one_is_unsound_the_change_is_reported(
    nml_path: Path, small: Contents
) -> None:
    _, planned = read_with_fingerprint(nml_path)
    traktor_version = small.old.replace(b"</NML>", b"</NML>\n")
    nml_path.write_bytes(traktor_version)
    cut_off = small.new[: len(small.new) // 2]
    error = _fails_at("check unchanged", nml_path, traktor_version, data=cut_off, expected=planned)
    assert isinstance(error, NmlChangedError)


def test_lock_held_by_another_export_is_busy(nml_path: Path, small: Contents) -> None:
    with nml_lock(nml_path):
        error = _fails_at("lock", nml_path, small.old, data=small.new, expected=None, lock_timeout=0.2)
    assert isinstance(error, NmlBusyError) and "another export" in str(error)


def test_a_folder_that_is_a_file_fails_at_the_lock(tmp_path: Path, small: Contents, no_other_traktor: None) -> None:
    not_a_folder = tmp_path / "file"
    not_a_folder.write_bytes(b"x")
    with pytest.raises(SafeWriteError) as caught:
        write_collection(not_a_folder / "collection.nml", small.new, expected=None)
    assert caught.value.step == "lock"
    assert not_a_folder.read_bytes() == b"x"


def test_a_missing_folder_is_never_created(tmp_path: Path, small: Contents, no_other_traktor: None) -> None:
    """An unmounted drive: writing there must not create its folders on the system disk."""
    with pytest.raises(SafeWriteError) as caught:
        write_collection(tmp_path / "USB" / "Traktor" / "collection.nml", small.new, expected=None)
    assert caught.value.step == "lock" and "is its drive connected" in str(caught.value)
    assert not (tmp_path / "USB").exists()


def test_a_backup_failure_replaces_nothing_and_leaves_no_temporary_file(nml_path: Path, small: Contents) -> None:
    (nml_path.parent / "Backup").write_bytes(b"a file where the backup folder should be")
    error = _fails_at("back up", nml_path, small.old, data=small.new, expected=None)
    assert "backup folder" in str(error)


def test_a_failing_disk_fails_at_the_temporary_file(
    nml_path: Path, small: Contents, monkeypatch: pytest.MonkeyPatch
) -> None:
    def full_disk(descriptor: int) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(os, "fsync", full_disk)
    error = _fails_at("write temporary file", nml_path, small.old, data=small.new, expected=None, backup=False)
    assert "No space left" in str(error)


def test_wrong_counts_fail_the_verification(nml_path: Path, small: Contents) -> None:
    tracks, playlists = small.new_counts
    error = _fails_at(
        "verify", nml_path, small.old, data=small.new, expected=None, expected_counts=(tracks + 1, playlists)
    )
    assert f"has {tracks} tracks and {playlists} playlists, expected {tracks + 1}" in str(error)
    error = _fails_at(
        "verify", nml_path, small.old, data=small.new, expected=None, expected_counts=(tracks, playlists - 1)
    )


def test_bytes_that_are_not_a_collection_fail_the_verification(nml_path: Path, small: Contents) -> None:
    cut_off = small.new[: len(small.new) // 2]
    error = _fails_at("verify", nml_path, small.old, data=cut_off, expected=None)
    assert "does not read back as a collection" in str(error)


def test_a_malformed_entry_fails_the_verification(nml_path: Path, small: Contents) -> None:
    broken = small.new.replace(b"<INFO ", b"<INFO <", 1)
    _fails_at("verify", nml_path, small.old, data=broken, expected=None)


def test_a_failing_rename_fails_at_the_replace(
    nml_path: Path, small: Contents, monkeypatch: pytest.MonkeyPatch
) -> None:
    real_replace = os.replace

    def busy_target(source: str | os.PathLike[str], target: str | os.PathLike[str]) -> None:
        if Path(target) == nml_path:
            raise OSError(errno.EBUSY, "Device or resource busy")
        real_replace(source, target)

    monkeypatch.setattr(os, "replace", busy_target)
    error = _fails_at("replace", nml_path, small.old, data=small.new, expected=None)
    assert isinstance(error.__cause__, nml.NMLError)
    assert isinstance(error.__cause__.__cause__, OSError)


def test_a_failing_folder_fsync_says_the_new_file_is_in_place(
    nml_path: Path, small: Contents, monkeypatch: pytest.MonkeyPatch
) -> None:
    def failing(folder: object) -> None:
        raise OSError(errno.EIO, "Input/output error")

    monkeypatch.setattr(safe_write, "fsync_folder", failing)
    with pytest.raises(SafeWriteError) as caught:
        write_collection(nml_path, small.new, expected=None)
    assert caught.value.step == "fsync folder" and not caught.value.unchanged
    assert "the new collection file is in place" in str(caught.value)
    assert nml_path.read_bytes() == small.new


def test_a_cancel_during_the_write_leaves_the_original(nml_path: Path, small: Contents) -> None:
    class Cancelled(Exception):
        pass

    def cancel_at_verify(phase: str, percent: float, message: str, current_item: str | None = None) -> None:
        if percent == 60:
            raise Cancelled

    with pytest.raises(Cancelled):
        write_collection(nml_path, small.new, expected=None, progress=cancel_at_verify)
    assert nml_path.read_bytes() == small.old
    _folder_is_clean(nml_path)


def _older_backups(path: Path, count: int) -> list[Path]:
    """``count`` backups made before, by earlier exports, each with bytes of its own."""
    from harmony.nmlfile.backups import write_backup

    return [write_backup(path, b"<NML>%d</NML>" % number, keep=count) for number in range(count)]


def test_a_cancel_after_the_backup_leaves_no_backup_and_prunes_none(
    nml_path: Path, small: Contents, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The backup is made for a write: when the write does not happen, the collection is still those bytes, and
    a backup of them would read as an export that never was. Nor may it push the oldest backup out."""
    from datetime import UTC, datetime, timedelta

    from harmony.nmlfile import backups

    # Every backup on one day (noon UTC: the same date on every clock), a minute apart: the day's first is kept.
    minutes = iter(datetime(2026, 3, 1, 12, tzinfo=UTC) + timedelta(minutes=n) for n in range(100))
    monkeypatch.setattr(backups, "clock", lambda: next(minutes))

    class Cancelled(Exception):
        pass

    older = _older_backups(nml_path, 4)

    def cancel_at_replace(phase: str, percent: float, message: str, current_item: str | None = None) -> None:
        if percent == 90:  # the check and the backup are done, the file not yet replaced
            raise Cancelled

    with pytest.raises(Cancelled):
        write_collection(nml_path, small.new, expected=None, keep=3, progress=cancel_at_replace)
    assert nml_path.read_bytes() == small.old
    assert sorted(backup_folder(nml_path).iterdir()) == sorted(older)
    _folder_is_clean(nml_path)

    result = write_collection(nml_path, small.new, expected=None, keep=3)  # a write that happens prunes
    assert result.backup_path is not None and result.backup_path.read_bytes() == small.old
    # to the newest 3 and the day's first (see test_backups)
    assert sorted(backup_folder(nml_path).iterdir()) == sorted([older[0], *older[2:], result.backup_path])


def test_a_save_by_traktor_during_the_write_keeps_the_backup_of_what_it_saved_over(
    nml_path: Path, small: Contents
) -> None:
    older = _older_backups(nml_path, 2)

    def traktor_saves(phase: str, percent: float, message: str, current_item: str | None = None) -> None:
        if percent == 90:
            nml_path.write_bytes(small.old + b"\n")

    with pytest.raises(NmlChangedError):
        write_collection(nml_path, small.new, expected=None, keep=2, progress=traktor_saves)
    assert nml_path.read_bytes() == small.old + b"\n"
    kept = sorted(set(backup_folder(nml_path).iterdir()) - set(older))
    assert len(kept) == 1 and kept[0].read_bytes() == small.old  # the only copy left of the file before
    assert set(older) <= set(backup_folder(nml_path).iterdir())  # and nothing was pruned for it


def test_every_step_is_named() -> None:
    assert STEPS == (
        "check Traktor",
        "lock",
        "check unchanged",
        "back up",
        "write temporary file",
        "verify",
        "replace",
        "fsync folder",
    )


def test_stale_temporary_files_are_recognised_and_removed(nml_path: Path, small: Contents) -> None:
    folder = nml_path.parent
    stale = [folder / ".collection.nml.k3j9x0qa.tmp", folder / ".collection.nml.a_b_c_d_.tmp"]
    backups = backup_folder(nml_path)
    backups.mkdir(parents=True)
    stale_backup = backups / ".collection_2026-11-28T13-00-09.123456Z.nml.zz00zz00.tmp"
    keep = [folder / "collection.nml.tmp", folder / ".collection.nml.notes.txt", folder / ".other.nml.k3j9x0qa.tmp"]
    for file in [*stale, stale_backup, *keep]:
        file.write_bytes(b"half a collection")
    removed = remove_stale_temp_files(nml_path)
    assert sorted(removed) == sorted([*stale, stale_backup])
    assert all(file.exists() for file in keep)

    for file in stale:
        file.write_bytes(b"half a collection")
    write_collection(nml_path, small.new, expected=None)
    assert not any(file.exists() for file in stale)
    assert all(file.exists() for file in keep)


def test_the_fingerprint_is_that_of_the_bytes_written(nml_path: Path, small: Contents) -> None:
    result = write_collection(nml_path, small.new, expected=None)
    assert result.fingerprint == fingerprint_of(nml_path, small.new, nml_path.stat())
    assert isinstance(result.fingerprint, NmlFingerprint) and result.fingerprint.size == len(small.new)


def test_a_save_within_one_clock_tick_keeps_the_backup_of_what_it_saved_over(nml_path: Path, small: Contents) -> None:
    """A save that leaves size and time as they were (a coarse clock) is told by the bytes: the backup of what it
    saved over is not taken for a copy of the current file."""

    class Cancelled(Exception):
        pass

    def saved_then_cancelled(phase: str, percent: float, message: str, current_item: str | None = None) -> None:
        if percent == 90:
            stat = nml_path.stat()
            last = b"\n" if small.old.endswith(b" ") else b" "
            nml_path.write_bytes(small.old[:-1] + last)  # the same size, other bytes
            os.utime(nml_path, ns=(stat.st_atime_ns, stat.st_mtime_ns))
            raise Cancelled

    with pytest.raises(Cancelled):
        write_collection(nml_path, small.new, expected=None, progress=saved_then_cancelled)
    kept = list(backup_folder(nml_path).iterdir())
    assert len(kept) == 1 and kept[0].read_bytes() == small.old


def test_backups_that_cannot_be_pruned_after_the_write_do_not_fail_it(
    nml_path: Path, small: Contents, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The new file is in place: a backup folder that cannot be listed then is logged, not a failed write (which
    a retry would write again, and an export would then read as Traktor's save)."""
    from harmony.nmlfile import BackupError

    def cannot_list(*args: object, **kwargs: object) -> list[Path]:
        raise BackupError("cannot list the backup folder: Device or resource busy")

    monkeypatch.setattr(safe_write, "prune_backups", cannot_list)
    result = write_collection(nml_path, small.new, expected=None)
    assert nml_path.read_bytes() == small.new and result.backup_path is not None
    assert result.backup_path.read_bytes() == small.old
