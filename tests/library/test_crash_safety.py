"""Crash safety: a process killed with SIGKILL in the middle of apply_import leaves the library exactly as it
was; a reader in another process sees one whole state at a time while a writer applies imports."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from harmony.library import Library, open_reader

from .helpers import cue, track
from .test_apply_import import dump

CHILD = Path(__file__).with_name("child_processes.py")
SRC = Path(__file__).resolve().parents[2] / "src"


def _start(*arguments: str) -> subprocess.Popen[bytes]:
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(SRC), os.environ.get("PYTHONPATH", "")])}
    return subprocess.Popen([sys.executable, str(CHILD), *arguments], env=env, stderr=subprocess.PIPE)


def _wait_for(path: Path, process: subprocess.Popen[bytes], timeout: float = 90.0) -> None:
    deadline = time.monotonic() + timeout
    while not path.exists():
        if process.poll() is not None:
            raise AssertionError(
                f"child exited early: {process.stderr.read().decode() if process.stderr else ''}"
            )
        if time.monotonic() > deadline:
            process.kill()
            raise AssertionError("child never reached the middle of apply_import")
        time.sleep(0.02)


@pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs SIGKILL")
def test_kill_9_in_the_middle_of_apply_import_leaves_the_library_as_before(
    library_path: Path, tmp_path: Path
) -> None:
    with Library.open(library_path) as library:
        library.add_tracks([(track(i), [cue(10.0 * i), cue(20.0 * i, hotcue=1)]) for i in range(200)])
        library.create_playlist("Before", track_ids=[1, 2, 3])
    before = dump(library_path)
    wal = library_path.with_name(library_path.name + "-wal")
    wal_size_before = wal.stat().st_size if wal.exists() else 0

    marker = tmp_path / "in-the-middle"
    child = _start("import_then_hang", str(library_path), str(marker))
    _wait_for(marker, child)
    # The child's uncommitted pages already reached the WAL file: the kill hits real half-written state.
    assert wal.stat().st_size > wal_size_before
    os.kill(child.pid, signal.SIGKILL)
    child.wait(timeout=30)
    assert child.returncode == -signal.SIGKILL

    assert dump(library_path) == before
    raw = sqlite3.connect(library_path)
    assert raw.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    raw.execute("INSERT INTO tracks_fts(tracks_fts) VALUES ('integrity-check')")
    raw.close()
    with Library.open(library_path) as library:
        assert library.stats().tracks == 200
        assert library.search_tracks("crash").total == 0
        library.add_track(track(999))  # and it is writable again
        assert library.stats().tracks == 201


def test_a_reader_process_sees_whole_imports_only(library_path: Path, tmp_path: Path) -> None:
    with Library.open(library_path) as library:
        library.add_tracks([(track(i, comment="gen-0", play_count=0), []) for i in range(400)])
        start_version = library.version
    stop = tmp_path / "stop"
    writer = _start("write_generations", str(library_path), str(stop))
    seen: set[int] = set()
    snapshots = 0
    deadline = time.monotonic() + 90
    try:
        while len(seen) < 6 and time.monotonic() < deadline:
            with open_reader(library_path) as reader:
                generation = reader.version - start_version
                comments = set()
                play_counts = set()
                for item in reader.iter_tracks(batch_size=64):  # many statements, one snapshot
                    comments.add(item.track.values.comment)
                    play_counts.add(item.track.values.play_count)
            assert comments == {f"gen-{generation}"}, (generation, sorted(comments)[:5])
            assert play_counts == {generation}
            seen.add(generation)
            snapshots += 1
    finally:
        stop.touch()
        writer.wait(timeout=60)
    assert writer.returncode == 0, writer.stderr.read().decode() if writer.stderr else ""
    # The reader really ran while imports were being applied, not before or after them.
    assert len([g for g in seen if g > 0]) >= 2, seen
