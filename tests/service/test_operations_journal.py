"""Every finished operation lands in the library's operations journal, with its phases, counts and outcome;
`harmony stats` shows them and the pools."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

from typer.testing import CliRunner

from harmony.cli import app
from harmony.library import Library
from harmony.library.operations import KEEP, OperationRecord
from harmony.service import TraktorService

from .conftest import Demo


async def test_each_operation_is_recorded_without_bumping_the_library(service: TraktorService, demo: Demo) -> None:
    await service.sync(demo.request())
    with Library.open(service.library_path) as library:
        version = library.version
        pending = library.pending_export
    await service.preview(demo.request())
    broken = demo.nml.with_name("missing.nml")
    await service.sync(demo.request(nml_path=str(broken)))
    records = service.recent_operations()
    assert [(r.operation, r.status) for r in records] == [
        ("import", "failed"),
        ("preview", "succeeded"),
        ("import", "succeeded"),
    ]
    failed, preview, first = records
    assert failed.error is not None and "does not exist" in failed.error
    assert first.counts["tracks_imported"] == demo.generated.tracks
    assert first.counts["missing_files"] == 0 and first.summary.startswith("Imported 300 tracks")
    assert {"parsing", "analyzing", "saving"} <= set(first.seconds_per_phase)
    assert "saving" not in preview.seconds_per_phase
    assert first.pools["sync"]["completed"] >= 1 and first.seconds is not None and first.seconds > 0
    with Library.open(service.library_path) as library:
        assert library.version == version and library.pending_export == pending


def test_the_journal_keeps_the_newest(tmp_path: Path) -> None:
    from datetime import UTC, datetime

    with Library.open(tmp_path / "lib.db") as library:
        for number in range(KEEP + 5):
            library.record_operation(OperationRecord(f"op-{number}", "import", "succeeded", datetime.now(UTC)))
        newest = library.recent_operations(KEEP + 100)
    assert len(newest) == KEEP
    assert newest[0].operation_id == f"op-{KEEP + 4}" and newest[-1].operation_id == "op-5"


async def test_stats_command_shows_operations_and_pools(service: TraktorService, demo: Demo) -> None:
    await service.sync(demo.request())
    result = CliRunner().invoke(app, ["--library", str(service.library_path), "stats", "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert [op["operation"] for op in data["operations"]] == ["import"]
    assert data["operations"][0]["counts"]["tracks_imported"] == demo.generated.tracks
    assert "analyzing" in data["phases"]["import"] and "sync" in data["pools"]
    table = CliRunner().invoke(app, ["--library", str(service.library_path), "stats"])
    assert table.exit_code == 0 and "import" in table.stdout and "succeeded" in table.stdout
    # A restore from the command line runs on no pool: the pools' figures are still the import's.
    with Library.open(service.library_path) as library:
        library.record_operation(OperationRecord("restore-1", "restore", "succeeded", datetime.now(UTC)))
    after = json.loads(CliRunner().invoke(app, ["--library", str(service.library_path), "stats", "--json"]).stdout)
    assert after["operations"][0]["operation"] == "restore" and after["pools"] == data["pools"]


def test_the_last_sync_line_leaves_a_failure_a_later_write_made_out_of_date() -> None:
    from datetime import UTC, datetime

    from harmony.service import last_sync

    def record(operation: str, status: str, nml_path: str = "/c/collection.nml", **counts: object) -> OperationRecord:
        return OperationRecord(f"{operation}-{status}", operation, status, datetime.now(UTC), nml_path, counts=counts)

    failed, synced = record("import", "failed"), record("import", "succeeded")
    assert last_sync([]) is None
    assert last_sync([record("export", "succeeded")]) is None
    assert last_sync([record("preview", "succeeded"), failed, synced]) is failed  # a preview writes nothing
    assert last_sync([record("export", "failed"), failed]) is failed  # nor does a failed export
    for write in ("export", "rebuild", "restore"):
        assert last_sync([record(write, "succeeded"), failed, synced]) is None
    assert last_sync([record("restore", "succeeded"), record("import", "cancelled")]) is None
    # Only a write of the same collection, and an export that wrote: one with nothing to write left the file.
    assert last_sync([record("rebuild", "succeeded", "/other/collection.nml"), failed]) is failed
    assert last_sync([record("export", "succeeded", written=False), failed]) is failed
    assert last_sync([record("export", "succeeded", written=True), failed]) is None
    # "Last export" is the newest export that wrote, the same rule.
    from harmony.service import last_export

    wrote = record("export", "succeeded", written=True)
    assert last_export([record("export", "succeeded", written=False), wrote, synced]) is wrote
    assert last_export([record("export", "failed"), synced]) is None
    # A sync that succeeded stays said after later writes: it is what the library last took from Traktor.
    assert last_sync([record("export", "succeeded"), synced, failed]) is synced


def test_a_collection_restored_since_the_last_sync_is_told_apart_from_a_traktor_save() -> None:
    from datetime import UTC, datetime, timedelta

    from harmony.service import restored_since_sync

    path = "/c/collection.nml"
    at = datetime(2026, 12, 7, 12, 0, tzinfo=UTC)
    naive = at.replace(tzinfo=None)  # as the file's save time comes (changed_on_disk)

    def record(operation: str, minutes: int, status: str = "succeeded", nml_path: str = path) -> OperationRecord:
        return OperationRecord(f"{operation}-{minutes}", operation, status, at + timedelta(minutes=minutes), nml_path)

    restore = record("restore", 0)
    assert restored_since_sync([restore, record("export", -5)], path, naive) is restore
    assert restored_since_sync([restore], path, None) is None  # the file holds what Harmony last saw
    # Traktor saved after the restore: its changes are Traktor's.
    assert restored_since_sync([restore], path, naive + timedelta(minutes=1)) is None
    # Read or written by Harmony after the restore: in step since.
    for later in ("import", "export", "rebuild"):
        assert restored_since_sync([record(later, 1), restore], path, naive) is None
    # A failed import, a preview, an export that wrote nothing, another collection's restore do not count.
    assert restored_since_sync([record("import", 1, "failed"), record("preview", 2), restore], path, naive) is restore
    later = at + timedelta(minutes=3)
    nothing = OperationRecord("export-9", "export", "succeeded", later, path, counts={"written": False})
    assert restored_since_sync([nothing, restore], path, naive) is restore
    assert restored_since_sync([record("restore", 0, nml_path="/other.nml")], path, naive) is None
