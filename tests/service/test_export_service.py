"""Exports through TraktorService: what is written, backups, bases recorded, pending edits, Traktor saving the
file meanwhile, Traktor running, failures that leave the file alone."""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest

from harmony import nml
from harmony.library import Library
from harmony.service import ExportOutcome, ExportRequest, ImportOutcome, OperationEvent, TraktorService

from .conftest import Demo
from .stand_in import StandIn, start_traktor


def _entries(raw: bytes) -> list[bytes]:
    return re.findall(rb"<ENTRY .*?</ENTRY>", raw, re.DOTALL)


def _rows(path: Path) -> list[str]:
    with sqlite3.connect(path) as conn:
        skip = ('INSERT INTO "library_state"', 'INSERT INTO "operations"')  # when, and the journal of operations
        return [line for line in conn.iterdump() if not line.startswith(skip)]


def _export_request(demo: Demo, **changes: object) -> ExportRequest:
    mappings = demo.request().path_mappings
    fields: dict[str, object] = {"nml_path": str(demo.nml), "path_mappings": mappings, **changes}
    return ExportRequest(**fields)  # type: ignore[arg-type]


def _first_track(service: TraktorService) -> int:
    with Library.open(service.library_path) as library:
        return library.search_tracks(limit=1, sort="id").tracks[0].id


async def _imported(service: TraktorService, demo: Demo) -> None:
    op = await service.sync(demo.request())
    assert op.status == "succeeded", op.error


async def test_export_writes_exactly_the_edits_and_records_them(service: TraktorService, demo: Demo) -> None:
    await _imported(service, demo)
    track_id = _first_track(service)
    with Library.open(service.library_path) as library:
        path = library.get_track(track_id).track.values.path
        library.update_track(track_id, {"title": "Edited In Harmony", "rating": 5})
        assert library.pending_export
    before = demo.nml.read_bytes()

    op = await service.export(_export_request(demo))
    assert op.status == "succeeded", op.error
    outcome = op.result
    assert isinstance(outcome, ExportOutcome) and outcome.written
    data = outcome.to_json()
    assert list(data)[:6] == [
        "tracks_exported",
        "tracks_added",
        "tracks_removed",
        "playlists_exported",
        "backup_path",
        "seconds_per_phase",
    ]
    assert (data["tracks_exported"], data["tracks_added"], data["tracks_removed"]) == (1, 0, 0)
    assert {"parsing", "building", "writing"} <= set(data["seconds_per_phase"])
    assert outcome.backup_path is not None and Path(outcome.backup_path).read_bytes() == before

    after = demo.nml.read_bytes()
    old, new = _entries(before), _entries(after)
    changed = [i for i, (a, b) in enumerate(zip(old, new, strict=True)) if a != b]
    assert len(changed) == 1
    track = nml.load(after).tracks[changed[0]]
    assert track.title == "Edited In Harmony" and track.rating == 5
    assert Path(path).name in track.location.file
    assert before.replace(old[changed[0]], b"") == after.replace(new[changed[0]], b"")

    with Library.open(service.library_path) as library:
        assert not library.pending_export
    rows = _rows(service.library_path)
    again = await service.sync(demo.request())
    assert isinstance(again.result, ImportOutcome) and again.result.summary() == "No changes needed"
    # The export stamped its bases with the digests of the entries it wrote: the import skips them and
    # writes nothing (harmony.sync.export_digests).
    assert _rows(service.library_path) == rows
    nothing = await service.export(_export_request(demo))
    assert isinstance(nothing.result, ExportOutcome) and not nothing.result.written
    assert demo.nml.read_bytes() == after


async def test_dry_run_writes_nothing_and_shows_the_diff(service: TraktorService, demo: Demo) -> None:
    await _imported(service, demo)
    with Library.open(service.library_path) as library:
        library.update_track(_first_track(service), {"comment": "dry"})
    before = demo.nml.read_bytes()
    op = await service.export(_export_request(demo, dry_run=True))
    assert isinstance(op.result, ExportOutcome) and not op.result.written and op.result.dry_run
    assert any("comment" in line and "dry" in line for line in op.result.report.lines())
    assert demo.nml.read_bytes() == before
    assert not (demo.nml.parent / "Backup").exists()
    with Library.open(service.library_path) as library:
        assert library.pending_export


async def test_an_edit_made_during_the_export_stays_pending(service: TraktorService, demo: Demo) -> None:
    await _imported(service, demo)
    track_id = _first_track(service)
    with Library.open(service.library_path) as library:
        library.update_track(track_id, {"comment": "first"})

    def edit_while_building(event: OperationEvent) -> None:
        # From 40 % on, the export has read its library snapshot (see harmony.jobs.export_job).
        if event.operation == "export" and event.phase == "building" and event.percent >= 40 and not edited:
            with Library.open(service.library_path) as library:
                library.update_track(track_id, {"comment": "second"})
            edited.append(True)

    edited: list[bool] = []
    service.subscribe(edit_while_building)
    op = await service.export(_export_request(demo))
    assert op.status == "succeeded", op.error and edited
    assert nml.load(demo.nml).tracks  # readable
    with Library.open(service.library_path) as library:
        assert library.pending_export  # "second" is not in the NML yet
    op = await service.export(_export_request(demo))
    assert isinstance(op.result, ExportOutcome) and op.result.written
    with Library.open(service.library_path) as library:
        assert not library.pending_export


async def test_traktor_saving_meanwhile_is_imported_first(service: TraktorService, demo: Demo) -> None:
    await _imported(service, demo)
    track_id = _first_track(service)
    with Library.open(service.library_path) as library:
        library.update_track(track_id, {"comment": "from Harmony"})
    saved: list[bool] = []
    percents: list[float] = []

    def traktor_saves(event: OperationEvent) -> None:
        if event.operation == "export" and event.status == "running":
            percents.append(event.percent)
        if event.operation == "export" and event.phase == "building" and not saved:
            raw = demo.nml.read_bytes()
            # Traktor renames the last entry's track while Harmony builds the export.
            last = _entries(raw)[-1]
            demo.nml.write_bytes(raw.replace(last, last.replace(b'TITLE="', b'TITLE="Traktor ', 1)))
            saved.append(True)

    service.subscribe(traktor_saves)
    op = await service.export(_export_request(demo))
    assert saved and op.status == "succeeded", op.error
    assert percents == sorted(percents) and percents[-1] > 90, percents  # the second try goes on, not back to 0
    imports = [o for o in service.history() if o.operation == "import"]
    assert len(imports) == 2  # the first import, and the one the export ran first
    collection = nml.load(demo.nml)
    titles = [t.title or "" for t in collection.tracks]
    assert titles[-1].startswith("Traktor ")
    assert any(t.comment == "from Harmony" for t in collection.tracks)


async def test_a_failed_write_leaves_the_file_and_the_pending_edits(service: TraktorService, demo: Demo) -> None:
    await _imported(service, demo)
    with Library.open(service.library_path) as library:
        library.update_track(_first_track(service), {"comment": "never written"})
    before = demo.nml.read_bytes()
    (demo.nml.parent / "Backup").write_bytes(b"a file where the backup folder should be")
    op = await service.export(_export_request(demo))
    assert op.status == "failed" and op.error is not None and "back up" in op.error
    assert demo.nml.read_bytes() == before
    with Library.open(service.library_path) as library:
        assert library.pending_export


@pytest.fixture
def fake_traktor(tmp_path: Path) -> Iterator[StandIn]:
    traktor = start_traktor(tmp_path)
    yield traktor
    traktor.kill()


async def test_traktor_running_refuses_unless_forced(service: TraktorService, demo: Demo, fake_traktor: object) -> None:
    await _imported(service, demo)
    with Library.open(service.library_path) as library:
        library.update_track(_first_track(service), {"comment": "while Traktor runs"})
    before = demo.nml.read_bytes()
    refused = await service.export(_export_request(demo))
    assert refused.status == "failed" and refused.error is not None and "Traktor" in refused.error
    assert demo.nml.read_bytes() == before
    forced = await service.export(_export_request(demo, force=True))
    assert forced.status == "succeeded", forced.error
    assert isinstance(forced.result, ExportOutcome) and forced.result.written and forced.result.warnings


async def test_backups_are_listed_and_restored(service: TraktorService, demo: Demo) -> None:
    await _imported(service, demo)
    original = demo.nml.read_bytes()
    with Library.open(service.library_path) as library:
        library.update_track(_first_track(service), {"comment": "exported"})
    op = await service.export(_export_request(demo))
    assert op.status == "succeeded", op.error
    exported = demo.nml.read_bytes()
    backups = service.backups(str(demo.nml))
    assert len(backups) == 1 and backups[0].tracks == demo.generated.tracks
    result = service.restore(str(backups[0].path), str(demo.nml))
    assert demo.nml.read_bytes() == original
    assert result["backup_path"] is not None and Path(result["backup_path"]).read_bytes() == exported
    assert len(service.backups(str(demo.nml))) == 2
