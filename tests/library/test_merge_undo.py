"""A merge of duplicates is one undo step: one undo brings back the merged-away tracks (ids, fields, cues with
their ids, playlist entries at their places, plays, rating, missing marks) and the kept track as it was; redo
merges again, exactly as the merge did. Random merges mixed with other edits all undo to the start."""

from __future__ import annotations

import shutil
import sqlite3
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import event, select, update
from sqlalchemy.exc import OperationalError

from harmony.library import CueValues, EditOutcome, Library, TrackValues
from harmony.library.database import write_connection
from harmony.library.models import TRACK_BASES, TRACKS
from harmony.nmlfile import NmlFingerprint

TRACKS_MADE = 6


def build(path: Path) -> None:
    with Library.open(path) as library:
        library.add_tracks(
            [
                (
                    TrackValues(
                        path=f"/m/{i}.mp3",
                        title="Song" if i <= 3 else f"T{i}",
                        artist="Art",
                        genre=None if i == 1 else f"G{i}",
                        rating=i % 6,
                        play_count=i,
                        release_date=date(2020, 1, i),
                        duration=180.0,
                    ),
                    [
                        CueValues(type=0, start=10.0 * i, hotcue=0, name=f"A{i}"),
                        CueValues(type=5, start=99.0, length=4.0),
                    ],
                )
                for i in range(1, TRACKS_MADE + 1)
            ]
        )
        gigs = library.create_folder("Gigs")
        library.create_playlist("Friday", gigs, track_ids=[1, 2, 3, 2])
        library.create_playlist("Loose", None, track_ids=[4, 3, 5])
    # Tracks from Traktor have a sync base and a missing mark; both must come back with the track.
    with Library.open(path) as library, write_connection(library._engine) as conn:
        for i in range(1, TRACKS_MADE + 1):
            conn.execute(TRACK_BASES.insert().values(nml_key=f"Music/:m/:{i}.mp3", track_id=i, values_json="{}"))
        conn.execute(update(TRACKS).where(TRACKS.c.id == 3).values(missing_since=datetime(2026, 12, 1, 8, 30)))


def state(library: Library) -> dict[str, Any]:
    """Every track (all columns but the version stamp), its cues with their ids, its sync base, and every
    playlist's entries in order."""
    with library._engine.connect() as conn:
        columns = [c for c in TRACKS.columns if c.name != "changed_version"]
        tracks = {row[0]: tuple(row) for row in conn.execute(select(*columns).order_by(TRACKS.c.id))}
        bases = dict(conn.execute(select(TRACK_BASES.c.nml_key, TRACK_BASES.c.track_id)).all())
    cues = {
        track_id: sorted((c.id, tuple(c.values.as_dict().items())) for c in library.get_track(track_id).cues)
        for track_id in tracks
    }
    entries = {
        node.name: [(e.track_id, e.nml_key) for e in library.playlist_entries(node.id)]
        for node in _playlists(library.playlist_tree())
    }
    return {"tracks": tracks, "cues": cues, "bases": bases, "entries": entries}


def _playlists(nodes: Any) -> list[Any]:
    out = []
    for node in nodes:
        out.extend(_playlists(node.children) if node.kind == "folder" else [node])
    return out


def test_one_undo_brings_the_merged_tracks_back_and_redo_merges_again(tmp_path: Path) -> None:
    build(tmp_path / "lib.db")
    with Library.open(tmp_path / "lib.db") as library:
        start = state(library)
        outcome = library.merge_tracks(2, [1, 3])
        assert outcome.step is not None and outcome.step.label == "Merged 2 duplicates into “Song”"
        merged = state(library)
        assert sorted(merged["tracks"]) == [2, 4, 5, 6]
        assert [track for track, _ in merged["entries"]["Friday"]] == [2, 2, 2, 2]  # in place
        assert [track for track, _ in merged["entries"]["Loose"]] == [4, 2, 5]
        kept_cues = sorted((c.values.start, c.values.hotcue) for c in library.get_track(2).cues)
        # one cue per hot cue slot: the others' cues on slot 0 come as memory cues; the shared loop once
        assert kept_cues == [(10.0, -1), (20.0, 0), (30.0, -1), (99.0, -1)]
        assert merged["bases"]["Music/:m/:1.mp3"] is None  # unlinked: the export would remove the entry

        undone = library.undo()
        assert undone.step.label == outcome.step.label
        assert state(library) == start  # ids, cues and their ids, entries, plays, rating, base links, marks
        assert library.get_track(3).track.missing
        assert library.undo_history()["redo"] == {"id": outcome.step.id, "label": outcome.step.label}

        library.redo()
        assert state(library) == merged
        library.undo()
        assert state(library) == start


def _stamps(library: Library) -> dict[int, int]:
    with library._engine.connect() as conn:
        return dict(conn.execute(select(TRACKS.c.id, TRACKS.c.changed_version)).all())  # type: ignore[arg-type]


def test_an_undone_merge_survives_reopening_and_is_pending_export_where_it_must_be(tmp_path: Path) -> None:
    build(tmp_path / "lib.db")
    with Library.open(tmp_path / "lib.db") as library:
        library.record_export(library.version, NmlFingerprint("/c.nml", 1, 1, "x"))  # Traktor holds it all
        start = state(library)
        first = _stamps(library)
        library.merge_tracks(4, [5])
        assert library.pending()["tracks"] == [4]
    with Library.open(tmp_path / "lib.db") as library:
        library.undo()
        assert state(library) == start
        # No export carried the merge: the kept track is as it was, and so is the merged-away track, back as it
        # was with its base's link, so both keep their old versions and nothing is pending (a merge of 12,000
        # copies undone at once left 12,000 tracks "Pending export" with nothing to write; a walk-through).
        assert _stamps(library) == first
        waiting = library.pending()
        assert (waiting["tracks"], waiting["playlists"], waiting["folders"]) == ([], [], [])

        # Merged again and exported, an undo is an edit the export carries, for both tracks.
        library.redo()
        library.record_export(library.version, NmlFingerprint("/c.nml", 1, 1, "x"))
        version = library.version
        library.undo()
        assert state(library) == start
        stamped = _stamps(library)
        assert stamped[4] > version and stamped[5] > version
        assert {4, 5} <= set(library.pending()["tracks"])  # type: ignore[call-overload]


def test_a_track_added_after_a_merge_never_takes_a_merged_away_track_s_id(tmp_path: Path) -> None:
    """The merged-away track had the highest id; a track added then (an import, a scan) took it, and the merge's
    undo wrote the old track over the new one (found by a review)."""
    build(tmp_path / "lib.db")
    with Library.open(tmp_path / "lib.db") as library:
        highest = max(library.list_tracks(sort="id", limit=500).rows, key=lambda row: row.track.id).track.id
        library.merge_tracks(highest - 1, [highest])
        [new] = library.add_tracks([(TrackValues(path="/m/new-scan.mp3", title="Brand new"), ())])
        assert new > highest
        library.undo()
        assert library.get_track(new).track.values.path == "/m/new-scan.mp3"
        assert library.get_track(highest).track.values.path != "/m/new-scan.mp3"
    with Library.open(tmp_path / "lib.db") as library:  # the highest id given survives reopening
        library.merge_tracks(highest - 1, [highest])
        [newer] = library.add_tracks([(TrackValues(path="/m/newer.mp3"), ())])
        assert newer == new + 1


def test_a_refused_merge_records_no_step(tmp_path: Path) -> None:
    build(tmp_path / "lib.db")
    with Library.open(tmp_path / "lib.db") as library:
        start = state(library)
        steps = library.undo_history()["steps"]
        for keep, others in ((1, [1]), (1, [99]), (99, [1])):
            try:
                library.merge_tracks(keep, others)
            except Exception as error:
                assert str(error)
            else:
                raise AssertionError(f"merging {others} into {keep} was not refused")
        assert state(library) == start and library.undo_history()["steps"] == steps


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("merge-undo") / "template.db"
    build(path)
    return path


def check_undo_all(template: Path, folder: Path, data: st.DataObject, edits: int) -> None:
    path = folder / "lib.db"
    shutil.copyfile(template, path)
    with Library.open(path) as library:
        start = state(library)
        steps = 0
        for _ in range(data.draw(st.integers(1, edits))):
            alive = sorted(state(library)["tracks"])
            kind = data.draw(st.sampled_from(["merge", "merge", "cue", "rating", "entries"]))
            outcome: EditOutcome[Any]
            if kind == "merge" and len(alive) >= 2:
                picked = data.draw(st.lists(st.sampled_from(alive), min_size=2, max_size=3, unique=True))
                outcome = library.merge_tracks(picked[0], picked[1:])
            elif kind == "cue":
                track = data.draw(st.sampled_from(alive))
                outcome = library.add_cue_point(track, {"type": 0, "start": data.draw(st.floats(0, 5000))})
            elif kind == "rating":
                outcome = library.edit_tracks(alive, {"rating": data.draw(st.integers(0, 5))})
            else:
                [loose] = [p for p in _playlists(library.playlist_tree()) if p.name == "Loose"]
                track = data.draw(st.sampled_from(alive))
                outcome = library.add_playlist_tracks(loose.id, [track], 0, allow_duplicates=True)
            steps += outcome.step is not None  # an edit that changed nothing is no step
        for _ in range(steps):
            library.undo()
        assert state(library) == start


@settings(max_examples=5, deadline=None, suppress_health_check=list(HealthCheck), database=None)
@given(data=st.data())
def test_random_merges_and_edits_undo_to_the_start(
    template: Path, tmp_path_factory: pytest.TempPathFactory, data: st.DataObject
) -> None:
    check_undo_all(template, tmp_path_factory.mktemp("run"), data, edits=4)


@pytest.mark.slow
@settings(max_examples=100, deadline=None, suppress_health_check=list(HealthCheck), database=None)
@given(data=st.data())
def test_long_random_merge_sequences_undo_to_the_start(
    template: Path, tmp_path_factory: pytest.TempPathFactory, data: st.DataObject
) -> None:
    check_undo_all(template, tmp_path_factory.mktemp("run"), data, edits=12)


def test_a_group_of_thousands_merges_and_undoes_under_an_old_sqlite_s_999_values(tmp_path: Path) -> None:
    """A generated collection's placeholder files made one "song" of 12,034 copies, and a merge took its ids as
    one IN list: past SQLite's cap on values per statement (999 before 3.32) it failed. Every connection here
    is held to that old cap; a merge of 1,200 copies with their playlist places goes through, and undo brings
    every copy back."""
    path = tmp_path / "lib.db"
    copies = 1_201
    with Library.open(path) as library:
        ids = library.add_tracks(
            [(TrackValues(path=f"/m/copy{i}.mp3", title="Song", artist="Art", play_count=1), []) for i in range(copies)]
        )
        gig = library.create_playlist("Gig", None, track_ids=ids[::-1])
        library._engine.dispose()  # every connection from here on is made under the old cap
        event.listen(
            library._engine,
            "connect",
            lambda dbapi, _record: dbapi.setlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER, 999),
        )
        start = state(library)
        # The cap holds: one IN list of 1,200 ids is refused.
        with library._engine.connect() as conn, pytest.raises(OperationalError, match="too many SQL variables"):
            conn.execute(select(TRACKS.c.id).where(TRACKS.c.id.in_(ids[1:])))

        outcome = library.merge_tracks(ids[0], ids[1:])
        assert outcome.value.removed == tuple(ids[1:]) and outcome.value.entries_moved == copies - 1
        assert library.playlists_of(ids) == {ids[0]: ["Gig"]}
        assert [e.track_id for e in library.playlist_entries(gig)] == [ids[0]] * copies
        assert library.get_track(ids[0]).track.values.play_count == copies

        library.undo()
        assert state(library) == start


def test_an_undo_leaves_out_a_track_whose_file_another_track_took_since(tmp_path: Path) -> None:
    """The merged-away tracks come back together, but not one whose file is another track's now (an import
    brought it in since): that one stays out, the others come back with their cues, entries and base links."""
    build(tmp_path / "lib.db")
    with Library.open(tmp_path / "lib.db") as library:
        start = state(library)
        library.merge_tracks(2, [1, 3])
        newcomer = library.add_track(TrackValues(path="/m/3.mp3", title="Came back", artist="Elsewhere"))
        library.undo()
        after = state(library)
        assert sorted(after["tracks"]) == [1, 2, 4, 5, 6, newcomer]
        assert after["tracks"][1] == start["tracks"][1] and after["cues"][1] == start["cues"][1]
        assert after["bases"]["Music/:m/:1.mp3"] == 1 and after["bases"]["Music/:m/:3.mp3"] is None
        assert library.get_track(newcomer).track.values.title == "Came back"
        assert [track for track, _ in after["entries"]["Friday"]] == [1, 2, 2]  # track 3's place is gone


def test_a_tracks_playlists_are_named_by_their_path_in_the_tree(library: Library) -> None:
    """The Duplicates page listed "Special" for either of two playlists of that name in different folders."""
    (track,) = library.add_tracks([(TrackValues(path="/m/a.mp3", title="A"), [])])
    events = library.create_folder("Events")
    party = library.create_folder("Party", events)
    library.create_playlist("Special", None, track_ids=[track])
    library.create_playlist("Special", party, track_ids=[track])
    library.create_playlist("Warm-up", events, track_ids=[track, track])
    assert library.playlists_of([track]) == {track: ["Events/Party/Special", "Events/Warm-up", "Special"]}
