"""``harmony traktor status`` and the Traktor page's status line: one picture of where the sync stands.

What runs, what auto-sync does, how many tracks wait to be exported, whether Traktor runs, and the collection's
health. In the web app (and ``watch``) auto-sync's own status is known; a separate CLI process derives the same
state from the facts: a damaged file pauses everything, and edits pending while Traktor runs wait for it.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from harmony.library import Library, OperationRecord
from harmony.nmlfile import CollectionHealth, TraktorProcess, changed_on_disk
from harmony.service.autosync import AutoSyncStatus, waiting_message
from harmony.service.operations import Operation
from harmony.service.recovery import REBUILD, RESTORE
from harmony.service.traktor import EXPORT, IMPORT
from harmony.words import plural

__all__ = ["last_export", "last_sync", "overall_state", "restored_since_sync", "status_json"]

#: What a collection restored since the last sync means for the library, said by the CLI and the pages.
RESTORED_MESSAGE = (
    "The collection was restored from a backup since the last sync: a sync would bring its older values into the "
    "library, over the edits exported since the copy was made (Preview Sync shows which)"
)

#: The operations that write the collection: one that succeeded after a failed sync leaves another file behind
#: than the one the sync failed on.
_WRITES = frozenset({EXPORT, REBUILD, RESTORE})


def _wrote(record: OperationRecord, nml_path: str) -> bool:
    """Whether ``record`` wrote the collection at ``nml_path`` (an export with nothing to write succeeds too, and
    leaves the file as it was)."""
    return (
        record.operation in _WRITES
        and record.status == "succeeded"
        and record.nml_path == nml_path
        and record.counts.get("written", True) is not False
    )


def last_export(journal: Sequence[OperationRecord]) -> OperationRecord | None:
    """The newest export in ``journal`` (newest first) that wrote its collection, for the Traktor page's "Last
    export": one that found nothing to write wrote nothing."""
    return next((r for r in journal if r.operation == EXPORT and _wrote(r, r.nml_path)), None)


def last_sync(journal: Sequence[OperationRecord]) -> OperationRecord | None:
    """The sync from Traktor the Traktor page's "Synced at …" line is about: the newest in ``journal`` (newest
    first), or None when there is none, or when it failed or was cancelled and a later operation wrote the same
    collection (an export that wrote, a rebuild, a restore): "Sync failed" about a damaged file already restored
    misleads."""
    for index, record in enumerate(journal):
        if record.operation != IMPORT:
            continue
        if record.status != "succeeded" and any(_wrote(later, record.nml_path) for later in journal[:index]):
            return None
        return record
    return None


def _naive_utc(moment: datetime) -> datetime:
    """``moment`` as the library keeps times (UTC, no zone), as :func:`changed_on_disk` gives them."""
    return moment if moment.tzinfo is None else moment.astimezone(UTC).replace(tzinfo=None)


def restored_since_sync(
    journal: Sequence[OperationRecord], nml_path: str, saved_at: datetime | None
) -> OperationRecord | None:
    """The restore that put the collection at ``nml_path`` as it is on disk (last saved at ``saved_at``) since
    Harmony last read or wrote it, from ``journal`` (newest first); None when the file was not restored since,
    or Traktor saved it after the restore. Its differences from the library are then older values, not
    Traktor's changes: a sync would bring them in over the edits exported since the copy was made."""
    if saved_at is None:
        return None
    for record in journal:
        if record.nml_path != nml_path or record.status != "succeeded":
            continue
        if record.operation == RESTORE:
            return record if saved_at <= _naive_utc(record.finished_at) else None
        if record.operation == IMPORT or _wrote(record, nml_path):
            return None  # read or written by Harmony after any restore
        # A preview, or an export that found nothing to write, left the restored file as it was.
    return None


def overall_state(
    health: CollectionHealth | None,
    running: Operation | None,
    pending_tracks: int,
    pending: bool,
    traktor_running: bool,
    auto_sync: AutoSyncStatus | None,
    collection_changed: bool = False,
    collection_restored: bool = False,
) -> tuple[str, str]:
    """``(status, message)``: the one word and the line a DJ reads first. ``collection_changed``: the file was
    saved since the last sync (Traktor's changes are not in the library yet), ``collection_restored``: by a
    restore; said when nothing more urgent is."""
    if health is not None and health.status == "damaged":
        return "damaged", f"The collection looks damaged ({health.reason}): restore a backup or rebuild it."
    if health is not None and health.status == "missing":
        return "missing", f"No collection: {health.reason}."
    if running is not None:
        return "running", f"{running.operation.capitalize()} running: {running.message}"
    if auto_sync is not None and auto_sync.state in ("syncing", "waiting_for_traktor", "error"):
        return auto_sync.state, auto_sync.last_error if auto_sync.state == "error" and auto_sync.last_error else (
            auto_sync.message
        )
    if pending and traktor_running:
        return "waiting_for_traktor", waiting_message(pending_tracks)
    said = []
    if pending:
        said.append(
            f"{plural(pending_tracks, 'track waits', 'tracks wait')} to be exported"
            if pending_tracks
            else ("Edits wait to be exported")
        )
    if collection_restored:
        said.append(RESTORED_MESSAGE)
    elif collection_changed:
        said.append("Traktor's collection changed since the last sync: sync to bring its changes in")
    return "idle", "; ".join(said) or "Library and collection are in step"


def status_json(
    library: Library,
    nml_path: str | None,
    health: CollectionHealth | None,
    traktor: list[TraktorProcess],
    running: Operation | None,
    auto_sync: AutoSyncStatus | None,
) -> dict[str, Any]:
    """The JSON of ``harmony traktor status --json`` and ``GET /api/traktor/status`` (blocking: reads the
    library)."""
    library_status = library.status()
    # What an export would write, as the library page counts it (not only that the version moved: an undo
    # moves it too).
    pending = library.waiting_for_export()
    pending_tracks = library.pending_track_count() if pending else 0
    saved_at: datetime | None = None
    if nml_path is not None and (health is None or health.ok):
        saved_at = changed_on_disk(library_status.nml_fingerprint, Path(nml_path))
    restore = None
    if nml_path is not None and saved_at is not None:
        restore = restored_since_sync(library.recent_operations(50), nml_path, saved_at)
    state, message = overall_state(
        health,
        running,
        pending_tracks,
        pending,
        bool(traktor),
        auto_sync,
        collection_changed=saved_at is not None,
        collection_restored=restore is not None,
    )
    return {
        "status": state,
        "message": message,
        "nml_path": nml_path,
        "running_operation": None
        if running is None
        else {
            "operation_id": running.id,
            "operation": running.operation,
            "status": running.status,
            "phase": running.phase,
            "percent": running.percent,
            "message": running.message,
        },
        "auto_sync": None if auto_sync is None else auto_sync.to_json(),
        "pending_export": pending,
        "pending_tracks": pending_tracks,
        "traktor_running": bool(traktor),
        "traktor_processes": [{"pid": p.pid, "name": p.name} for p in traktor],
        "health": None if health is None else health.to_json(),
        "last_import_at": None if library_status.last_import_at is None else library_status.last_import_at.isoformat(),
        "last_export_at": None if library_status.last_export_at is None else library_status.last_export_at.isoformat(),
        # The file was saved since Harmony last read or wrote it (Traktor saved it): its changes are not in the
        # library yet. False too when nothing was ever synced, or the file is missing or damaged.
        "collection_changed": saved_at is not None,
        "collection_saved_at": None if saved_at is None else saved_at.isoformat(),
        # ... and that save was a restore of Harmony's: its differences are older values, not Traktor's changes.
        "collection_restored": restore is not None,
        "collection_restored_from": None if restore is None else restore.summary,
    }
