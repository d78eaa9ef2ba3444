"""What an import brings in from Traktor is not "Pending export", even while the DJ has edits waiting: the
collection already holds it (harmony.library.in_step)."""

from __future__ import annotations

from .export_helpers import assert_export_changes_nothing, export_and_record
from .helpers import World, cue, nml_key


def _synced_and_exported(world: World) -> int:
    """Tracks a, b, c, a playlist and a folder, imported and exported: nothing pending. A's id."""
    for name in ("a", "b", "c"):
        world.add(f"{name}.mp3", title=name.upper())
    world.collection.playlists.create_playlist("Warm-up", [nml_key("b.mp3")], uuid="1" * 32)
    world.collection.playlists.create_folder("Sets")
    world.reload()
    world.sync()
    export_and_record(world)
    assert world.library.pending()["tracks"] == []
    return world.track_id("a.mp3")


def test_traktors_changes_imported_while_edits_wait_are_not_pending(world: World) -> None:
    """Three tracks exchanged; the DJ edits A in Harmony. Traktor renames B, gives C a cue, renames the playlist
    and the folder and adds a track. The import brings them in: only A is pending, and the export writes A
    alone. Every row the import wrote read "Pending export" before (4 tracks for 1 edit)."""
    a = _synced_and_exported(world)
    world.library.update_track(a, {"title": "A (edit)"})
    world.entry("b.mp3").title = "B (Traktor)"
    world.entry("c.mp3").add_cue(cue(5.0))
    world.collection.playlists["Warm-up"].name = "Warm-up (Traktor)"
    world.collection.playlists["Sets"].name = "Sets (Traktor)"
    world.add("d.mp3", title="D")
    world.reload()
    world.sync()
    assert world.track("b.mp3").track.values.title == "B (Traktor)"
    pending = world.library.pending()
    assert pending["tracks"] == [a], pending
    assert pending["playlists"] == [] and pending["folders"] == [], pending
    assert world.library.pending_track_count() == 1
    result = export_and_record(world)
    assert [change.title for change in result.report.changed] == ["A"], result.report.lines()  # as the file had it
    assert not result.report.added and not result.report.playlist_changes, result.report.lines()
    assert world.library.pending()["tracks"] == []
    world.assert_nothing_to_do()
    assert_export_changes_nothing(world)


def test_a_track_with_its_own_edit_waiting_stays_pending_when_traktor_changes_it_too(world: World) -> None:
    """A's title edited in Harmony and its genre in Traktor: after the import, A holds both and the Harmony
    title still waits for the export."""
    a = _synced_and_exported(world)
    world.library.update_track(a, {"title": "A (edit)"})
    world.entry("a.mp3").genre = "House"
    world.reload()
    world.sync()
    values = world.track("a.mp3").track.values
    assert (values.title, values.genre) == ("A (edit)", "House")
    assert world.library.pending()["tracks"] == [a]
    result = export_and_record(world)
    assert world.entry("a.mp3").title == "A (edit)" and world.entry("a.mp3").genre == "House"
    assert len(result.report.changed) == 1
    world.assert_nothing_to_do()


def test_an_edit_the_strategy_gave_up_to_traktor_is_not_pending(world: World) -> None:
    """A's title edited on both sides and settled Traktor's way (traktor_wins), B's own edit waiting: A is as the
    file has it, so only B is pending. A read "Pending export" with nothing for the export to write (found by a
    review). The same for an edit Traktor made too."""
    a = _synced_and_exported(world)
    b, c = world.track_id("b.mp3"), world.track_id("c.mp3")
    world.library.update_track(a, {"title": "A (Harmony)"})
    world.library.update_track(b, {"genre": "Techno"})
    world.library.update_track(c, {"title": "C (both)"})
    world.entry("a.mp3").title = "A (Traktor)"
    world.entry("c.mp3").title = "C (both)"
    world.reload()
    world.sync(strategy="traktor_wins")
    assert world.track("a.mp3").track.values.title == "A (Traktor)"
    assert world.library.pending()["tracks"] == [b]
    result = export_and_record(world, strategy="traktor_wins")
    assert [change.title for change in result.report.changed] == ["B"], result.report.lines()
    world.assert_nothing_to_do(strategy="traktor_wins")
