"""Undo and redo: random sequences of edits (fields, bulk, cues, folders, playlists, entries, order, relocations),
then undo all, give back the starting library; redo all gives back the edited one. The history survives reopening."""

from __future__ import annotations

import shutil
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import update

from harmony.errors import LibraryError
from harmony.library import CueValues, Library, NothingToUndoError, TrackValues, undo
from harmony.library.database import write_connection
from harmony.library.models import TRACKS as TRACKS_TABLE
from harmony.library.undo import KEEP_STEPS

from .test_roundtrip import HOLDABLE

TRACKS = 8
MISSING_SINCE = datetime(2026, 12, 1, 20, 0)


def build(path: Path) -> None:
    with Library.open(path) as library:
        library.add_tracks(
            [
                (
                    TrackValues(path=f"/m/{i}.mp3", title=f"T{i}", rating=i % 6, bpm=100.0 + i, musical_key=i),
                    [CueValues(type=0, start=10.0 * i, hotcue=0, name="A"), CueValues(type=5, start=99.0, length=4.0)],
                )
                for i in range(1, TRACKS + 1)
            ]
        )
        gigs = library.create_folder("Gigs")
        library.create_playlist("Friday", gigs, track_ids=[1, 2, 3])
        library.create_playlist("Loose", None, track_ids=[4, 4, 5])
    with Library.open(path) as library, write_connection(library._engine) as conn:  # files gone, for relocations
        conn.execute(update(TRACKS_TABLE).where(TRACKS_TABLE.c.id.in_([2, 5])).values(missing_since=MISSING_SINCE))


def state(library: Library) -> dict[str, Any]:
    """Everything an edit can change, without the versions it stamps."""
    tracks = {}
    cues = {}
    for track_id in range(1, TRACKS + 1):
        detail = library.get_track(track_id)
        tracks[track_id] = {**detail.track.values.as_dict(), "missing_since": detail.track.missing_since}
        cues[track_id] = sorted((c.id, tuple(c.values.as_dict().items())) for c in detail.cues)

    def tree(nodes: Any) -> list[Any]:
        out = []
        for node in nodes:
            if node.kind == "folder":
                out.append(("folder", node.id, node.name, node.position, tree(node.children)))
            else:
                entries = [(e.track_id, e.nml_key) for e in library.playlist_entries(node.id)]
                out.append(("playlist", node.id, node.name, node.position, node.uuid, entries))
        return out

    return {"tracks": tracks, "cues": cues, "tree": tree(library.playlist_tree())}


def node_ids(library: Library, kind: str) -> list[int]:
    found: list[int] = []

    def walk(nodes: Any) -> None:
        for node in nodes:
            if node.kind == kind or (kind == "playlist" and node.kind == "smart list"):
                found.append(node.id)
            if node.kind == "folder":
                walk(node.children)

    walk(library.playlist_tree())
    return found


def one_edit(library: Library, data: st.DataObject) -> None:
    """One random edit through the Library's edit methods (an edit that is refused changes nothing)."""
    draw = data.draw
    track = draw(st.integers(1, TRACKS))
    folders = node_ids(library, "folder")
    playlists = node_ids(library, "playlist")
    kind = draw(
        st.sampled_from(
            ["fields", "bulk", "cue_add", "cue_edit", "cue_delete", "folder", "playlist", "entries", "relocate"]
        )
    )
    if kind == "fields":
        field = draw(st.sampled_from(["rating", "bpm", "musical_key", "title", "color", "year"]))
        value = {
            "rating": st.integers(0, 5),
            "bpm": st.floats(0, 999, allow_nan=False),
            "musical_key": st.integers(0, 23) | st.none(),
            "title": st.text(HOLDABLE, max_size=5) | st.none(),
            "color": st.integers(0, 7),
            "year": st.integers(0, 9999),
        }[field]
        library.edit_tracks([track], {field: draw(value)})
    elif kind == "bulk":
        ids = draw(st.lists(st.integers(1, TRACKS), min_size=1, max_size=TRACKS))
        library.edit_tracks(ids, {"rating": draw(st.integers(0, 5)), "genre": draw(st.sampled_from(["A", "B", None]))})
    elif kind == "relocate":  # two tracks sent to one file are refused
        ids = draw(st.lists(st.integers(1, TRACKS), min_size=1, max_size=3))
        library.relocate_tracks([(i, f"/found/{draw(st.integers(1, 4))}.mp3") for i in ids])
    elif kind == "cue_add":
        library.add_cue_point(
            track,
            {"type": draw(st.integers(0, 5)), "start": draw(st.floats(0, 1e6)), "hotcue": draw(st.integers(-1, 7))},
            swap=draw(st.booleans()),
        )
    elif kind in ("cue_edit", "cue_delete"):
        cues = library.get_track(track).cues
        if not cues:
            return
        cue = draw(st.sampled_from(cues))
        if kind == "cue_delete":
            library.delete_cue_point(track, cue.id)
        else:
            changes = draw(
                st.sampled_from([{"name": "B"}, {"start": 5.0}, {"hotcue": 1}, {"hotcue": 0}, {"type": "loop"}])
            )
            library.edit_cue_point(track, cue.id, changes, swap=draw(st.booleans()))
    elif kind == "folder":
        action = draw(st.sampled_from(["new", "rename", "move", "delete"]))
        parent = draw(st.sampled_from([None, *folders]))
        if action == "new":
            library.new_folder("F", parent, draw(st.none() | st.integers(0, 3)))
        elif folders:
            target = draw(st.sampled_from(folders))
            if action == "rename":
                library.change_folder(target, name="R")
            elif action == "move":
                library.change_folder(target, parent_id=parent, position=draw(st.none() | st.integers(0, 3)))
            else:
                library.remove_folder(target)
    elif kind == "playlist":
        action = draw(st.sampled_from(["new", "rename", "move", "delete"]))
        parent = draw(st.sampled_from([None, *folders]))
        if action == "new":
            library.new_playlist("P", parent, draw(st.none() | st.integers(0, 3)))
        elif playlists:
            target = draw(st.sampled_from(playlists))
            if action == "rename":
                library.change_playlist(target, name="Q")
            elif action == "move":
                library.change_playlist(target, folder_id=parent, position=draw(st.none() | st.integers(0, 3)))
            else:
                library.remove_playlist(target)
    elif playlists:
        target = draw(st.sampled_from(playlists))
        size = len(library.playlist_entries(target))
        action = draw(st.sampled_from(["add", "remove", "move"]))
        if action == "add":
            library.add_playlist_tracks(
                target,
                draw(st.lists(st.integers(1, TRACKS), min_size=1, max_size=3)),
                draw(st.none() | st.integers(0, 6)),
                allow_duplicates=draw(st.booleans()),
            )
        elif size:
            positions = draw(st.lists(st.integers(0, size - 1), min_size=1, max_size=size))
            if action == "remove":
                library.remove_playlist_entries(target, positions)
            else:
                library.move_playlist_entries(target, positions, draw(st.integers(0, size - len(set(positions)))))


def check_undo_all(template: Path, folder: Path, data: st.DataObject, edits: int) -> None:
    path = folder / "library.db"
    shutil.copyfile(template, path)
    with Library.open(path) as library:
        start = state(library)
        for _ in range(edits):
            before = state(library)
            try:
                one_edit(library, data)
            except LibraryError:  # refused (a taken slot, a duplicate, a folder into itself)
                assert state(library) == before  # … and nothing changed
        edited = state(library)
        undone = 0
        while True:
            try:
                library.undo()
            except NothingToUndoError:
                break
            undone += 1
        assert state(library) == start
        for _ in range(undone):
            library.redo()
        assert state(library) == edited


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("undo") / "template.db"
    build(path)
    return path


@settings(max_examples=8, deadline=None, suppress_health_check=list(HealthCheck), database=None)
@given(data=st.data())
def test_random_edits_then_undo_all_give_back_the_start(
    template: Path, tmp_path_factory: pytest.TempPathFactory, data: st.DataObject
) -> None:
    check_undo_all(template, tmp_path_factory.mktemp("run"), data, edits=6)


@pytest.mark.slow
@pytest.mark.timeout(1800)
@settings(max_examples=100, deadline=None, suppress_health_check=list(HealthCheck), database=None)
@given(data=st.data())
def test_long_random_edit_sequences_undo_to_the_start(
    template: Path, tmp_path_factory: pytest.TempPathFactory, data: st.DataObject
) -> None:
    check_undo_all(template, tmp_path_factory.mktemp("run"), data, edits=40)


def test_history_survives_reopening_and_keeps_at_least_50_steps(
    template: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert KEEP_STEPS >= 50
    monkeypatch.setattr(undo, "KEEP_STEPS", 60)  # the pruning rule, at a size that keeps this test quick
    path = tmp_path / "library.db"
    shutil.copyfile(template, path)
    with Library.open(path) as library:
        for n in range(undo.KEEP_STEPS + 5):
            library.edit_tracks([1], {"title": f"v{n}"})
    with Library.open(path) as library:
        assert library.undo_history()["steps"] == 60
        for _ in range(50):
            library.undo()
        assert library.get_track(1).track.values.title == f"v{60 + 4 - 50}"
    with Library.open(path) as library:
        assert library.undo_history()["redo"] is not None
        library.redo()
        assert library.get_track(1).track.values.title == f"v{60 + 4 - 49}"


def test_an_undo_is_an_edit_the_export_carries(template: Path, tmp_path: Path) -> None:
    path = tmp_path / "library.db"
    shutil.copyfile(template, path)
    with Library.open(path) as library:
        library.edit_tracks([2], {"rating": 5})
        version = library.version
        from harmony.nmlfile import NmlFingerprint

        library.record_export(version, NmlFingerprint("/c.nml", 1, 1, "x"))
        assert library.pending()["tracks"] == []
        outcome = library.undo()
        assert outcome.version == version + 1 and outcome.track_ids == (2,)
        assert library.pending()["tracks"] == [2]
        assert library.changes_since(version)[0].operation == "undo"


def test_a_new_edit_ends_the_redo_chain(template: Path, tmp_path: Path) -> None:
    path = tmp_path / "library.db"
    shutil.copyfile(template, path)
    with Library.open(path) as library:
        library.edit_tracks([1], {"title": "a"})
        library.undo()
        library.edit_tracks([1], {"title": "b"})
        with pytest.raises(NothingToUndoError, match="Nothing to redo"):
            library.redo()


def test_a_bulk_step_stores_only_the_changed_values(template: Path, tmp_path: Path) -> None:
    path = tmp_path / "library.db"
    shutil.copyfile(template, path)
    with Library.open(path) as library:
        library.edit_tracks(list(range(1, TRACKS + 1)), {"rating": 3})
        from sqlalchemy import select

        from harmony.library.models import UNDO_STEPS
        from harmony.library.undo import Snapshot

        with library._read() as conn:
            before = Snapshot.from_json(conn.execute(select(UNDO_STEPS.c.before_json)).scalar_one())
        # The same values again change nothing: no step.
        assert library.edit_tracks(list(range(1, TRACKS + 1)), {"rating": 3}).step is None
    # Only the edited field and its twin, per track; no cue, no playlist, none of the other fields.
    assert before.fields == ["ranking", "rating"]
    assert before.tracks[1] == [None, 1] and len(before.tracks) == TRACKS
    assert not before.cues and not before.playlists and not before.entries


def test_the_old_update_track_is_a_recorded_edit_too(tmp_path: Path) -> None:
    """``Library.update_track`` (tests, scripts, the tools) makes one undo step like every edit, including for
    the fields a DJ does not edit (play count, dates); undo and redo give the values back."""
    path = tmp_path / "library.db"
    build(path)
    with Library.open(path) as library:
        start = state(library)
        version = library.version
        library.update_track(2, {"title": "Renamed", "play_count": 7, "rating": 5})
        assert library.version == version + 1
        history = library.undo_history()
        # Named by the title it now has.
        assert history["undo"] is not None and history["undo"]["label"] == "Set play count, rating, title of “Renamed”"
        edited = state(library)
        assert edited["tracks"][2]["ranking"] == 255  # the twin followed
        library.update_track(2, {})  # nothing to change: no step
        assert library.undo_history()["steps"] == history["steps"]
        library.undo()
        assert state(library) == start
        library.redo()
        assert state(library) == edited


def test_an_edit_of_text_stored_before_the_holdable_check_can_be_undone_and_redone(tmp_path: Path) -> None:
    """A library may hold text with a control character from before edits refused it: cleaning it up is undone
    and redone like any edit (an undo puts back what the library held; only a DJ's new text is checked)."""
    from harmony.library import InvalidFieldError

    with Library.open(tmp_path / "library.db") as library:
        [track] = library.add_tracks([(TrackValues(path=str(tmp_path / "a.mp3"), title="A\x1fB"), ())])
        with pytest.raises(InvalidFieldError, match="control character"):
            library.edit_tracks([track], {"title": "New\uffff"})
        library.edit_tracks([track], {"title": "Clean"})
        library.undo()
        assert library.get_track(track).track.values.title == "A\x1fB"
        library.redo()
        assert library.get_track(track).track.values.title == "Clean"


def test_a_text_longer_than_a_field_may_hold_is_refused_and_changes_nothing(tmp_path: Path) -> None:
    from harmony.library import MAX_TEXT_CHARS, InvalidFieldError

    with Library.open(tmp_path / "library.db") as library:
        [track] = library.add_tracks([(TrackValues(path=str(tmp_path / "a.mp3"), comment="short"), ())])
        version = library.version
        too_long = "x" * (MAX_TEXT_CHARS + 1)
        for edit in (
            lambda: library.update_track(track, {"comment": too_long}),
            lambda: library.edit_tracks([track], {"title": too_long}),
            lambda: library.add_cue_point(track, {"type": 0, "start": 0.0, "name": too_long}),
            lambda: library.new_playlist(too_long),
            lambda: library.new_folder(too_long),
        ):
            with pytest.raises(InvalidFieldError, match="10,001 characters, more than the 10,000"):
                edit()
        assert library.version == version and library.get_track(track).track.values.comment == "short"
        library.update_track(track, {"comment": "y" * MAX_TEXT_CHARS})  # the longest a text may be
        assert library.get_track(track).track.values.comment == "y" * MAX_TEXT_CHARS


def test_an_undo_of_a_named_step_refuses_when_another_came_after_it(template: Path, tmp_path: Path) -> None:
    """The Undo on an edit's notification names its step: an edit made since (the CLI, another tab) is not
    undone in its place (found by a walk-through)."""
    from harmony.library import EditConflictError

    path = tmp_path / "library.db"
    shutil.copyfile(template, path)
    with Library.open(path) as library:
        mine = library.edit_tracks([1], {"title": "Mine"}).step
        other = library.edit_tracks([2], {"title": "Theirs"}).step
        assert mine is not None and other is not None
        with pytest.raises(EditConflictError, match="Not undone: “Renamed “T2” to “Theirs”” came after it"):
            library.undo(mine.id)
        assert library.get_track(2).track.values.title == "Theirs"  # nothing undone
        library.undo(other.id)
        library.undo(mine.id)
        assert library.get_track(1).track.values.title == "T1"
        with pytest.raises(NothingToUndoError, match="already undone"):
            library.undo(mine.id)
        with pytest.raises(EditConflictError, match="Not redone"):
            library.redo(other.id)  # the one undone last is redone first
        library.redo(mine.id)
        assert library.get_track(1).track.values.title == "Mine"


def test_a_deleted_folder_is_counted_in_words(tmp_path: Path) -> None:
    """The undo history names what went with a folder: one playlist is "1 playlist", one entry "1 entry"."""
    path = tmp_path / "library.db"
    build(path)  # "Gigs" holds "Friday", with 3 entries
    with Library.open(path) as library:
        library.remove_folder(node_ids(library, "folder")[0])
        assert library.undo_history()["undo"]["label"] == "Deleted folder “Gigs” (1 playlist, 3 entries)"
        library.undo()
        single = library.new_folder("Single").value
        lone = library.new_playlist("Lone", single).value
        library.add_playlist_tracks(lone, [1])
        library.remove_folder(single)
        assert library.undo_history()["undo"]["label"] == "Deleted folder “Single” (1 playlist, 1 entry)"
        library.undo()
        library.remove_playlist(lone)
        assert library.undo_history()["undo"]["label"] == "Deleted playlist “Lone” (1 entry)"


def test_an_edit_s_label_says_what_it_set(tmp_path: Path) -> None:
    """Stars given or cleared, a colour cleared, a rename with both titles; a track is named by its new title."""
    path = tmp_path / "library.db"
    build(path)
    with Library.open(path) as library:

        def label(track_ids: list[int], changes: dict[str, object]) -> str:
            step = library.edit_tracks(track_ids, changes).step
            assert step is not None
            return step.label

        assert label([1], {"rating": 1}) == "Rated “T1” 1 star"
        assert label([1], {"rating": 0}) == "Cleared the rating of “T1”"
        assert label([1, 2], {"rating": 5}) == "Rated 2 tracks 5 stars"
        assert label([1, 2], {"rating": None}) == "Cleared the rating of 2 tracks"
        assert label([2], {"color": 3}) == "Coloured “T2” yellow"
        assert label([1, 2], {"color": 7}) == "Coloured 2 tracks magenta"
        assert label([2], {"color": None}) == "Cleared the colour of “T2”"
        assert label([3], {"title": "Opus"}) == "Renamed “T3” to “Opus”"
        assert label([3], {"title": "Opus II", "genre": "House"}) == "Set genre, title of “Opus II”"
        assert label([3], {"title": ""}) == "Cleared the title of “Opus II”"
