"""The restore job: put a copy of the collection back through the safe write, in a worker (reading, checking and
writing a 150 MB collection is no work for the web app's process)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from harmony.nmlfile import read_back, restore_backup

__all__ = ["run_restore_job"]


def run_restore_job(nml_path: str, backup: str, keep: int, force: bool = False) -> dict[str, Any]:
    """Restore ``backup`` over ``nml_path`` (the current file is backed up first); return what was done, with
    the restored file's ``tracks`` and ``playlists``."""
    target = Path(nml_path)
    result = restore_backup(target, Path(backup), keep=keep, force=force)
    tracks, playlists = read_back(target).counts
    return {
        "nml_path": str(target),
        "restored": str(backup),
        "backup_path": None if result.backup_path is None else str(result.backup_path),
        "warnings": list(result.warnings),
        "tracks": tracks,
        "playlists": playlists,
    }
