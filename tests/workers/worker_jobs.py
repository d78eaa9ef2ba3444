"""Stand-in jobs for the worker pool tests: small top-level functions a worker can import.

They talk to the test through their arguments, return values, progress reports and, where a test needs to
observe a worker from outside (how many times a task ran), through files in a temporary folder.
"""

from __future__ import annotations

import ctypes
import os
import signal
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from harmony.progress import last_look
from harmony.workers import TaskCancelled, TransientError


def _write_answer(marker: str, text: str) -> None:
    """Write ``text`` to ``marker`` whole: a test that waits for the file to exist then reads it must never read
    it half written (it once read '' where the thread was still writing "True")."""
    part = Path(f"{marker}.part")
    part.write_text(text)
    os.replace(part, marker)


def echo(value: Any) -> Any:
    return value


def add(a: int, b: int, *, scale: int = 1) -> int:
    return (a + b) * scale


def getpid() -> int:
    return os.getpid()


def sleep_then(seconds: float, value: Any = None) -> Any:
    time.sleep(seconds)
    return value


def sleep_report_pid(seconds: float, progress: Callable[..., None]) -> int:
    """Report the worker's pid as the first progress message, then sleep without checking for cancellation."""
    progress("started", 0, str(os.getpid()))
    time.sleep(seconds)
    return os.getpid()


def report_many(count: int, progress: Callable[..., None]) -> int:
    for i in range(count):
        progress("counting", 100.0 * i / count, f"step {i}", current_item=f"item-{i}")
    return count


def cooperative_loop(progress: Callable[..., None]) -> str:
    """Report progress until cancelled; the reporter raises TaskCancelled then."""
    progress("started", 0, str(os.getpid()))
    for i in range(100_000):
        time.sleep(0.01)
        progress("looping", 0, f"tick {i}")
    return "never cancelled"


def polls_cancelled(cancelled: Callable[[], bool], progress: Callable[..., None], marker: str) -> str:
    """Stop at the cancel request, as a job that honours one does: by raising."""
    progress("started", 0, str(os.getpid()))
    while not cancelled():
        time.sleep(0.01)
    _write_answer(marker, "saw cancel")
    raise TaskCancelled("stopped at the cancel request")


def finishes_when_told(progress: Callable[..., None], go: str) -> str:
    """Past its last look at a cancel (an import committing): wait for the file ``go``, then finish."""
    progress("started", 0, str(os.getpid()))
    while not Path(go).exists():
        time.sleep(0.01)
    return "finished"


def fail_value_error(message: str) -> None:
    raise ValueError(message)


class NeedsTwoArgs(Exception):
    """Pickles but cannot be rebuilt (its __init__ needs two arguments): the caller gets a RemoteError."""

    def __init__(self, first: str, second: str) -> None:
        super().__init__(f"{first}/{second}")


def fail_unpicklable() -> None:
    raise NeedsTwoArgs("a", "b")


def raise_task_cancelled() -> None:
    raise TaskCancelled("stopped by itself")


def kill_self() -> None:
    os.kill(os.getpid(), signal.SIGKILL)


def exit_with(code: int) -> None:
    os._exit(code)


def segfault() -> None:
    ctypes.string_at(0)


def count_runs(marker: str) -> int:
    """Append one line per run to ``marker`` and return how many runs there have been."""
    with open(marker, "a") as handle:
        handle.write("run\n")
    return len(Path(marker).read_text().splitlines())


def crash_first_time(marker: str) -> str:
    runs = count_runs(marker)
    if runs == 1:
        os.kill(os.getpid(), signal.SIGKILL)
    return f"ok after {runs} runs"


class FileBusy(TransientError):
    """A transient error, as a locked file would raise."""


def transient_first_time(marker: str) -> str:
    runs = count_runs(marker)
    if runs == 1:
        raise FileBusy("the file is busy")
    return f"ok after {runs} runs"


def value_error_counting(marker: str) -> None:
    count_runs(marker)
    raise ValueError("not transient")


def sleep_counting(marker: str, seconds: float) -> None:
    count_runs(marker)
    time.sleep(seconds)


def big_list(count: int) -> list[tuple[int, str]]:
    return [(i, f"track {i:08d}") for i in range(count)]


def generate(count: int) -> Iterator[dict[str, int]]:
    for i in range(count):
        yield {"index": i}


def unpicklable_result() -> Any:
    return lambda: None


def failing_initializer() -> None:
    raise ImportError("No module named 'broken_dependency'")


def mixed(kind: str, value: int) -> int:
    """The stress test's task: ``kind`` says how it ends."""
    if kind == "ok":
        return value * 2
    if kind == "fail":
        raise ValueError(f"failing task {value}")
    if kind == "crash":
        os.kill(os.getpid(), signal.SIGKILL)
    if kind == "slow":
        # Long enough to be still running when the test cancels it, however busy the machine; a cancelled
        # running task is killed after the pool's grace period, so the test does not wait this long.
        time.sleep(10)
        return value
    raise AssertionError(kind)


def hold_the_gil() -> int:
    """A long C call that never lets go of the GIL (like a big parse inside lxml): the worker's Python threads
    (its watchdog too) cannot run until it returns, which here is never."""
    return sum(range(10**15))


def commits_after_its_last_look(cancelled: Callable[[], bool], progress: Callable[..., None], seconds: float) -> str:
    """An import's end: a last look at a cancel, then ``seconds`` of work that cannot be cut off (a commit)."""
    progress("started", 0, str(os.getpid()))
    if last_look(cancelled):
        raise TaskCancelled("cancelled before the commit")
    progress("committing", 99, "past the last look")
    time.sleep(seconds)
    return "committed"


def commits_after_a_late_last_look(
    cancelled: Callable[[], bool], progress: Callable[..., None], marker: str, wait: float, linger: float = 0.0
) -> float:
    """Report, wait ``wait`` s, take the last look and, let past it, "commit" (write ``marker``). Returns how
    long the last look took. Told to stop, it takes ``linger`` s to (a rollback, say)."""
    progress("started", 0, str(os.getpid()))
    time.sleep(wait)
    asked = time.monotonic()
    if last_look(cancelled):
        time.sleep(linger)
        raise TaskCancelled("cancelled before the commit")
    took = time.monotonic() - asked
    _write_answer(marker, "committed")
    return took


def looks_last_on_a_thread_after_returning(cancelled: Callable[[], bool], marker: str) -> str:
    """Return at once, leaving a thread that takes the task's last look 0.2 s later and writes its answer to
    ``marker``."""

    def late() -> None:
        time.sleep(0.2)
        _write_answer(marker, str(last_look(cancelled)))

    threading.Thread(target=late, daemon=True).start()
    return "returned"


def last_look_after_a_cancel(cancelled: Callable[[], bool], progress: Callable[..., None]) -> str:
    """Wait for a cancel, then take the last look: it must say cancelled."""
    progress("started", 0, str(os.getpid()))
    while not cancelled():
        time.sleep(0.01)
    if last_look(cancelled):
        raise TaskCancelled("the last look saw the cancel")
    return "the last look missed the cancel"


def dies_after_its_last_look(cancelled: Callable[[], bool], progress: Callable[..., None], marker: str) -> str:
    """Past its last look, the worker dies (out of memory, say), the first time; the next time it waits for a
    cancel and honours it."""
    progress("started", 0, str(os.getpid()))
    if not Path(marker).exists():
        _write_answer(marker, "ran")
        if last_look(cancelled):
            raise TaskCancelled("cancelled before the commit")
        progress("committing", 99, "past the last look")
        time.sleep(0.3)
        os._exit(3)
    progress("retried", 0, "waiting for a cancel")
    while not cancelled():
        time.sleep(0.01)
    raise TaskCancelled("the retry honoured the cancel")
