"""Rebuild from the libraries of the real fixtures: the rebuilt collection loads in ``harmony.nml``, and imported
into a fresh library it gives the same tracks, cue points and playlists as the library it was rebuilt from (cue
points as every export writes them: exact duplicates once)."""

from __future__ import annotations

from dataclasses import asdict, replace
from pathlib import Path
from typing import Any

import pytest

from harmony import nml
from harmony.jobs.rebuild_job import RebuildResult
from harmony.library import FolderNode, Library
from harmony.service import ImportRequest, TraktorService
from harmony.sync.export_cues import stored_cues
from harmony.sync.export_inputs import ExportOptions
from harmony.workers import WorkerManager

from ..sync.test_real_files import COLLECTIONS, by_size
from .test_import_real_files import _place_files

pytestmark = pytest.mark.timeout(300)

# Values a round trip through Traktor's file legitimately changes: the library's own bookkeeping.
_BOOKKEEPING = {"date_modified"}


def _tracks(library: Library, as_written: bool = False) -> dict[str, tuple[dict[str, Any], list[dict[str, Any]]]]:
    """Every track by path: its values and its cue points' values, in order. ``as_written``: the cues as any
    export writes them into an NML (the sync's cue identity: one cue per type, pad and position within the
    tolerance, so exact duplicates the library took from a file are written once)."""
    out: dict[str, tuple[dict[str, Any], list[dict[str, Any]]]] = {}
    offset = 0
    while True:
        page = library.search_tracks(limit=500, offset=offset, sort="id")
        for stored in page.tracks:
            detail = library.get_track(stored.id)
            values = {k: v for k, v in asdict(stored.values).items() if k not in _BOOKKEEPING}
            cues_values = [cue.values for cue in detail.cues]
            if as_written:
                cues_values = stored_cues(cues_values, ExportOptions().cue_tolerance_ms)
            # Positions to the microsecond: the NML stores six decimals at most.
            cues = [
                {k: round(v, 3) if isinstance(v, float) else v for k, v in asdict(cue).items()} for cue in cues_values
            ]
            out[stored.values.path] = (values, cues)
        offset += len(page.tracks)
        if offset >= page.total or not page.tracks:
            return out


def _tree(library: Library) -> list[Any]:
    """The playlist tree: names, kinds and, for playlists, the paths of their entries in order."""
    paths = {}
    offset = 0
    while True:
        page = library.search_tracks(limit=500, offset=offset, sort="id")
        paths.update({t.id: t.values.path for t in page.tracks})
        offset += len(page.tracks)
        if offset >= page.total or not page.tracks:
            break

    def node(item: Any) -> Any:
        if isinstance(item, FolderNode):
            return ("folder", item.name, [node(child) for child in item.children])
        entries = [paths.get(e.track_id) for e in library.playlist_entries(item.id) if e.track_id is not None]
        return ("playlist", item.name, item.smart_query is not None, entries)

    return [node(item) for item in library.playlist_tree()]


@pytest.mark.parametrize("name", by_size(COLLECTIONS))
async def test_rebuild_from_a_real_library_round_trips(
    real_fixtures: Path, tmp_path: Path, service: TraktorService, manager: WorkerManager, name: str
) -> None:
    original = tmp_path / "collection.nml"
    raw = (real_fixtures / name).read_bytes()
    original.write_bytes(raw)
    files = tmp_path / "volumes"
    volumes, *_ = _place_files(raw, files)
    mappings = tuple(f"{volume}={files / volume}" for volume in volumes)
    service.save_settings(service.settings().updated(path_mappings=mappings))
    assert (await service.sync(ImportRequest(nml_path=str(original)))).status == "succeeded"

    rebuilt = tmp_path / "rebuilt" / "collection.nml"
    rebuilt.parent.mkdir()
    op = await service.recovery.rebuild(str(rebuilt), force=True)  # another test may run a "Traktor"
    assert op.status == "succeeded", op.error
    assert isinstance(op.result, RebuildResult) and op.result.backup_path is None
    collection = nml.load(rebuilt)
    collection.check()  # every entry well-formed

    fresh = TraktorService(tmp_path / "fresh.db", manager, spool_dir=str(tmp_path))
    fresh.save_settings(fresh.settings().updated(path_mappings=mappings))
    try:
        imported = await fresh.sync(ImportRequest(nml_path=str(rebuilt)))
        assert imported.status == "succeeded", imported.error
    finally:
        await fresh.close()
    with Library.open(service.library_path) as source, Library.open(fresh.library_path) as copy:
        assert len(collection.tracks) == op.result.tracks == source.stats().tracks
        assert replace(copy.stats(), cues=0) == replace(source.stats(), cues=0)
        assert _tracks(copy) == _tracks(source, as_written=True)
        assert _tree(copy) == _tree(source)
