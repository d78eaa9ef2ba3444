"""Builders for the sync tests: collections made in memory, a real library, and one sync cycle at a time."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from harmony import nml
from harmony.jobs import read_import_snapshot
from harmony.library import CueValues, Library, TrackDetail, path_key
from harmony.nml.cue import CueData
from harmony.nml.paths import Location
from harmony.sync import PlannedImport, SyncOptions, TraktorSnapshot, plan_import

VOLUME = "Macintosh HD"


def location(file: str, folder: str = "music") -> Location:
    return Location(VOLUME, f"/:{folder}/:", file)


def local_path(file: str, folder: str = "music") -> str:
    """Where a location of :func:`location` lives on Linux (the volume is ignored)."""
    return f"/{folder}/{file}"


def nml_key(file: str, folder: str = "music") -> str:
    return VOLUME + f"/:{folder}/:" + file


def cue(start: float, hotcue: int = -1, type: int = 0, **fields: Any) -> CueData:
    return CueData(type=type, start=start, hotcue=hotcue, **fields)


@dataclass
class World:
    """A library and a collection that sync with each other, on Linux, with every file present unless listed
    in ``missing``."""

    library: Library
    collection: nml.Collection = field(default_factory=nml.Collection.new)
    missing: set[str] = field(default_factory=set)

    def options(self, **changes: Any) -> SyncOptions:
        values: dict[str, Any] = {"platform": "linux", "file_exists": lambda p: p not in self.missing}
        values.update(changes)
        return SyncOptions(**values)

    def add(self, file: str, cues: tuple[CueData, ...] = (), folder: str = "music", **fields: Any) -> nml.Track:
        track = self.collection.add_track(location(file, folder), **fields)
        for data in cues:
            track.add_cue(data)
        return track

    def entry(self, file: str, folder: str = "music") -> nml.Track:
        track = self.collection.track_by_key(nml_key(file, folder))
        assert track is not None
        return track

    def reload(self) -> None:
        """Write the collection and read it back, as the next import would."""
        self.collection = nml.load(self.collection.to_bytes())

    def plan(self, **changes: Any) -> PlannedImport:
        with self.library.reader() as reader:
            snapshot = read_import_snapshot(reader)
        return plan_import(TraktorSnapshot.from_collection(self.collection), snapshot, self.options(**changes))

    def sync(self, **changes: Any) -> PlannedImport:
        result = self.plan(**changes)
        self.library.apply_import(result.plan)
        return result

    def track_id(self, file: str, folder: str = "music") -> int:
        key = path_key(local_path(file, folder))
        found = self.library.find_tracks_by_path_key([key])
        assert key in found, f"{file} is not in the library"
        return found[key]

    def track(self, file: str, folder: str = "music") -> TrackDetail:
        return self.library.get_track(self.track_id(file, folder))

    def cues(self, file: str) -> list[CueValues]:
        return sorted((c.values for c in self.track(file).cues), key=lambda c: (c.start, c.hotcue, c.type))

    def assert_nothing_to_do(self, **changes: Any) -> PlannedImport:
        """Plan again: nothing may change, not even a base."""
        result = self.plan(**changes)
        assert not result.plan.changes_library(), result.report.lines()
        assert not result.plan.bases, result.plan.bases
        assert result.stats.summary() == "No changes needed"
        return result
