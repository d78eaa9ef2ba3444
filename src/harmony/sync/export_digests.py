"""Entry digests for the sync bases an export records, so that the import after an export skips what it wrote.

An import stores with a base the digest of the exact entry it was taken from (:mod:`harmony.sync.digest`), and
skips that entry next time while both sides are unchanged. An export writes new entries and new bases; without a
digest, the next import would merge each of those entries in full and write its base again just to stamp one.
So the export digests the entries it wrote, exactly as an import would: only when the written entry maps back to
the very values and cues of its new base (where Traktor keeps a value of its own the base holds Harmony's, and
such an entry must be merged by the next import, so it gets no digest).
"""

from __future__ import annotations

from dataclasses import replace

from harmony.errors import HarmonyError
from harmony.library import BaseUpdates, CueValues, TrackBaseSet
from harmony.nml import Collection
from harmony.sync.digest import entry_digests, entry_salt
from harmony.sync.export_inputs import ExportOptions
from harmony.sync.mapping import cue_values_or_problem, track_values_from_nml
from harmony.sync.options import SyncOptions
from harmony.sync.paths import PathResolver

__all__ = ["stamp_digests"]


def stamp_digests(bases: BaseUpdates, collection: Collection, options: ExportOptions) -> BaseUpdates:
    """``bases`` with each track base that has no digest given the digest of its entry as ``collection`` (the
    collection the export edited) writes it, where that entry maps to exactly the base."""
    if all(item.base.digest is not None for item in bases.tracks):
        return bases
    sync_options = SyncOptions(
        platform=options.platform, startup_volume=options.startup_volume, path_mappings=options.path_mappings
    )
    salt = entry_salt(sync_options)
    resolver = PathResolver(options.platform, options.path_mappings, startup_volume=options.startup_volume)
    items = list(bases.tracks)
    for index, item in enumerate(items):
        base = item.base
        if base.digest is not None:
            continue
        track = collection.track_by_key(base.nml_key)
        entry = collection.entry_bytes(base.nml_key)
        if track is None or entry is None:
            continue
        data = track.to_data()
        try:
            path = resolver.to_path(data.location)
        except HarmonyError:
            continue
        mapped = track_values_from_nml(data, path)
        if mapped.dropped or mapped.values != base.values:
            continue
        cues = [cue_values_or_problem(cue) for cue in data.cues]
        entry_cues = tuple(cue for cue in cues if isinstance(cue, CueValues))
        if len(entry_cues) != len(cues) or sorted(map(repr, entry_cues)) != sorted(map(repr, base.cues)):
            continue
        # The base takes the entry's cue order, as the import would store it.
        digest = entry_digests([entry], salt)[0]
        items[index] = TrackBaseSet(replace(base, cues=entry_cues, digest=digest), item.track)
    return replace(bases, tracks=tuple(items))
