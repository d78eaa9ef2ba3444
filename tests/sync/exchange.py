"""One real library and one real collection.nml file, exchanged with the job functions the workers run, in
this process: read the file, plan, apply or record, as the service does, without pools."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from harmony import nml
from harmony.jobs.export_job import ExportJobResult, run_export_job
from harmony.jobs.import_job import plan_from_files
from harmony.library import Library
from harmony.sync import ExportOptions, PlannedImport, SyncOptions

from .helpers import location, nml_key


@dataclass
class Exchange:
    """A library and the collection file it syncs with, on Linux, every file present."""

    library: Library
    library_path: Path
    nml_path: Path
    strategy: str = "smart_merge"

    def import_options(self, **changes: Any) -> SyncOptions:
        values: dict[str, Any] = {"platform": "linux", "file_exists": lambda path: True, "strategy": self.strategy}
        values.update(changes)
        return SyncOptions(**values)

    def export_options(self, **changes: Any) -> ExportOptions:
        values: dict[str, Any] = {"platform": "linux", "strategy": self.strategy}
        values.update(changes)
        return ExportOptions(**values)

    def plan_import(self, **changes: Any) -> PlannedImport:
        planned, _ = plan_from_files(self.nml_path, self.library_path, self.import_options(**changes))
        return planned

    def import_(self, **changes: Any) -> PlannedImport:
        planned = self.plan_import(**changes)
        self.library.apply_import(planned.plan)
        return planned

    def export(self, *, dry_run: bool = False, **changes: Any) -> ExportJobResult:
        result = run_export_job(
            str(self.nml_path), str(self.library_path), self.export_options(**changes), dry_run, False, force=True
        )
        if not dry_run:
            self.library.record_export(result.based_on_version, result.written or result.read, result.bases)
        return result

    def collection(self) -> nml.Collection:
        return nml.load(self.nml_path.read_bytes())

    def edit_in_traktor(self, edit: Callable[[nml.Collection], object]) -> None:
        """Edit the collection as Traktor would, and save it to the file."""
        collection = self.collection()
        edit(collection)
        self.nml_path.write_bytes(collection.to_bytes())

    def entry(self, collection: nml.Collection, file: str) -> nml.Track:
        track = collection.track_by_key(nml_key(file))
        assert track is not None, file
        return track

    def add_in_traktor(self, file: str, **fields: Any) -> None:
        self.edit_in_traktor(lambda collection: collection.add_track(location(file), **fields))


def new_exchange(tmp_path: Path, library: Library, tracks: dict[str, dict[str, Any]]) -> Exchange:
    """A collection file holding ``tracks`` (file name -> NML fields), imported once into ``library``."""
    collection = nml.Collection.new()
    for file, fields in tracks.items():
        collection.add_track(location(file), **fields)
    path = tmp_path / "collection.nml"
    path.write_bytes(collection.to_bytes())
    exchange = Exchange(library, tmp_path / "library.db", path)
    exchange.import_()
    return exchange
