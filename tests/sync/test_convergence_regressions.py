"""Sequences the convergence state machine found, kept as plain tests."""

from __future__ import annotations

from pathlib import Path

from harmony import nml
from harmony.library import CueValues, Library

from .exchange import Exchange
from .helpers import cue, local_path, location


def _start(tmp_path: Path, library: Library) -> Exchange:
    """Three tracks with a hot cue each, imported and exported once (the state machine's starting point)."""
    collection = nml.Collection.new()
    for file, title in (("a.mp3", "Alpha"), ("b.mp3", "Beta"), ("c.mp3", "Gamma")):
        track = collection.add_track(location(file), title=title, rating=3, bpm=124.5, musical_key=21)
        track.add_cue(cue(1000.0, hotcue=0))
    (tmp_path / "collection.nml").write_bytes(collection.to_bytes())
    exchange = Exchange(library, tmp_path / "library.db", tmp_path / "collection.nml")
    exchange.import_()
    exchange.export()
    return exchange


def _files_in_harmony(library: Library) -> set[str]:
    with library.reader() as reader:
        return {t.track.values.path for t in reader.iter_tracks()}


def test_a_track_with_an_exported_harmony_cue_removed_in_traktor_leaves_both_sides(
    tmp_path: Path, library: Library
) -> None:
    exchange = _start(tmp_path, library)
    track_id = library.find_tracks_by_path_key([local_path("b.mp3")])[local_path("b.mp3")]
    library.add_cue(track_id, CueValues(type=0, start=2000.0, hotcue=1))
    exchange.export()
    exchange.edit_in_traktor(lambda c: c.remove_track(exchange.entry(c, "b.mp3")))

    planned = exchange.import_()
    assert not planned.stats.conflicts
    exchange.export()

    assert local_path("b.mp3") not in _files_in_harmony(library)
    assert "b.mp3" not in {entry.location.file for entry in exchange.collection().tracks}
    assert not exchange.plan_import().plan.changes_library()
    assert not exchange.export(dry_run=True).changed


def test_a_name_given_on_both_sides_to_different_playlists_is_left_out_and_nothing_is_lost(
    tmp_path: Path, library: Library
) -> None:
    # Harmony renames its playlist "Warm up" to "Closing" while Traktor creates another playlist "Closing".
    # One NML folder cannot hold the name twice: the export says it left the rename out, and keeps both lists.
    exchange = _start(tmp_path, library)
    exchange.edit_in_traktor(lambda c: c.playlists.create_playlist("Warm up", [c.tracks[0].key, c.tracks[1].key]))
    exchange.import_()
    exchange.export()
    (warm_up,) = library.playlist_tree()
    library.update_playlist(warm_up.id, {"name": "Closing"})
    exchange.edit_in_traktor(lambda c: c.playlists.create_playlist("Closing", [c.tracks[0].key]))

    exchange.import_()
    result = exchange.export()

    assert any("not renamed" in line and "Closing" in line for line in result.report.lines())
    harmony = sorted((node.name, len(library.playlist_entries(node.id))) for node in library.playlist_tree())
    assert harmony == [("Closing", 1), ("Closing", 2)]
    traktor = sorted((p.name, len(p.entries)) for p in exchange.collection().playlists.children)
    assert traktor == [("Closing", 1), ("Warm up", 2)]


def test_a_playlist_made_in_harmony_is_still_waiting_for_the_export_after_an_import(
    tmp_path: Path, library: Library
) -> None:
    # Auto-sync exports only when the library says an export is pending; an import in between must not make
    # the new playlist (and its new folder) look as if Traktor had it already.
    exchange = _start(tmp_path, library)
    folder = library.create_folder("Crates")
    library.create_playlist("Closing", folder)
    assert library.status().pending_export

    exchange.import_()
    assert library.status().pending_export
    exchange.export()

    collection = exchange.collection()
    assert [node.name for node in collection.playlists.children] == ["Crates"]
    assert collection.playlists.find(["Crates", "Closing"]) is not None
    assert not exchange.plan_import().plan.changes_library()
