"""Progress reports of the planner: phases in order, percentages rising, at least every 2 % of the entries."""

from __future__ import annotations

import itertools

from harmony import nml
from harmony.nml.paths import Location
from harmony.sync import PHASE_SPANS, LibrarySnapshot, SyncOptions, TraktorSnapshot, plan_import


def test_progress_is_reported_at_least_every_two_percent() -> None:
    collection = nml.Collection.new()
    for n in range(500):
        collection.add_track(Location("Macintosh HD", "/:m/:", f"{n}.mp3"), title=str(n))
    events: list[tuple[str, float, str, str | None]] = []

    def progress(phase: str, percent: float, message: str, current_item: str | None = None) -> None:
        events.append((phase, percent, message, current_item))

    missing = {f"/m/{n}.mp3" for n in range(0, 500, 5)}
    options = SyncOptions(platform="linux", file_exists=lambda p: p not in missing)
    plan_import(TraktorSnapshot.from_collection(collection), LibrarySnapshot(), options, progress)

    phases = [phase for phase, *_ in events]
    assert phases == sorted(phases, key=list(PHASE_SPANS).index)  # analyzing, then validating, then syncing
    percents = [percent for _, percent, *_ in events]
    assert percents == sorted(percents) and percents[0] == 60.0 and percents[-1] == 95.0
    analyzing = [event for event in events if event[0] == "analyzing"]
    steps = [int(message.split("(")[1].split("/")[0]) for _, _, message, _ in analyzing]
    assert max(b - a for a, b in itertools.pairwise(steps)) <= 10  # 2 % of 500
    assert steps[-1] == 500
    assert ("(250/500)", "Macintosh HD/:m/:249.mp3") in [(m[-9:], item) for _, _, m, item in analyzing]
    validating = [event for event in events if event[0] == "validating"]
    assert validating[-1][2] == "100 files not found: imported as missing tracks"
