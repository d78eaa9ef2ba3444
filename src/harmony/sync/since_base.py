"""Whether Harmony changed a track since its base, one answer for both directions.

A track removed in Traktor since the last exchange leaves the library unless Harmony changed it since
(:func:`harmony.sync.three_way.decide_deletion`). The import and the export must give the same answer, or one
keeps the track while the other removes it and the two sides never meet. The base holds the cues as the NML
holds them (a cue Harmony added is stored with Traktor's default name, display order and repeat count), so
both sides' cues are compared in that form, duplicates aside (a file's cue may lack those attributes too).
"""

from __future__ import annotations

from harmony.library import SyncTrack, TrackBase
from harmony.sync.export_cues import same_cues, stored_cues
from harmony.sync.import_fields import agrees
from harmony.sync.paths import PathResolver

__all__ = ["changed_in_harmony"]


def changed_in_harmony(track: SyncTrack, base: TrackBase, tolerance: float, resolver: PathResolver) -> bool:
    """Whether a merged field or a cue of ``track`` differs from ``base`` (cues as the NML would hold them), or
    Harmony moved its file (a relocation, as ``resolver``'s platform compares paths). A moved file counts: a
    track the DJ relocated in Harmony, then removed in Traktor, was deleted by the next import, relocation and
    all."""
    values = track.track.values
    if not agrees(values, base.values) or resolver.moved_since_base(values.path, base.values.path):
        return True
    ours = stored_cues([cue.values for cue in track.cues], tolerance)
    return not same_cues(ours, stored_cues(base.cues, tolerance))
