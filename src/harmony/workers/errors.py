"""Errors raised by the worker pool.

Every one derives from :class:`harmony.errors.WorkerError` (and so from
:class:`~harmony.errors.HarmonyError`), so the CLI and the web app can show any of them as a one-line message.
The messages say what happened to the task and, where it helps, what the DJ can do next.
"""

from __future__ import annotations

import signal
from typing import Any

from harmony.errors import WorkerError

__all__ = [
    "PoolClosedError",
    "QueueFullError",
    "RemoteError",
    "RemoteTraceback",
    "TaskCancelled",
    "TaskTimeoutError",
    "TransientError",
    "WorkerCrashedError",
    "WorkerError",
    "WorkerStartupError",
    "describe_exit",
]


def describe_exit(exitcode: int | None) -> str:
    """Say in words how a process ended: ``exit code 3`` or ``signal SIGKILL``."""
    if exitcode is None:
        return "an unknown exit status"
    if exitcode < 0:
        try:
            return f"signal {signal.Signals(-exitcode).name}"
        except ValueError:
            return f"signal {-exitcode}"
    return f"exit code {exitcode}"


class RemoteTraceback(Exception):
    """The traceback text of an exception raised inside a worker.

    It is attached as ``__cause__`` of the exception the caller receives, the way
    :mod:`concurrent.futures` does, so a logged error shows the worker's frames after the caller's.
    """

    def __init__(self, text: str) -> None:
        super().__init__(text)
        self.text = text

    def __str__(self) -> str:
        return f'\n"""\n{self.text}"""'


class QueueFullError(WorkerError):
    """The pool's queue is at its ``max_queue`` limit; the task was not accepted."""

    def __init__(self, pool: str, max_queue: int) -> None:
        super().__init__(
            f"The {pool} pool is busy: {max_queue} task(s) are already waiting. Try again when one has finished."
        )
        self.pool = pool
        self.max_queue = max_queue


class PoolClosedError(WorkerError):
    """The pool was closed or destroyed; it takes no more work and its unfinished tasks failed."""

    def __init__(self, pool: str, detail: str = "it is shutting down") -> None:
        super().__init__(f"The {pool} worker pool cannot run the task: {detail}.")
        self.pool = pool


class RemoteError(WorkerError):
    """An exception from a worker that could not be sent back as itself (it does not pickle).

    ``type_name`` is the qualified name of the original exception type, ``remote_message`` its ``str()``,
    and ``remote_traceback`` the worker's formatted traceback.
    """

    def __init__(self, type_name: str, remote_message: str, remote_traceback: str) -> None:
        super().__init__(f"{type_name}: {remote_message}")
        self.type_name = type_name
        self.remote_message = remote_message
        self.remote_traceback = remote_traceback

    def __reduce__(self) -> tuple[Any, ...]:
        return (RemoteError, (self.type_name, self.remote_message, self.remote_traceback))


class WorkerCrashedError(WorkerError):
    """The worker process running the task died (exit, ``kill -9``, segfault, out of memory).

    Only that task failed; the pool replaces the worker. ``exitcode`` follows
    :attr:`multiprocessing.Process.exitcode`: negative numbers are signals.
    """

    def __init__(self, pool: str, pid: int | None, exitcode: int | None, task: str = "") -> None:
        what = f" while running {task}" if task else ""
        super().__init__(
            f"A {pool} worker (pid {pid}) died with {describe_exit(exitcode)}{what}; "
            "the task was stopped and the pool carries on. "
            "If it keeps happening, the job may be running out of memory."
        )
        self.pool = pool
        self.pid = pid
        self.exitcode = exitcode

    @property
    def signal(self) -> int | None:
        """The signal number that killed the worker, or None when it exited by itself."""
        if self.exitcode is not None and self.exitcode < 0:
            return -self.exitcode
        return None

    def __reduce__(self) -> tuple[Any, ...]:
        return (type(self), (self.pool, self.pid, self.exitcode))


class WorkerStartupError(WorkerCrashedError):
    """A worker died before it was ready (a broken import or initializer).

    The pool does not start workers again in a loop after this: it fails the waiting tasks and tries once more
    only when new work arrives.
    """

    def __init__(self, pool: str, pid: int | None, exitcode: int | None, detail: str = "") -> None:
        WorkerError.__init__(
            self,
            f"A {pool} worker could not start ({describe_exit(exitcode)})"
            + (f": {detail}" if detail else "")
            + ". Check the installation; the pool will not retry until new work arrives.",
        )
        self.pool = pool
        self.pid = pid
        self.exitcode = exitcode
        self.detail = detail

    def __reduce__(self) -> tuple[Any, ...]:
        return (WorkerStartupError, (self.pool, self.pid, self.exitcode, self.detail))


class TaskTimeoutError(WorkerError):
    """The task ran (counted from the moment a worker took it) longer than its timeout and was stopped."""

    def __init__(self, pool: str, timeout: float, task: str = "") -> None:
        super().__init__(
            f"The {pool} task {task or ''}".rstrip()
            + f" took longer than {timeout:g} s and was stopped; try again or raise the timeout."
        )
        self.pool = pool
        self.timeout = timeout

    def __reduce__(self) -> tuple[Any, ...]:
        return (TaskTimeoutError, (self.pool, self.timeout))


class TaskCancelled(WorkerError):
    """The task was cancelled by its caller.

    Inside a worker, the ``progress`` reporter raises it once the caller has cancelled, so a cooperative task
    unwinds at its next progress report.
    """

    def __init__(self, message: str = "The task was cancelled.") -> None:
        super().__init__(message)


class TransientError(WorkerError):
    """Base (or mix-in) for task exceptions that are safe to retry, such as a file briefly locked by another
    app.

    A call made with ``retries=N`` is retried after an exception of this kind, or after a worker crash; never
    after a timeout, a cancellation or any other error.
    """
