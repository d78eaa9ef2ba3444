"""A first sync ends the same whichever direction runs first: the import and the export read one first-sync
table (:data:`harmony.sync.three_way.FIRST_SYNC`). Through a real library and a real collection file."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from harmony import nml
from harmony.library import CueValues, Library, TrackValues

from .exchange import Exchange
from .helpers import cue, local_path, location


def _both_sides(folder: Path, strategy: str, order: tuple[str, str]) -> tuple[Any, Any]:
    folder.mkdir()
    collection = nml.Collection.new()
    entry = collection.add_track(location("a.mp3"), title="Traktor title", label="Traktor label", bpm=125.0)
    entry.add_cue(cue(1000.0, hotcue=0, name="Traktor"))
    entry.add_cue(cue(3000.0, hotcue=2, name="Only Traktor"))
    (folder / "collection.nml").write_bytes(collection.to_bytes())
    with Library.open(folder / "library.db") as library:
        library.add_track(
            TrackValues(path=local_path("a.mp3"), title="Harmony title", genre="Harmony genre"),
            [
                CueValues(type=0, start=1000.0, hotcue=0, name="Harmony"),
                CueValues(type=0, start=7000.0, hotcue=3, name="Only Harmony"),
            ],
        )
        exchange = Exchange(library, folder / "library.db", folder / "collection.nml", strategy=strategy)
        for direction in order:
            exchange.import_() if direction == "import" else exchange.export()
        assert not exchange.plan_import().plan.changes_library()
        assert not exchange.export(dry_run=True).changed
        with library.reader() as reader:
            (stored,) = list(reader.iter_tracks())
        detail = library.get_track(stored.track.id)
        values = detail.track.values
        cues = sorted(c.values.name or "" for c in detail.cues)
        harmony = (values.title, values.genre, values.label, values.bpm, cues)
        (written,) = exchange.collection().tracks
        traktor = (written.title, written.genre, written.label, written.bpm, sorted(c.name for c in written.cues))
    return harmony, traktor


@pytest.mark.parametrize("strategy", ["smart_merge", "traktor_wins", "harmony_wins"])
def test_a_first_sync_ends_the_same_whichever_direction_runs_first(tmp_path: Path, strategy: str) -> None:
    import_first = _both_sides(tmp_path / "import-first", strategy, ("import", "export"))
    export_first = _both_sides(tmp_path / "export-first", strategy, ("export", "import"))
    assert import_first == export_first
    harmony, traktor = import_first
    assert harmony == traktor  # and both sides agree
    title = "Traktor title" if strategy == "traktor_wins" else "Harmony title"
    name = "Traktor" if strategy == "traktor_wins" else "Harmony"
    # Filled values settled by the strategy; empty ones filled from the other side; every cue kept.
    assert harmony == (title, "Harmony genre", "Traktor label", 125.0, sorted([name, "Only Harmony", "Only Traktor"]))
