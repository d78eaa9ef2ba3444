"""Builders for the export tests: export a World's library into its collection, and record the new bases the way
the export worker will (``Library.record_export``)."""

from __future__ import annotations

from typing import Any

from harmony.jobs import read_export_snapshot
from harmony.nmlfile import NmlFingerprint
from harmony.sync import ExportOptions, ExportSnapshot, PlannedExport, plan_export
from harmony.sync.export_digests import stamp_digests

from .helpers import World

FINGERPRINT = NmlFingerprint(path="/tmp/collection.nml", size=1, mtime_ns=1, sha256="0" * 64)


def snapshot(world: World) -> ExportSnapshot:
    with world.library.reader() as reader:
        return read_export_snapshot(reader)


def export(world: World, **options: Any) -> PlannedExport:
    """Export the library into ``world.collection`` in place (nothing recorded)."""
    values: dict[str, Any] = {"platform": "linux"}
    values.update(options)
    return plan_export(world.collection, snapshot(world), ExportOptions(**values))


def export_and_record(world: World, **options: Any) -> PlannedExport:
    """Export, record the bases as the worker would, and read the written collection back."""
    library = snapshot(world)
    values: dict[str, Any] = {"platform": "linux"}
    values.update(options)
    export_options = ExportOptions(**values)
    result = plan_export(world.collection, library, export_options)
    assert library.version is not None
    # As the export job does: the written entries' digests go with the bases (harmony.sync.export_digests).
    bases = stamp_digests(result.bases, world.collection, export_options)
    world.library.record_export(library.version, FINGERPRINT, bases)
    world.reload()
    return result


def assert_export_changes_nothing(world: World, **options: Any) -> PlannedExport:
    """Export again: the collection must come back byte for byte and no base may change."""
    before = world.collection.to_bytes()
    result = export(world, **options)
    assert not result.changed, result.report.lines()
    assert not result.bases, result.bases
    assert result.stats.summary() == "No changes needed", result.report.lines()
    assert world.collection.to_bytes() == before
    return result
