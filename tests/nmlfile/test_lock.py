"""nml_lock: one holder per collection file, across threads and processes; a dead holder frees it."""

from __future__ import annotations

import os
import signal
import threading
import time
from pathlib import Path

import pytest

from harmony.nmlfile import NmlBusyError, SafeWriteError, lock_file_path, nml_lock
from harmony.workers.context import get_context

from . import children


def test_the_lock_file_is_hidden_beside_the_collection(tmp_path: Path) -> None:
    path = tmp_path / "collection.nml"
    assert lock_file_path(path) == tmp_path / ".collection.nml.harmony-lock"
    with nml_lock(path) as resolved:
        assert resolved == path.resolve()
        assert lock_file_path(path).exists()


def test_a_second_holder_waits_then_gets_it(tmp_path: Path) -> None:
    path = tmp_path / "collection.nml"
    events: list[str] = []
    first_has_it = threading.Event()

    def first() -> None:
        with nml_lock(path):
            events.append("first in")
            first_has_it.set()
            time.sleep(0.3)
            events.append("first out")

    thread = threading.Thread(target=first)
    thread.start()
    first_has_it.wait(5)
    with nml_lock(path, timeout=10):
        events.append("second in")
    thread.join()
    assert events == ["first in", "first out", "second in"]


def test_a_holder_that_does_not_let_go_makes_the_other_busy(tmp_path: Path) -> None:
    path = tmp_path / "collection.nml"
    with nml_lock(path):
        outcome: list[BaseException] = []

        def other() -> None:
            try:
                with nml_lock(path, timeout=0.1):
                    pass
            except NmlBusyError as error:
                outcome.append(error)

        thread = threading.Thread(target=other)
        thread.start()
        thread.join()
    assert len(outcome) == 1
    assert outcome[0].step == "lock" and "another export of" in str(outcome[0])  # type: ignore[attr-defined]


def test_one_path_written_two_ways_is_one_lock(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    with nml_lock(tmp_path / "collection.nml"), pytest.raises(NmlBusyError), nml_lock(Path("collection.nml"), 0):
        pass


def test_different_collections_do_not_block_each_other(tmp_path: Path) -> None:
    with nml_lock(tmp_path / "a.nml"), nml_lock(tmp_path / "b.nml", timeout=0):
        pass


def test_a_missing_folder_is_a_lock_error(tmp_path: Path) -> None:
    with pytest.raises(SafeWriteError) as caught, nml_lock(tmp_path / "nowhere" / "collection.nml"):
        pass
    assert caught.value.step == "lock" and not isinstance(caught.value, NmlBusyError)
    assert "does not exist" in str(caught.value)
    assert not (tmp_path / "nowhere").exists(), "an unmounted drive's folder must not be created"


@pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="SIGKILL is POSIX")
def test_another_process_holding_it_makes_this_one_busy_until_it_dies(tmp_path: Path) -> None:
    path = tmp_path / "collection.nml"
    context = get_context("forkserver")
    ready = context.Event()
    holder = context.Process(target=children.hold_lock, args=(str(path), ready))
    holder.start()
    try:
        assert ready.wait(30)
        with pytest.raises(NmlBusyError), nml_lock(path, timeout=0.2):
            pass
    finally:
        os.kill(holder.pid or 0, signal.SIGKILL)
        holder.join(10)
    # The operating system released the dead holder's lock: no stale lock to clean up by hand.
    with nml_lock(path, timeout=5):
        pass
