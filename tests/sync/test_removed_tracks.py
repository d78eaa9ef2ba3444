"""A track removed on one side since the last exchange is removed on the other, both ways, by the same rule:
unless the other side changed it since (then the strategy decides, and the conflict is reported). Through a
real library and a real collection file."""

from __future__ import annotations

from pathlib import Path

import pytest

from harmony import nml
from harmony.library import Library
from harmony.sync.removals import MassRemovalError, check_removals, mass_removal

from .exchange import Exchange, new_exchange
from .helpers import local_path, nml_key


def _ids(exchange: Exchange) -> dict[str, int]:
    with exchange.library.reader() as reader:
        return {track.track.values.path: track.track.id for track in reader.iter_tracks()}


def _remove_in_traktor(exchange: Exchange, *files: str) -> None:
    def remove(collection: nml.Collection) -> None:
        for file in files:
            collection.remove_track(exchange.entry(collection, file))

    exchange.edit_in_traktor(remove)


@pytest.fixture
def exchange(tmp_path: Path, library: Library) -> Exchange:
    tracks = {f"{name}.mp3": {"title": name.upper(), "artist": "DJ"} for name in "abcdefghij"}
    made = new_exchange(tmp_path, library, tracks)
    playlist_id = library.create_playlist("Set", None)
    ids = _ids(made)
    library.set_playlist_tracks(playlist_id, [ids[local_path("a.mp3")], ids[local_path("b.mp3")]])
    made.export()
    return made


def test_a_track_removed_in_traktor_leaves_the_library_with_its_playlist_entries(exchange: Exchange) -> None:
    _remove_in_traktor(exchange, "a.mp3")
    preview = exchange.plan_import()
    assert [t.path for t in preview.report.removed_tracks] == [local_path("a.mp3")]
    assert any("Tracks removed in Traktor" in line for line in preview.report.lines())
    assert "Removed 1 track" in preview.stats.summary()
    assert preview.stats.tracks_removed == 1

    exchange.import_()
    ids = _ids(exchange)
    assert local_path("a.mp3") not in ids and len(ids) == 9
    (playlist,) = [node for node in exchange.library.playlist_tree() if node.name == "Set"]
    entries = exchange.library.playlist_entries(playlist.id)
    assert [entry.track_id for entry in entries] == [ids[local_path("b.mp3")]]
    # In step: neither direction has anything left to do, and the export does not bring it back.
    assert not exchange.plan_import().plan.changes_library()
    assert not exchange.export(dry_run=True).changed


def test_a_track_changed_in_harmony_and_removed_in_traktor_is_kept_and_written_back(exchange: Exchange) -> None:
    ids = _ids(exchange)
    exchange.library.update_track(ids[local_path("c.mp3")], {"genre": "House"})
    _remove_in_traktor(exchange, "c.mp3")
    planned = exchange.import_()
    assert not planned.report.removed_tracks
    assert [(c.item, c.winner) for c in planned.stats.conflicts] == [("track", "harmony")]
    assert local_path("c.mp3") in _ids(exchange)
    exchange.export()
    assert exchange.collection().track_by_key(nml_key("c.mp3")) is not None


def test_a_track_relocated_in_harmony_and_removed_in_traktor_is_kept_at_its_new_file(exchange: Exchange) -> None:
    """A relocation is a change of Harmony's: the import keeps the track, where the DJ pointed it, and the export
    writes it back to Traktor there (the same answer both ways)."""
    ids = _ids(exchange)
    exchange.library.relocate_tracks([(ids[local_path("c.mp3")], local_path("c.mp3", "found"))])
    _remove_in_traktor(exchange, "c.mp3")
    assert exchange.export(dry_run=True).changed  # the export, first, would write it back too
    planned = exchange.import_()
    assert not planned.report.removed_tracks
    assert [(c.item, c.winner) for c in planned.stats.conflicts] == [("track", "harmony")]
    assert _ids(exchange)[local_path("c.mp3", "found")] == ids[local_path("c.mp3")]
    exchange.export()
    assert exchange.collection().track_by_key(nml_key("c.mp3", "found")) is not None
    assert exchange.collection().track_by_key(nml_key("c.mp3")) is None
    assert not exchange.plan_import().plan.changes_library()


def test_traktor_wins_removes_a_track_harmony_changed(exchange: Exchange) -> None:
    ids = _ids(exchange)
    exchange.library.update_track(ids[local_path("c.mp3")], {"genre": "House"})
    _remove_in_traktor(exchange, "c.mp3")
    planned = exchange.import_(strategy="traktor_wins")
    assert [(c.item, c.winner) for c in planned.stats.conflicts] == [("track", "traktor")]
    assert local_path("c.mp3") not in _ids(exchange)


def test_a_track_deleted_in_harmony_leaves_the_collection_by_the_same_rule(exchange: Exchange) -> None:
    ids = _ids(exchange)
    exchange.library.delete_tracks([ids[local_path("d.mp3")]])
    result = exchange.export()
    assert [entry.key for entry in result.report.removed] == [nml_key("d.mp3")]
    assert exchange.collection().track_by_key(nml_key("d.mp3")) is None
    assert not exchange.plan_import().plan.changes_library()


def test_an_import_removing_more_than_a_fifth_of_the_tracks_stops_and_asks(exchange: Exchange) -> None:
    _remove_in_traktor(exchange, "a.mp3", "b.mp3", "e.mp3")  # 3 of 10
    planned = exchange.plan_import()
    assert mass_removal(planned.report) == "3 of 10 tracks (30%)"
    with pytest.raises(MassRemovalError, match=r"remove 3 of 10 tracks \(30%\).*--allow-mass-removal"):
        check_removals(planned.report, allow=False)
    check_removals(planned.report, allow=True)


def test_two_removals_of_ten_go_through_without_asking(exchange: Exchange) -> None:
    _remove_in_traktor(exchange, "a.mp3", "b.mp3")  # exactly 20 %
    planned = exchange.plan_import()
    assert planned.stats.tracks_removed == 2
    assert mass_removal(planned.report) is None
