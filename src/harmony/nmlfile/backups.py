"""Backups of collection.nml, made by Harmony before every write, in ``Backup/Harmony/`` beside the NML.

Traktor keeps its own backups in ``Backup/`` beside the collection; Harmony's go one folder down, so neither
prunes the other's. A backup is named after the collection and the UTC time it was made, to the microsecond:
``collection_2026-11-28T13-00-09.123456Z.nml``. Names sort in time order, so the newest is the last by name.
Pruning deletes only files whose names have exactly that shape, never anything else in the folder.

Pruning keeps the newest ``keep`` backups and, beyond them, the first backup of each of the latest
:data:`DAYS_KEPT` days that have one: the collection as it was before each day's work. With auto-sync, every
edit is an export and every export a backup, so the newest ten alone were all from the last few minutes, and
the copy from before the session was gone.

Restoring one is in :mod:`harmony.nmlfile.restore` (it goes through the safe write).
"""

from __future__ import annotations

import logging
import os
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from harmony import nml
from harmony.errors import NMLError
from harmony.nml import fsync_folder, replace_with, write_temporary
from harmony.nmlfile.errors import BackupError
from harmony.nmlfile.target import real_collection_path

logger = logging.getLogger(__name__)

__all__ = [
    "DAYS_KEPT",
    "DEFAULT_KEEP",
    "BackupInfo",
    "backup_folder",
    "backup_name",
    "create_backup",
    "list_backups",
    "prune_backups",
    "write_backup",
]

DEFAULT_KEEP = 10
"""Backups kept per collection when the settings say nothing else."""

DAYS_KEPT = 7
"""Beyond the newest ``keep``, the first backup of each of this many latest days with backups is kept."""

_TIME_FORMAT = "%Y-%m-%dT%H-%M-%S.%f"  # no colons: they are not allowed in Windows file names


def _utc_now() -> datetime:
    return datetime.now(UTC)


#: Where the time comes from; tests replace it to make two backups in the same microsecond.
clock: Callable[[], datetime] = _utc_now


@dataclass(frozen=True, slots=True)
class BackupInfo:
    """One backup as ``harmony traktor backups`` lists it. ``tracks`` is None when the file is damaged."""

    path: Path
    created_at: datetime
    size: int
    tracks: int | None

    def to_json(self) -> dict[str, object]:
        return {
            "path": str(self.path),
            "created_at": self.created_at.isoformat(),
            "size": self.size,
            "tracks": self.tracks,
        }


def backup_folder(nml_path: str | os.PathLike[str]) -> Path:
    """``<folder of the NML>/Backup/Harmony/`` (of the real file, when ``nml_path`` is a symbolic link)."""
    return real_collection_path(nml_path).parent / "Backup" / "Harmony"


def backup_name(nml_path: str | os.PathLike[str], created_at: datetime) -> str:
    """The file name of a backup of ``nml_path`` made at ``created_at`` (converted to UTC)."""
    path = real_collection_path(nml_path)
    return f"{path.stem}_{created_at.astimezone(UTC).strftime(_TIME_FORMAT)}Z{path.suffix}"


def _name_pattern(nml_path: Path) -> re.Pattern[str]:
    stamp = r"(\d{4}-\d{2}-\d{2}T\d{2}-\d{2}-\d{2}\.\d{6})"
    return re.compile(f"{re.escape(nml_path.stem)}_{stamp}Z{re.escape(nml_path.suffix)}")


def _harmony_backups(nml_path: Path) -> list[tuple[Path, datetime]]:
    """This collection's backups made by Harmony, newest first."""
    folder = backup_folder(nml_path)
    pattern = _name_pattern(nml_path)
    try:
        names = os.listdir(folder)
    except FileNotFoundError:
        return []
    except OSError as error:
        raise BackupError(f"cannot read the backup folder {folder}: {error.strerror or error}") from error
    found: list[tuple[Path, datetime]] = []
    for name in names:
        match = pattern.fullmatch(name)
        if match is None:
            continue
        created = datetime.strptime(match.group(1), _TIME_FORMAT).replace(tzinfo=UTC)
        found.append((folder / name, created))
    found.sort(key=lambda item: item[0].name, reverse=True)
    return found


def create_backup(nml_path: str | os.PathLike[str], keep: int = DEFAULT_KEEP) -> Path:
    """Copy the collection file into the backup folder (atomically, fsynced), prune (:func:`prune_backups`),
    return the copy.

    Call it while holding :func:`~harmony.nmlfile.lock.nml_lock`, as the safe write does: the lock is what
    keeps two backups made in the same microsecond by two processes from choosing the same name."""
    path = real_collection_path(nml_path)
    try:
        data = path.read_bytes()
    except OSError as error:
        raise BackupError(f"cannot read {path} to back it up: {error.strerror or error}") from error
    return write_backup(path, data, keep)


def write_backup(
    nml_path: str | os.PathLike[str],
    data: bytes | Iterable[bytes | memoryview],
    keep: int = DEFAULT_KEEP,
    *,
    protect: Path | None = None,
    prune: bool = True,
) -> Path:
    """Store ``data`` (the collection's current bytes, already read, or pieces of them as they are read) as a
    new backup of ``nml_path``. An exception other than ``OSError``/``NMLError`` raised while the pieces are
    produced passes through, and no backup is left.

    The copy is written atomically (a temporary file, fsync, rename, fsync of the folder), so a crash never
    leaves a half backup with a backup's name. Then, with ``prune``, the backups :func:`prune_backups` does not
    keep are deleted, except ``protect`` (the backup being restored). Raises :class:`BackupError`."""
    if keep < 1:
        raise BackupError(f"the number of backups to keep must be 1 or more, not {keep}")
    path = real_collection_path(nml_path)
    folder = backup_folder(path)
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise BackupError(f"cannot create the backup folder {folder}: {error.strerror or error}") from error
    target = folder / _free_name(path, folder)
    try:
        temporary = write_temporary(target, [data] if isinstance(data, bytes) else data)
        try:
            # A backup gets the collection's permission bits, not mkstemp's private 0600.
            os.chmod(temporary, path.stat().st_mode & 0o7777)
        except FileNotFoundError:
            pass
        except OSError as error:
            os.unlink(temporary)
            raise NMLError(f"cannot set the permissions of {target}: {error.strerror or error}") from error
        replace_with(temporary, target)
        fsync_folder(folder)
    except (NMLError, OSError) as error:
        raise BackupError(f"cannot write the backup {target}: {error}") from error
    logger.info("backed up %s to %s", path, target)
    if prune:
        prune_backups(path, keep, protect=protect)
    return target


def _free_name(nml_path: Path, folder: Path) -> str:
    """A name no backup has yet: the current time, moved on by a microsecond while taken (two backups within
    one clock tick, or a clock set back)."""
    moment = clock()
    name = backup_name(nml_path, moment)
    while (folder / name).exists():
        moment += timedelta(microseconds=1)
        name = backup_name(nml_path, moment)
    return name


def prune_backups(nml_path: str | os.PathLike[str], keep: int, *, protect: Path | None = None) -> list[Path]:
    """Delete this collection's Harmony backups beyond the newest ``keep`` and the first of each of the latest
    :data:`DAYS_KEPT` days (never ``protect``); return them.

    A backup that cannot be deleted is logged and left: a full backup folder is no reason to fail an export."""
    removed: list[Path] = []
    protected = protect.resolve() if protect is not None else None
    backups = _harmony_backups(real_collection_path(nml_path))
    kept = _kept(backups, keep)
    for backup, _ in backups:
        if backup in kept or backup.resolve() == protected:
            continue
        try:
            backup.unlink()
        except FileNotFoundError:
            continue
        except OSError as error:
            logger.warning("cannot delete the old backup %s: %s", backup, error.strerror or error)
            continue
        removed.append(backup)
    if removed:
        logger.info("pruned %d old backup(s) of %s", len(removed), nml_path)
    return removed


def _kept(backups: list[tuple[Path, datetime]], keep: int) -> set[Path]:
    """Of ``backups`` (newest first), the newest ``keep`` and the first of each of the latest :data:`DAYS_KEPT`
    days with backups (days of this computer's clock, as the DJ counts them)."""
    kept = {path for path, _ in backups[: max(keep, 0)]}
    first_of_day: dict[date, Path] = {}
    for path, created in backups:  # newest first: the last one seen of a day is its first
        first_of_day[created.astimezone().date()] = path
    for day in sorted(first_of_day, reverse=True)[:DAYS_KEPT]:
        kept.add(first_of_day[day])
    return kept


def list_backups(nml_path: str | os.PathLike[str]) -> list[BackupInfo]:
    """This collection's Harmony backups, newest first, with their size and number of tracks.

    Reads each backup once to count its tracks; a damaged backup is listed with ``tracks=None`` rather than
    failing the list (the DJ needs to see the good ones most when something is wrong)."""
    listed: list[BackupInfo] = []
    for backup, created in _harmony_backups(real_collection_path(nml_path)):
        try:
            size = backup.stat().st_size
        except FileNotFoundError:  # pruned while we looked
            continue
        except OSError as error:
            logger.warning("cannot read the backup %s: %s", backup, error.strerror or error)
            listed.append(BackupInfo(backup, created, 0, None))
            continue
        listed.append(BackupInfo(backup, created, size, count_tracks(backup)))
    return listed


def count_tracks(path: Path) -> int | None:
    """The number of ``ENTRY`` elements of the file's ``COLLECTION``, or None when it cannot be read as an NML.

    Uses the NML layer's byte scanner: it finds each entry's extent without building any XML tree."""
    try:
        scanned = nml.scan(path.read_bytes())
    except (NMLError, OSError, ValueError) as error:
        logger.warning("the backup %s cannot be read: %s", path, error)
        return None
    return sum(item.tag == "ENTRY" for item in scanned.items)
