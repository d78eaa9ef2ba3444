"""The inputs of an export plan besides the collection: the choices it is made with, and the library as one read."""

from __future__ import annotations

from harmony.errors import SyncError
from harmony.sync.options import SyncOptions
from harmony.sync.snapshot import LibrarySnapshot

__all__ = ["ExportOptions", "ExportSnapshot", "PartialSnapshotError"]


#: The export is planned with the import's options (one type, so both directions see the same strategy,
#: platform, path mappings and cue tolerance): ``strategy`` settles a value changed on both sides exactly as the
#: import does, and a first sync by the same table (:data:`harmony.sync.three_way.FIRST_SYNC`);
#: ``platform`` and ``path_mappings`` turn library paths into NML locations (the mappings reversed). Cues changed on
#: both sides are settled by ``cue_conflict_strategy`` in both directions; the file check is the import's alone.
ExportOptions = SyncOptions


class PartialSnapshotError(SyncError):
    """The export needs the whole library (a track must be matched by its file), but only the tracks changed
    since the last export were read: read everything and plan again."""

    def __init__(self) -> None:
        super().__init__("The export needs every library track; read the whole library and plan again.")


#: The library as an export reads it: the same type as the import's (see its doc for a partial read).
ExportSnapshot = LibrarySnapshot
