"""Programs the crash-safety tests run in separate processes (``python child_processes.py COMMAND ARGS``).

Not a test module: it is started by ``test_crash_safety.py`` with ``subprocess`` so that it can be killed with
SIGKILL, or can write while the test process reads.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, event

from harmony.library import (
    CueValues,
    EntryRef,
    ImportPlan,
    Library,
    NewTrack,
    PlaylistCreate,
    TrackBase,
    TrackUpdate,
    TrackValues,
)


def big_plan(library: Library) -> ImportPlan:
    """An import touching everything: new tracks with cues and bases, updates, cue removals, playlists."""
    with library.reader() as reader:
        existing = list(reader.iter_tracks())
    new_tracks = tuple(
        NewTrack(
            ref=f"new-{i}",
            values=TrackValues(path=f"/crash/new {i}.mp3", title=f"Crash new {i}", bpm=120.0 + i / 1000),
            cues=tuple(CueValues(type=0, start=1000.0 * j, hotcue=j) for j in range(3)),
            base=TrackBase(nml_key=f"vol/:crash/:new {i}.mp3", values=TrackValues(path=f"/crash/new {i}.mp3")),
        )
        for i in range(3000)
    )
    return ImportPlan(
        based_on_version=library.version,
        new_tracks=new_tracks,
        track_updates=tuple(TrackUpdate(t.track.id, {"comment": "crashed?", "rating": 5}) for t in existing),
        cue_removals=tuple(c.id for t in existing for c in t.cues[:1]),
        playlist_creates=(
            PlaylistCreate("p", "Crash list", entries=tuple(EntryRef(track=f"new-{i}") for i in range(100))),
        ),
    )


def import_then_hang(path: str, marker: str) -> None:
    """Start a big apply_import and freeze in the middle of it (its tracks and cues written; playlists, bases
    and the commit still to come), with a tiny page cache so uncommitted pages have already spilled into the
    WAL file. The test then kills this process."""

    @event.listens_for(Engine, "connect")
    def _small_cache(dbapi_connection: Any, record: Any) -> None:
        dbapi_connection.execute("PRAGMA cache_size = 20")

    @event.listens_for(Engine, "after_cursor_execute")
    def _freeze(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        if statement.startswith("INSERT INTO cue_points"):
            Path(marker).write_text("in the middle of apply_import")
            time.sleep(600)

    library = Library.open(path)
    library.apply_import(big_plan(library))
    raise SystemExit("apply_import finished: the test should have killed this process first")


def import_then_hang_without_search_trigger(path: str, marker: str) -> None:
    """Start a big apply_import and freeze right after its bulk track insert: the search index's insert
    trigger is dropped (inside the transaction) and the index not filled yet. The test then kills this
    process."""

    @event.listens_for(Engine, "after_cursor_execute")
    def _freeze(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        if statement.startswith("INSERT INTO tracks "):
            Path(marker).write_text("search trigger dropped")
            time.sleep(600)

    library = Library.open(path)
    library.apply_import(big_plan(library))
    raise SystemExit("apply_import finished: the test should have killed this process first")


def first_import_then_hang(path: str, marker: str) -> None:
    """Start a first import of 3,000 tracks into an empty library and freeze right after its track rows are
    written: the plain indexes and the search trigger are dropped (harmony.library.bulk), not built yet. The
    test then kills this process."""

    @event.listens_for(Engine, "after_cursor_execute")
    def _freeze(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        if statement.startswith("INSERT INTO tracks "):
            raw = conn.connection.driver_connection
            (indexes,) = raw.execute("SELECT count(*) FROM sqlite_master WHERE type = 'index'").fetchone()
            # How many indexes are left while the rows go in; renamed into place, so the test never reads it
            # half-written.
            Path(marker + ".part").write_text(str(indexes))
            Path(marker + ".part").replace(marker)
            time.sleep(600)

    library = Library.open(path)
    library.apply_import(big_plan(library))
    raise SystemExit("apply_import finished: the test should have killed this process first")


def write_generations(path: str, stop_file: str) -> None:
    """Apply imports, each setting every track's comment to ``gen-N`` (N counts them), until told to stop."""
    library = Library.open(path)
    with library.reader() as reader:
        ids = [t.track.id for t in reader.iter_tracks()]
    generation = 0
    while not Path(stop_file).exists() and generation < 10_000:
        generation += 1
        library.apply_import(
            ImportPlan(
                track_updates=tuple(
                    TrackUpdate(track_id, {"comment": f"gen-{generation}", "play_count": generation})
                    for track_id in ids
                )
            )
        )
    library.close()


if __name__ == "__main__":
    command, *arguments = sys.argv[1:]
    {
        "import_then_hang": import_then_hang,
        "import_then_hang_without_search_trigger": import_then_hang_without_search_trigger,
        "first_import_then_hang": first_import_then_hang,
        "write_generations": write_generations,
    }[command](*arguments)
