"""What a collection holds, counted from its elements (never from the ENTRIES/COUNT attributes, which Traktor
itself leaves stale)."""

from __future__ import annotations

from dataclasses import dataclass, field

from harmony.nml.collection import Collection
from harmony.nml.cue import CueType

CUE_TYPE_NAMES: dict[int, str] = {
    CueType.CUE: "cue",
    CueType.FADE_IN: "fade_in",
    CueType.FADE_OUT: "fade_out",
    CueType.LOAD: "load",
    CueType.GRID: "grid",
    CueType.LOOP: "loop",
}


@dataclass(frozen=True, slots=True)
class CollectionSummary:
    version: int | None
    tracks: int
    playlists: int
    folders: int
    smart_lists: int
    cue_points: dict[str, int] = field(default_factory=dict)

    def to_json(self) -> dict[str, object]:
        return {
            "version": self.version,
            "tracks": self.tracks,
            "playlists": self.playlists,
            "folders": self.folders,
            "smart_lists": self.smart_lists,
            "cue_points": dict(self.cue_points),
        }

    @classmethod
    def from_json(cls, value: object) -> CollectionSummary:
        """The summary :meth:`to_json` gave (kept in a file); ValueError when ``value`` is not one."""
        if not isinstance(value, dict) or set(value) != _JSON_KEYS:
            raise ValueError("not a collection summary")
        counts = [value[key] for key in ("tracks", "playlists", "folders", "smart_lists")]
        cues = value["cue_points"]
        version = value["version"]
        if (
            not all(type(count) is int and count >= 0 for count in counts)
            or not (version is None or type(version) is int)
            or not isinstance(cues, dict)
            or not all(isinstance(name, str) and type(count) is int and count >= 0 for name, count in cues.items())
        ):
            raise ValueError("not a collection summary")
        tracks, playlists, folders, smart_lists = counts
        return cls(version, tracks, playlists, folders, smart_lists, cue_points=dict(cues))


_JSON_KEYS = {"version", "tracks", "playlists", "folders", "smart_lists", "cue_points"}


def count_tracks_and_playlists(collection: Collection) -> tuple[int, int]:
    """``(tracks, playlists)`` exactly as :func:`summarize` counts them, without reading a single entry: the
    tracks are the ENTRY items the codec cut the file into, the playlists the PLAYLIST nodes of the skeleton."""
    playlists = sum(1 for node in collection.root.iterfind("PLAYLISTS//NODE") if node.get("TYPE") == "PLAYLIST")
    return len(collection.tracks), playlists


def summarize(collection: Collection) -> CollectionSummary:
    """Count tracks, playlists, folders, smart lists and cue points by type.

    Folders are the ``NODE TYPE="FOLDER"`` elements, Traktor's ``$ROOT`` folder included.

    Reads every entry, so a malformed one is reported here with its line and column; of each, only its cues'
    types (:func:`~harmony.nml.stream.iter_cue_types`: the Traktor page counts a 100,000-track collection at
    every change of the file)."""
    from harmony.nml.stream import iter_cue_types

    by_type = dict.fromkeys(CUE_TYPE_NAMES.values(), 0)
    by_type["other"] = 0
    tracks = 0
    for types in iter_cue_types(collection):
        tracks += 1
        for cue_type in types:
            by_type[CUE_TYPE_NAMES.get(cue_type, "other")] += 1
    if not by_type["other"]:
        del by_type["other"]
    node_types = [node.get("TYPE") for node in collection.root.iterfind("PLAYLISTS//NODE")]
    return CollectionSummary(
        version=collection.version,
        tracks=tracks,
        playlists=node_types.count("PLAYLIST"),
        folders=node_types.count("FOLDER"),
        smart_lists=node_types.count("SMARTLIST"),
        cue_points={"total": sum(by_type.values()), **by_type},
    )
