"""Undo and "pending export": an edit undone before any export leaves its rows as they were, not pending; an edit
an export carried, or a row changed since, stays pending after its undo. A random mix of edits, undos, redos,
exports and import-like writes never leaves a row unmarked that differs from what the last export wrote."""

from __future__ import annotations

import contextlib
import json
import shutil
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import insert, update

from harmony.errors import LibraryError
from harmony.library import Library, NothingToUndoError, undo_stamps
from harmony.library.database import write_connection
from harmony.library.journal import bump_version, record_nml_state
from harmony.library.models import TRACK_BASES
from harmony.library.writes import update_tracks
from harmony.nmlfile import NmlFingerprint

from .test_undo import TRACKS, build, node_ids, one_edit, state

FINGERPRINT = NmlFingerprint("/c.nml", 1, 1, "x")


def export(library: Library) -> None:
    """What an export records when it has written the library's version to the NML."""
    library.record_export(library.version, FINGERPRINT)


def pending(library: Library) -> dict[str, list[int]]:
    found = library.pending()
    return {kind: sorted(found[kind]) for kind in ("tracks", "playlists", "folders")}  # type: ignore[call-overload]


def import_like(library: Library, track_id: int, changes: dict[str, Any], leaves_nml_current: bool) -> None:
    """A write that is not an undo step, as an import's: a new version stamped on the track it changes (and, when
    the library then equals the NML, recorded as exported)."""
    with write_connection(library._engine) as conn:
        version = bump_version(conn, "import")
        update_tracks(conn, version, [(track_id, changes)])
        if leaves_nml_current:
            record_nml_state(conn, FINGERPRINT, exported_version=version)


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("undo-pending") / "template.db"
    build(path)
    with Library.open(path) as library:
        export(library)
    return path


@pytest.fixture
def library(template: Path, tmp_path: Path) -> Any:
    path = tmp_path / "library.db"
    shutil.copyfile(template, path)
    with Library.open(path) as opened:
        yield opened


EDITS = {
    "a field": lambda lib: lib.edit_tracks([2], {"rating": 5}),
    "a bulk edit": lambda lib: lib.edit_tracks([1, 2, 3], {"genre": "Techno", "rating": 1}),
    "a cue": lambda lib: lib.edit_cue_point(3, lib.get_track(3).cues[0].id, {"name": "Drop"}),
    "a new cue": lambda lib: lib.add_cue_point(4, {"type": 0, "start": 5.0, "hotcue": -1}),
    "a playlist's name": lambda lib: lib.change_playlist(node_ids(lib, "playlist")[0], name="Saturday"),
    "a playlist's tracks": lambda lib: lib.add_playlist_tracks(node_ids(lib, "playlist")[0], [6, 7], None),
    "a folder's name": lambda lib: lib.change_folder(node_ids(lib, "folder")[0], name="Sets"),
    "a new playlist": lambda lib: lib.new_playlist("New", None, None),
    "a moved playlist": lambda lib: lib.change_playlist(node_ids(lib, "playlist")[1], folder_id=None, position=0),
}


@pytest.mark.parametrize("edit", list(EDITS), ids=list(EDITS))
def test_an_edit_undone_before_any_export_is_not_pending(library: Library, edit: str) -> None:
    assert pending(library) == {"tracks": [], "playlists": [], "folders": []}
    start = state(library)
    EDITS[edit](library)
    assert pending(library) != {"tracks": [], "playlists": [], "folders": []}
    library.undo()
    assert state(library) == start
    assert pending(library) == {"tracks": [], "playlists": [], "folders": []}
    library.redo()  # the change is back, and pending again
    assert pending(library) != {"tracks": [], "playlists": [], "folders": []}


def test_an_edit_undone_after_it_was_exported_is_pending(library: Library) -> None:
    library.edit_tracks([2], {"rating": 5})
    export(library)
    library.undo()
    assert pending(library)["tracks"] == [2]


def test_an_undo_keeps_an_earlier_edit_no_export_carried_pending(library: Library) -> None:
    library.edit_tracks([2], {"rating": 5})
    library.edit_tracks([2], {"title": "Later"})
    library.undo()  # the title: back to the first edit's state, which no export holds
    assert pending(library)["tracks"] == [2]
    library.undo()
    assert pending(library)["tracks"] == []


def test_a_redo_after_an_export_undone_again_is_as_the_export_left_it(library: Library) -> None:
    library.edit_tracks([2], {"rating": 5})
    library.undo()
    export(library)  # holds the track without the edit
    library.redo()
    assert pending(library)["tracks"] == [2]
    library.undo()
    assert pending(library)["tracks"] == []


def test_steps_redone_over_an_export_stay_pending_when_one_is_undone(library: Library) -> None:
    library.edit_tracks([2], {"rating": 5})  # T
    library.edit_tracks([2], {"title": "S"})  # S
    library.undo()
    library.undo()
    export(library)  # holds the track before T
    library.redo()
    library.redo()
    library.undo()  # S again: the track is as T left it, which the export does not hold
    assert library.get_track(2).track.values.rating == 5
    assert pending(library)["tracks"] == [2]


def test_a_track_changed_by_an_import_between_undo_and_redo_stays_pending(library: Library) -> None:
    before = library.get_track(2).track.values.rating
    library.edit_tracks([2], {"rating": 5})
    library.undo()
    import_like(library, 2, {"rating": 3}, leaves_nml_current=True)  # Traktor's rating, now the NML's too
    assert pending(library)["tracks"] == []
    library.redo()
    library.undo()  # writes the step's "before" rating back over the imported one
    assert library.get_track(2).track.values.rating == before != 3
    assert pending(library)["tracks"] == [2]


def test_a_track_changed_by_an_import_since_the_edit_stays_pending(library: Library) -> None:
    library.edit_tracks([2], {"rating": 5})
    import_like(library, 2, {"title": "From Traktor"}, leaves_nml_current=False)
    library.undo()
    assert pending(library)["tracks"] == [2]


def test_steps_saved_before_versions_were_kept_still_undo(library: Library) -> None:
    """A step from an older Harmony has no versions: its undo is pending export, as it always was."""
    from sqlalchemy import select, update

    from harmony.library.models import UNDO_STEPS

    library.edit_tracks([2], {"rating": 5})
    with write_connection(library._engine) as conn:
        saved = json.loads(conn.execute(select(UNDO_STEPS.c.before_json)).scalar_one())
        assert saved.pop("stamps")
        conn.execute(update(UNDO_STEPS).values(before_json=json.dumps(saved)))
    library.undo()
    assert library.get_track(2).track.values.rating != 5
    assert pending(library)["tracks"] == [2]


IN_FLIGHT = {
    "a field": lambda lib: lib.edit_tracks([2], {"rating": 5}),
    "a cue": lambda lib: lib.edit_cue_point(3, lib.get_track(3).cues[0].id, {"name": "Drop"}),
    "a playlist's name": lambda lib: lib.change_playlist(node_ids(lib, "playlist")[0], name="Saturday"),
    "a playlist's tracks": lambda lib: lib.add_playlist_tracks(node_ids(lib, "playlist")[0], [6, 7], None),
    "a folder's name": lambda lib: lib.change_folder(node_ids(lib, "folder")[0], name="Sets"),
    "a merge": lambda lib: lib.merge_tracks(4, [5]),
}


@pytest.mark.parametrize("edit", list(IN_FLIGHT), ids=list(IN_FLIGHT))
def test_an_undo_made_while_an_export_of_the_edit_runs_stays_pending(library: Library, edit: str) -> None:
    """An export records the version it read. Undone after the export read the edit and before it recorded it,
    the edit is in the file: its rows must be pending again once the export is recorded (found by a review)."""
    IN_FLIGHT[edit](library)
    merge = edit == "a merge"  # (track 5 is gone: rows() cannot read the library as the export did)
    read_at, written = library.version, None if merge else rows(library)  # what the export's worker read and wrote
    library.undo()
    # Undone before any export recorded it: nothing pending, not even the merged-away track, back as it was.
    assert pending(library) == {"tracks": [], "playlists": [], "folders": []}
    library.record_export(read_at, FINGERPRINT)
    if written is None:
        # The file holds the merge: the kept track merged, the other's entry taken out. Both are pending again.
        assert {4, 5} <= set(pending(library)["tracks"])
    else:
        check_unmarked_rows(library, written)
    assert pending(library) != {"tracks": [], "playlists": [], "folders": []}


def test_an_edit_redone_by_hand_after_an_undo_during_an_export_stays_pending_when_undone(library: Library) -> None:
    """Found by the property: edit, an export reads, undo, the same edit by hand, the export records, undo. The
    second edit kept the version the first undo had put back, which the export proved wrong."""
    library.edit_tracks([2], {"rating": 5})
    read_at, written = library.version, rows(library)
    library.undo()
    library.edit_tracks([2], {"rating": 5})
    library.record_export(read_at, FINGERPRINT)
    library.undo()
    check_unmarked_rows(library, written)
    assert pending(library)["tracks"] == [2]


def test_an_undo_after_an_export_read_the_library_before_the_edit_is_not_pending(library: Library) -> None:
    read_at, written = library.version, rows(library)  # the export read the library before the edit
    library.edit_tracks([2], {"rating": 5})
    library.undo()
    library.record_export(read_at, FINGERPRINT)
    check_unmarked_rows(library, written)
    assert pending(library) == {"tracks": [], "playlists": [], "folders": []}


def test_a_playlist_an_undo_cannot_restore_exactly_stays_pending(library: Library) -> None:
    """A track deleted after an edit of a playlist is not put back in the playlist by the edit's undo: the
    playlist is not as the export left it, so it stays pending (found by a review)."""
    friday = node_ids(library, "playlist")[0]
    library.add_playlist_tracks(friday, [4], None)
    library.delete_tracks([3])  # takes its entry out of the playlist, with no undo step of its own
    library.undo()
    assert [e.track_id for e in library.playlist_entries(friday)] == [1, 2]
    assert friday in pending(library)["playlists"]


def test_past_the_limit_an_undo_leaves_its_rows_pending(library: Library, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(undo_stamps, "MAX_PUT_BACKS", 2)
    library.edit_tracks([1, 2, 3], {"rating": 5})
    library.undo()  # three rows to keep, past the limit of two
    assert pending(library)["tracks"] == [1, 2, 3]
    library.edit_tracks([4], {"rating": 5})
    library.undo()
    assert pending(library)["tracks"] == [1, 2, 3]  # room for one


@pytest.mark.parametrize("kind", ["playlist", "folder"])
def test_a_playlist_or_folder_made_by_an_import_survives_the_undo_of_a_deletion(library: Library, kind: str) -> None:
    """The deleted one had the highest id; one an import made then took it, and the deletion's undo wrote the
    old one over it (found by a review of the same bug for tracks)."""
    from harmony.library import writes

    gone = max(node_ids(library, kind))
    library.remove_playlist(gone) if kind == "playlist" else library.remove_folder(gone)
    with write_connection(library._engine) as conn:  # an import adds one of Traktor's
        version = bump_version(conn, "import")
        if kind == "playlist":
            made = writes.create_playlist(conn, version, "From Traktor", None, 0, "uuid-from-traktor")
        else:
            made = writes.create_folder(conn, version, "From Traktor", None, 0)
    assert made > gone
    library.undo()
    names: dict[tuple[str, int], str] = {}

    def walk(nodes: Any) -> None:
        for node in nodes:
            names[node.kind, node.id] = node.name
            if node.kind == "folder":
                walk(node.children)

    walk(library.playlist_tree())
    assert names[kind, made] == "From Traktor" and (kind, gone) in names


# --- the property ---------------------------------------------------------------------------------------------


def rows(library: Library) -> dict[tuple[str, int], Any]:
    """Every row an export writes, by kind and id: a track's fields and cues, a playlist's name, place and
    entries, a folder's name and place."""
    snap = state(library)
    out: dict[tuple[str, int], Any] = {}
    for track_id in range(1, TRACKS + 1):
        out["tracks", track_id] = (snap["tracks"][track_id], snap["cues"][track_id])

    def walk(nodes: list[Any], parent: int | None) -> None:
        for node in nodes:
            if node[0] == "folder":
                _, folder_id, name, position, children = node
                out["folders", folder_id] = (name, parent, position)
                walk(children, folder_id)
            else:
                _, playlist_id, name, position, uuid, entries = node
                out["playlists", playlist_id] = (name, parent, position, uuid, entries)

    walk(snap["tree"], None)
    return out


def check_unmarked_rows(library: Library, exported: dict[tuple[str, int], Any]) -> None:
    """A row not pending export is as the last export wrote it (a row the export never saw is pending)."""
    marked = pending(library)
    for (kind, row_id), values in rows(library).items():
        if row_id in marked[kind]:
            continue
        assert (kind, row_id) in exported, f"{kind} {row_id} is new since the export and not pending"
        if kind != "tracks":
            # A folder's or playlist's place follows its siblings, which the export writes as a whole tree.
            values, was = values[:1] + values[3:], exported[kind, row_id][:1] + exported[kind, row_id][3:]
        else:
            was = exported[kind, row_id]
        assert values == was, f"{kind} {row_id} differs from the export and is not pending"


def run_mix(template: Path, folder: Path, data: st.DataObject, actions: int) -> None:
    path = folder / "library.db"
    shutil.copyfile(template, path)
    with Library.open(path) as library:
        exported = rows(library)
        reading: tuple[int, dict[tuple[str, int], Any]] | None = None  # an export that read and has not recorded
        for _ in range(actions):
            action = data.draw(
                st.sampled_from(["edit", "edit", "edit", "undo", "undo", "redo", "export", "export_runs", "import"])
            )
            if action == "edit":
                with contextlib.suppress(LibraryError):  # a refused edit changes nothing
                    one_edit(library, data)
            elif action in ("undo", "redo"):
                with contextlib.suppress(NothingToUndoError):
                    library.undo() if action == "undo" else library.redo()
            elif action == "export" and reading is None:
                export(library)
                exported = rows(library)
            elif action in ("export", "export_runs"):
                # An export in two halves, as the worker runs it: it reads now, other actions come, it records.
                if reading is None:
                    reading = (library.version, rows(library))
                else:
                    library.record_export(reading[0], FINGERPRINT)
                    exported, reading = reading[1], None
            elif reading is None:  # an import waits for a running export (one sync operation at a time)
                track = data.draw(st.integers(1, TRACKS))
                current = library.get_track(track).track.values.rating
                current_nml = data.draw(st.booleans())
                import_like(library, track, {"rating": (current + 1) % 6}, leaves_nml_current=current_nml)
                if current_nml:
                    exported = rows(library)
            check_unmarked_rows(library, exported)


@settings(max_examples=15, deadline=None, suppress_health_check=list(HealthCheck), database=None)
@given(data=st.data())
def test_no_row_differs_from_the_export_unmarked(
    template: Path, tmp_path_factory: pytest.TempPathFactory, data: st.DataObject
) -> None:
    run_mix(template, tmp_path_factory.mktemp("run"), data, actions=12)


@pytest.mark.slow
@pytest.mark.timeout(1800)
@settings(max_examples=100, deadline=None, suppress_health_check=list(HealthCheck), database=None)
@given(data=st.data())
def test_long_mixes_leave_no_row_differing_from_the_export_unmarked(
    template: Path, tmp_path_factory: pytest.TempPathFactory, data: st.DataObject
) -> None:
    run_mix(template, tmp_path_factory.mktemp("run"), data, actions=40)


def test_a_playlist_an_import_deleted_after_the_step_stays_pending_when_the_undo_brings_it_back(
    library: Library,
) -> None:
    """Renamed (the step), then deleted by an import (Traktor deleted it: not a step), then the rename undone:
    the undo brings the playlist back, which Traktor's file no longer holds. Only the step's own deletions may
    have their versions put back (found by a review of the rule for deleted rows)."""
    from harmony.library.writes import delete_playlist

    playlist = node_ids(library, "playlist")[0]
    library.change_playlist(playlist, name="Saturday")
    with write_connection(library._engine) as conn:
        bump_version(conn, "import")
        delete_playlist(conn, playlist)
    library.undo()
    assert playlist in node_ids(library, "playlist")
    assert playlist in pending(library)["playlists"]


def test_a_deleted_playlist_brought_back_stays_pending(library: Library) -> None:
    """A playlist comes back from deletion pending, even undone before any export: an import in between may have
    dropped the sync base it was linked to (Traktor deleted it too), which the playlist's values do not show."""
    from sqlalchemy import delete, insert, update

    from harmony.library.models import PLAYLIST_BASES, PLAYLISTS

    playlist = node_ids(library, "playlist")[1]
    with write_connection(library._engine) as conn:  # as an export leaves it: a uuid, and a base linked to it
        conn.execute(update(PLAYLISTS).where(PLAYLISTS.c.id == playlist).values(uuid="U-1"))
        conn.execute(
            insert(PLAYLIST_BASES).values(
                uuid="U-1", playlist_id=playlist, name="Loose", folder_path_json="[]", position=1, entries_json="[]"
            )
        )
    export(library)
    library.remove_playlist(playlist)
    with write_connection(library._engine) as conn:
        bump_version(conn, "import")
        conn.execute(delete(PLAYLIST_BASES).where(PLAYLIST_BASES.c.uuid == "U-1"))
    library.undo()
    assert playlist in node_ids(library, "playlist")
    assert playlist in pending(library)["playlists"]


def _synced_base(library: Library, track_id: int) -> None:
    """A sync base for the track, written by an "import" that leaves the library as the file has it."""
    with write_connection(library._engine) as conn:
        version = bump_version(conn, "import")
        conn.execute(
            insert(TRACK_BASES).values(
                nml_key=f"Music/:m/:{track_id}.mp3",
                track_id=track_id,
                values_json="{}",
                cues_json="[]",
                synced_version=version,
            )
        )
        record_nml_state(conn, FINGERPRINT, exported_version=version)


def test_a_track_whose_base_an_import_rewrote_after_the_step_stays_pending_when_undone(library: Library) -> None:
    """Edited (the step), then imported: Traktor changed the same track and the edit won, so the import wrote
    the track's base to the file's values and left the track as it was. Undone, the track's values differ from
    its base; given its old version back, it would be neither pending nor ever exported (found by a review)."""
    _synced_base(library, 2)
    assert pending(library)["tracks"] == []
    library.edit_tracks([2], {"rating": 5})
    with write_connection(library._engine) as conn:
        version = bump_version(conn, "import")
        conn.execute(update(TRACK_BASES).where(TRACK_BASES.c.track_id == 2).values(synced_version=version))
    library.undo()
    assert 2 in pending(library)["tracks"]


def test_an_undo_with_no_import_since_still_puts_the_version_back(library: Library) -> None:
    """The same edit and undo with the base untouched since: nothing pending (the rule above takes only tracks
    whose base was written after the step)."""
    _synced_base(library, 2)
    library.edit_tracks([2], {"rating": 5})
    library.undo()
    assert pending(library)["tracks"] == []
