"""Putting a backup back: ``harmony traktor restore BACKUP``.

A restore is itself a write of the collection, so it goes through the same safe write as an export: Traktor
check, lock, a backup of the current file first (so a wrong restore can be undone by restoring that one), a
temporary file re-parsed with the backup's own counts, ``os.replace``.
"""

from __future__ import annotations

import logging
import os
from pathlib import Path

from harmony import nml
from harmony.errors import NMLError
from harmony.nml import summarize
from harmony.nmlfile.backups import DEFAULT_KEEP, backup_folder
from harmony.nmlfile.errors import BackupError
from harmony.nmlfile.lock import DEFAULT_LOCK_TIMEOUT
from harmony.nmlfile.safe_write import WriteProgress, WriteResult, _write_collection

logger = logging.getLogger(__name__)

__all__ = ["find_backup", "restore_backup"]


def find_backup(nml_path: str | os.PathLike[str], backup: str | os.PathLike[str]) -> Path:
    """The backup file ``backup`` names: a path, or a bare file name in the collection's backup folder."""
    given = Path(backup)
    if given.is_file():
        return given
    in_folder = backup_folder(nml_path) / given.name
    if given.name == str(backup) and in_folder.is_file():
        return in_folder
    raise BackupError(f"no backup {backup} (see `harmony traktor backups` for the list)")


def restore_backup(
    nml_path: str | os.PathLike[str],
    backup: str | os.PathLike[str],
    keep: int = DEFAULT_KEEP,
    force: bool = False,
    *,
    progress: WriteProgress | None = None,
    lock_timeout: float = DEFAULT_LOCK_TIMEOUT,
) -> WriteResult:
    """Replace the collection at ``nml_path`` with the backup ``backup`` (a path or a name in the backup folder).

    The backup must read as a whole collection first (every entry parsed), else :class:`BackupError` and
    nothing is touched. The current file is backed up before it is replaced (``result.backup_path``); pruning
    to ``keep`` never deletes the backup being restored. Refuses while Traktor runs unless ``force``."""
    source = find_backup(nml_path, backup)
    try:
        data = source.read_bytes()
    except OSError as error:
        raise BackupError(f"cannot read the backup {source}: {error.strerror or error}") from error
    try:
        collection = nml.load(data)
        counts = (len(collection.tracks), summarize(collection).playlists)
    except NMLError as error:
        raise BackupError(f"the backup {source.name} is not a readable collection ({error}); choose another") from None
    del collection
    result = _write_collection(
        Path(nml_path),
        data,
        expected=None,
        backup=True,
        keep=keep,
        force=force,
        expected_counts=counts,
        progress=progress,
        lock_timeout=lock_timeout,
        protect=source,
    )
    logger.info("restored %s from %s (%d tracks, %d playlists)", nml_path, source, *counts)
    return result
