"""The collection.nml file on disk: writing it safely, locking it, backing it up, and spotting Traktor.

Below the service layer: the service plans an export (pure, in ``sync``) and hands the new bytes here.

- :func:`write_collection`: the safe write (Traktor check, lock, unchanged check, backup, temporary file,
  re-parse, ``os.replace``, folder fsync); :func:`remove_stale_temp_files` cleans what a killed write left.
- :func:`nml_lock`: one writer per file, in this process and across processes.
- :func:`create_backup`, :func:`list_backups`, :func:`restore_backup`: ``Backup/Harmony/`` beside the NML.
- :func:`running_traktor`: the Traktor processes running now.
- :func:`check_collection`: is the file a whole collection with plausible counts (:mod:`harmony.nmlfile.health`);
  :func:`list_restorable`: every copy that can be put back, Harmony's backups and Traktor's.
- :func:`retry_transient`: retry what fails only for a moment (a busy lock or file), with backoff.
- :func:`read_with_fingerprint`, :func:`read_fingerprinting`, :func:`fingerprint_of`: what a file was when it was
  read; :func:`changed_on_disk`: whether it was saved again since.

Importing this package stays light: the errors and :class:`NmlFingerprint` (a value the import plan and the
library carry) come from small modules; the rest (locks, process lists, backups, the safe write) is imported on
first use, so the pure sync layer does not pull in filelock or psutil.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from harmony.nmlfile.errors import (
    BackupError,
    NmlBusyError,
    NmlChangedError,
    SafeWriteError,
    TraktorRunningError,
    UnknownBackupError,
)
from harmony.nmlfile.fingerprint import (
    NmlFingerprint,
    TornReadError,
    changed_on_disk,
    fingerprint_of,
    read_fingerprinting,
    read_with_fingerprint,
)

if TYPE_CHECKING:
    from harmony.nmlfile.backups import (
        DEFAULT_KEEP,
        BackupInfo,
        backup_folder,
        create_backup,
        list_backups,
        prune_backups,
    )
    from harmony.nmlfile.health import (
        CollectionHealth,
        DamagedCollectionError,
        check_collection,
        judge_counts,
        refuse_if_damaged,
    )
    from harmony.nmlfile.locate import COLLECTION_FILE, default_nml_path, find_collections, native_instruments_folder
    from harmony.nmlfile.lock import DEFAULT_LOCK_TIMEOUT, lock_file_path, nml_lock
    from harmony.nmlfile.readback import read_back
    from harmony.nmlfile.restorable import (
        Listing,
        Reading,
        RestorableCopy,
        Stamp,
        list_restorable,
        read_restorable,
        stamp_of,
    )
    from harmony.nmlfile.restore import find_backup, restore_backup
    from harmony.nmlfile.retry import is_transient, retry_transient
    from harmony.nmlfile.safe_write import PHASE, STEPS, Counts, WriteResult, remove_stale_temp_files, write_collection
    from harmony.nmlfile.traktor_process import TraktorProcess, is_traktor_name, running_traktor

#: The names imported on first use, and the module each comes from.
_LAZY: dict[str, str] = {
    "DEFAULT_KEEP": "harmony.nmlfile.backups",
    "BackupInfo": "harmony.nmlfile.backups",
    "backup_folder": "harmony.nmlfile.backups",
    "create_backup": "harmony.nmlfile.backups",
    "list_backups": "harmony.nmlfile.backups",
    "prune_backups": "harmony.nmlfile.backups",
    "CollectionHealth": "harmony.nmlfile.health",
    "DamagedCollectionError": "harmony.nmlfile.health",
    "check_collection": "harmony.nmlfile.health",
    "judge_counts": "harmony.nmlfile.health",
    "refuse_if_damaged": "harmony.nmlfile.health",
    "COLLECTION_FILE": "harmony.nmlfile.locate",
    "default_nml_path": "harmony.nmlfile.locate",
    "find_collections": "harmony.nmlfile.locate",
    "native_instruments_folder": "harmony.nmlfile.locate",
    "DEFAULT_LOCK_TIMEOUT": "harmony.nmlfile.lock",
    "lock_file_path": "harmony.nmlfile.lock",
    "nml_lock": "harmony.nmlfile.lock",
    "read_back": "harmony.nmlfile.readback",
    "Listing": "harmony.nmlfile.restorable",
    "Reading": "harmony.nmlfile.restorable",
    "RestorableCopy": "harmony.nmlfile.restorable",
    "Stamp": "harmony.nmlfile.restorable",
    "list_restorable": "harmony.nmlfile.restorable",
    "read_restorable": "harmony.nmlfile.restorable",
    "stamp_of": "harmony.nmlfile.restorable",
    "find_backup": "harmony.nmlfile.restore",
    "restore_backup": "harmony.nmlfile.restore",
    "is_transient": "harmony.nmlfile.retry",
    "retry_transient": "harmony.nmlfile.retry",
    "PHASE": "harmony.nmlfile.safe_write",
    "STEPS": "harmony.nmlfile.safe_write",
    "Counts": "harmony.nmlfile.safe_write",
    "WriteResult": "harmony.nmlfile.safe_write",
    "remove_stale_temp_files": "harmony.nmlfile.safe_write",
    "write_collection": "harmony.nmlfile.safe_write",
    "TraktorProcess": "harmony.nmlfile.traktor_process",
    "is_traktor_name": "harmony.nmlfile.traktor_process",
    "running_traktor": "harmony.nmlfile.traktor_process",
}


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


__all__ = [
    "COLLECTION_FILE",
    "DEFAULT_KEEP",
    "DEFAULT_LOCK_TIMEOUT",
    "PHASE",
    "STEPS",
    "BackupError",
    "BackupInfo",
    "CollectionHealth",
    "Counts",
    "DamagedCollectionError",
    "Listing",
    "NmlBusyError",
    "NmlChangedError",
    "NmlFingerprint",
    "Reading",
    "RestorableCopy",
    "SafeWriteError",
    "Stamp",
    "TornReadError",
    "TraktorProcess",
    "TraktorRunningError",
    "UnknownBackupError",
    "WriteResult",
    "backup_folder",
    "changed_on_disk",
    "check_collection",
    "create_backup",
    "default_nml_path",
    "find_backup",
    "find_collections",
    "fingerprint_of",
    "is_traktor_name",
    "is_transient",
    "judge_counts",
    "list_backups",
    "list_restorable",
    "lock_file_path",
    "native_instruments_folder",
    "nml_lock",
    "prune_backups",
    "read_back",
    "read_fingerprinting",
    "read_restorable",
    "read_with_fingerprint",
    "refuse_if_damaged",
    "remove_stale_temp_files",
    "restore_backup",
    "retry_transient",
    "running_traktor",
    "stamp_of",
    "write_collection",
]
