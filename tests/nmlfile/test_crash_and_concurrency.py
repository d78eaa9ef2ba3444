"""The safe write against real processes: SIGKILL at random moments, and two writers at once."""

from __future__ import annotations

import itertools
import os
import random
import re
import signal
import time
from collections.abc import Iterator
from multiprocessing.context import BaseContext
from pathlib import Path

import pytest

from harmony import nml
from harmony.nmlfile import (
    backup_folder,
    lock_file_path,
    read_with_fingerprint,
    remove_stale_temp_files,
    write_collection,
)
from harmony.workers.context import get_context

from . import children
from .conftest import Contents

pytestmark = pytest.mark.skipif(not hasattr(os, "fork"), reason="forkserver and SIGKILL are POSIX")

#: Writers killed at random moments: the whole suite runs many; the quick suite enough to see both outcomes.
KILLS = 50
QUICK_KILLS = 16
TEMPORARY = re.compile(r"\.collection\.nml\.[a-z0-9_]{8}\.tmp")
BACKUP = re.compile(r"collection_\d{4}-\d{2}-\d{2}T\d{2}-\d{2}-\d{2}\.\d{6}Z\.nml")
BACKUP_TEMPORARY = re.compile(r"\.collection_[0-9T.\-]+Z\.nml\.[a-z0-9_]{8}\.tmp")


@pytest.fixture(scope="module")
def context() -> Iterator[BaseContext]:
    """A forkserver that has imported Harmony once: each child starts in milliseconds, not half a second."""
    # tests/conftest.py has every test's forkserver preload this module (Python 3.11's forkserver imports its
    # preload before it applies the parent's sys.path: the conftest's PYTHONPATH lets it find the module).
    yield get_context("forkserver")


def _write_files(folder: Path, contents: Contents) -> tuple[Path, Path]:
    old_file, new_file = folder / "old.bin", folder / "new.bin"
    old_file.write_bytes(contents.old)
    new_file.write_bytes(contents.new)
    return old_file, new_file


@pytest.mark.parametrize("kills", [QUICK_KILLS, pytest.param(KILLS, marks=pytest.mark.slow)])
def test_a_write_killed_at_any_moment_leaves_the_old_or_the_new_file(
    tmp_path: Path, big: Contents, context: BaseContext, no_other_traktor: None, kills: int
) -> None:
    folder = tmp_path / "Traktor"
    folder.mkdir()
    path = folder / "collection.nml"
    path.write_bytes(big.old)
    old_file, new_file = _write_files(tmp_path, big)

    # Spread the kills over about two and a half writes of this machine, measured here.
    started = time.perf_counter()
    write_collection(path, big.new, expected=read_with_fingerprint(path)[1], keep=3)
    one_write = time.perf_counter() - started
    write_collection(path, big.old, expected=None, keep=3)

    rng = random.Random(20261128)
    seen = {"old": 0, "new": 0}
    stale: set[str] = set()
    for _ in range(kills):
        ready = context.Event()
        child = context.Process(target=children.write_forever, args=(str(path), str(old_file), str(new_file), ready))
        child.start()
        assert ready.wait(30), "the writer did not start"
        time.sleep(rng.uniform(0, 2.5 * one_write))
        assert child.exitcode is None, "the writer failed on its own instead of being killed"
        os.kill(child.pid or 0, signal.SIGKILL)
        child.join(10)
        assert child.exitcode == -signal.SIGKILL

        data = path.read_bytes()
        assert data in (big.old, big.new), "the collection is neither the old file nor the complete new one"
        is_old = data == big.old
        seen["old" if is_old else "new"] += 1
        assert len(nml.load(path).tracks) == (big.old_counts if is_old else big.new_counts)[0]

        for name in os.listdir(folder):
            if name not in {"collection.nml", lock_file_path(path).name, "Backup"}:
                assert TEMPORARY.fullmatch(name), f"unexpected file left beside the collection: {name}"
                stale.add(name)
        for name in os.listdir(backup_folder(path)):
            if BACKUP.fullmatch(name):
                assert (backup_folder(path) / name).read_bytes() in (big.old, big.new), "a backup is incomplete"
            else:
                assert BACKUP_TEMPORARY.fullmatch(name), f"unexpected file in the backup folder: {name}"
                stale.add(name)

    # Kills landed both before and after a replace, so the loop saw both contents.
    assert seen["old"] and seen["new"], seen
    # The next writer (each child's write_collection) already removed older leftovers; the helper removes the rest.
    remaining = {name for name in stale if (folder / name).exists() or (backup_folder(path) / name).exists()}
    assert {p.name for p in remove_stale_temp_files(path)} == remaining
    assert sorted(os.listdir(folder)) == sorted(["Backup", "collection.nml", lock_file_path(path).name])
    assert all(BACKUP.fullmatch(name) for name in os.listdir(backup_folder(path)))


def _intervals(log: Path) -> list[tuple[int, int, int]]:
    """``(start_ns, end_ns, pid)`` of each time a process held the lock, in the order they began."""
    open_at: dict[int, int] = {}
    intervals = []
    for line in log.read_text().splitlines():
        stamp, pid, event = line.split()
        if event == "locked":
            assert int(pid) not in open_at
            open_at[int(pid)] = int(stamp)
        else:
            assert event == "unlocking"
            intervals.append((open_at.pop(int(pid)), int(stamp), int(pid)))
    assert not open_at
    return sorted(intervals)


def test_two_processes_writing_one_file_take_turns(
    tmp_path: Path, big: Contents, context: BaseContext, no_other_traktor: None
) -> None:
    path = tmp_path / "collection.nml"
    path.write_bytes(big.old)
    old_file, new_file = _write_files(tmp_path, big)
    log = tmp_path / "lock.log"
    start = context.Barrier(2)
    writers = [
        context.Process(target=children.write_logged, args=(str(path), str(data), 4, str(log), start))
        for data in (old_file, new_file)
    ]
    for writer in writers:
        writer.start()
    for writer in writers:
        writer.join(120)
        assert writer.exitcode == 0

    intervals = _intervals(log)
    assert len(intervals) == 8
    assert {pid for _, _, pid in intervals} == {writer.pid for writer in writers}
    for (_, end, _), (next_start, _, _) in itertools.pairwise(intervals):
        assert end < next_start, "two writers held the lock at the same time"
    assert path.read_bytes() in (big.old, big.new)
    nml.load(path)


def test_two_exports_planned_from_one_file_one_writes_the_other_is_told_to_import(
    tmp_path: Path, big: Contents, context: BaseContext, no_other_traktor: None
) -> None:
    path = tmp_path / "collection.nml"
    path.write_bytes(big.old)
    _, new_file = _write_files(tmp_path, big)
    third = tmp_path / "third.bin"
    third.write_bytes(big.new.replace(b"</NML>", b"</NML>\n"))
    _, plan = read_with_fingerprint(path)
    start = context.Barrier(2)
    outcomes = [tmp_path / "a.out", tmp_path / "b.out"]
    writers = [
        context.Process(
            target=children.write_from_plan,
            args=(str(path), str(data), plan.sha256, plan.size, plan.mtime_ns, start, str(out)),
        )
        for data, out in ((new_file, outcomes[0]), (third, outcomes[1]))
    ]
    for writer in writers:
        writer.start()
    for writer in writers:
        writer.join(120)
        assert writer.exitcode == 0

    results = [out.read_text() for out in outcomes]
    assert sorted(results) == ["check unchanged", "ok"]
    winner = (new_file, third)[results.index("ok")]
    assert path.read_bytes() == winner.read_bytes()
