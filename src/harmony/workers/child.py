"""The worker process: its main loop, the progress reporter and the cancel check a task receives.

A worker has three threads:

* the main thread runs one task at a time, taken from an in-process queue;
* a receiver thread reads the pipe, so a cancel request reaches a busy worker at once (it sets the flag that
  the task's ``progress`` and ``cancelled`` look at) and a closed pipe (the parent is gone) ends the process;
* a watchdog thread waits on the parent's sentinel and ends the process the moment the parent dies, even by
  ``kill -9``, even while a task is running, so no worker outlives the app. A task inside a long C call that
  holds the GIL keeps the watchdog from running: a worker of the forkserver also has the kernel kill it when
  the forkserver dies, which dies with the app (:mod:`harmony.workers.lifeline`).

Results that are lists, and results of generator functions, are streamed back in chunks of about
:data:`CHUNK_BYTES`, so the parent never decodes one huge message (decoding runs under the GIL and would stall
its event loop).
"""

from __future__ import annotations

import contextlib
import inspect
import logging
import multiprocessing
import os
import pickle
import queue
import signal
import sys
import threading
import traceback
from collections.abc import Callable, Iterable
from multiprocessing.connection import Connection, wait
from typing import Any, Final

from harmony.collector import freeze_for_life
from harmony.workers import protocol
from harmony.workers.errors import TaskCancelled
from harmony.workers.lifeline import die_with_parent
from harmony.workers.protocol import FunctionRef

__all__ = ["CHUNK_BYTES", "WORKER_NICENESS", "worker_main"]

log = logging.getLogger(__name__)

CHUNK_BYTES: Final = 128 * 1024
"""Target size of one streamed result chunk: the parent's loop decodes it in a few milliseconds."""

FIRST_CHUNK_ITEMS: Final = 256
"""Items in the first chunk of a streamed result; later chunks are sized from the bytes it took."""

WORKER_NICENESS: Final = 10
"""How far below the app's the workers' CPU priority is, so heavy jobs never starve the app's loop."""

EXIT_PARENT_GONE: Final = 0
EXIT_STARTUP_FAILED: Final = 70  # EX_SOFTWARE


def worker_main(conn: Connection, pool_name: str, initializer: FunctionRef | None) -> None:
    """Entry point of a worker process (the ``target`` of its ``multiprocessing.Process``)."""
    _Worker(conn, pool_name).serve(initializer)


def _forked_by_a_forkserver() -> bool:
    """Whether this worker's parent process is the forkserver (which dies with the app) rather than the app.

    A worker started with ``spawn`` is the child of an app thread that may end before the app does: the
    parent-death signal would kill it then, so it relies on its watchdog alone."""
    parent = multiprocessing.parent_process()
    return parent is not None and parent.pid != os.getppid()


class _CancelCheck:
    """A task's ``cancelled``: whether a cancel was asked for. :meth:`last_look` asks the pool, which alone decides
    whether a worker is killed, if the task may go past its last look (see :func:`harmony.progress.last_look`),
    and waits for the answer: once the pool has said yes it never kills the task for a cancel, and a task that
    hears no stops. So a commit cannot begin while a kill for a cancel is armed."""

    def __init__(self, event: threading.Event, lock: threading.Lock, ask_pool: Callable[[], None]) -> None:
        self._event = event
        self._lock = lock  # the worker's state lock, which the receiver holds while it takes a cancel in
        self._ask_pool = ask_pool
        self._answers: queue.SimpleQueue[bool] = queue.SimpleQueue()
        self._looking = threading.Lock()  # one question to the pool at a time, whatever thread asks
        self._ended = False
        self.past = False

    def __call__(self) -> bool:
        return self._event.is_set()

    def last_look(self) -> bool:
        with self._looking:
            if self.past:
                return False
            if self._event.is_set() or self._ended:
                return True
            self._ask_pool()
            go = self._answers.get()  # put by the receiver thread; a no when the task ends or the worker exits
            with self._lock:
                if go and not self._event.is_set() and not self._ended:
                    self.past = True
                    return False
                self._event.set()  # the pool asked the task to stop before it answered: a cancel, as any other
                return True

    def answer(self, go: bool) -> None:
        """The pool's answer to the last look (called on the receiver thread)."""
        self._answers.put(go)

    def end(self) -> None:
        """The task has returned: a thread of it still asking hears no (nothing may commit for it now), and one
        waiting for the pool's answer, which the receiver no longer delivers, is woken with a no."""
        with self._lock:
            self._ended = True
        self._answers.put(False)


class _Worker:
    """The state of one worker process."""

    def __init__(self, conn: Connection, pool_name: str) -> None:
        self.conn = conn
        self.pool_name = pool_name
        self.send_lock = threading.Lock()
        self.state_lock = threading.Lock()
        self.jobs: queue.SimpleQueue[tuple[int, bytes] | None] = queue.SimpleQueue()
        self.current_task: int | None = None
        self.cancel_event = threading.Event()
        self.cancel_check: _CancelCheck | None = None  # the current task's, once it asked for one
        self.queued_tasks: set[int] = set()  # received, not yet finished
        self.early_cancels: set[int] = set()  # cancels that arrived before their task started
        self.signature_cache: dict[Callable[..., Any], tuple[bool, bool]] = {}

    # -- life cycle ------------------------------------------------------------------------------------------

    def serve(self, initializer: FunctionRef | None) -> None:
        # Ctrl+C reaches the whole process group; the parent decides what stops, through the pipe.
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        if hasattr(os, "nice"):
            with contextlib.suppress(OSError):
                os.nice(WORKER_NICENESS)
        threading.Thread(target=self._watch_parent, name="harmony-worker-watchdog", daemon=True).start()
        if _forked_by_a_forkserver():
            # The watchdog cannot run while a task holds the GIL in a long C call; the kernel's signal can.
            die_with_parent()
        if initializer is not None:
            try:
                protocol.resolve_function(initializer)()
            except BaseException as error:
                detail = f"{type(error).__name__}: {error}"
                log.error("worker initializer %s failed: %s", ".".join(initializer), detail)
                self.send((protocol.STARTUP_FAILED, detail))
                os._exit(EXIT_STARTUP_FAILED)
        # What the worker holds now (the modules the forkserver preloaded, the initializer's state) lives as long
        # as the worker: out of the collector's reach, a full collection during a job (the export runs one after
        # planning) walks only the job's own objects.
        freeze_for_life()
        self.send((protocol.READY, os.getpid()))
        threading.Thread(target=self._receive, name="harmony-worker-receiver", daemon=True).start()
        while True:
            job = self.jobs.get()
            if job is None:
                break
            self._run(*job)
        self.conn.close()

    def _watch_parent(self) -> None:
        parent = multiprocessing.parent_process()
        if parent is None or parent.sentinel is None:
            return
        wait([parent.sentinel])
        # The app is gone (perhaps killed with -9): nobody will read our result. Leave at once, even mid-task.
        os._exit(EXIT_PARENT_GONE)

    def _receive(self) -> None:
        while True:
            try:
                message = protocol.decode(self.conn.recv_bytes())
            except (EOFError, OSError):
                os._exit(EXIT_PARENT_GONE)  # the parent closed our pipe or died
            kind = message[0]
            if kind == protocol.RUN:
                with self.state_lock:
                    self.queued_tasks.add(message[1])
                self.jobs.put((message[1], message[2]))
            elif kind == protocol.CANCEL:
                with self.state_lock:
                    if self.current_task == message[1]:
                        check = self.cancel_check
                        if check is None or not check.past:  # past its last look (the pool said so), it finishes
                            self.cancel_event.set()
                    elif message[1] in self.queued_tasks:
                        self.early_cancels.add(message[1])
                    # else: the task has already finished here; nothing to stop
            elif kind == protocol.LAST_LOOK:
                with self.state_lock:
                    check = self.cancel_check if self.current_task == message[1] else None
                if check is not None:
                    check.answer(bool(message[2]))
            elif kind == protocol.EXIT:
                with self.state_lock:
                    check = self.cancel_check
                if check is not None:  # the pool retires only idle workers; should it not, nothing waits forever
                    check.end()
                self.jobs.put(None)
                return

    def send(self, message: tuple[Any, ...]) -> None:
        frame = protocol.encode(message)
        with self.send_lock:
            self.conn.send_bytes(frame)

    # -- one task --------------------------------------------------------------------------------------------

    def _run(self, task_id: int, payload: bytes) -> None:
        cancel_event = threading.Event()
        with self.state_lock:
            self.current_task = task_id
            self.cancel_event = cancel_event
            if task_id in self.early_cancels:
                self.early_cancels.discard(task_id)
                cancel_event.set()
        try:
            module, qualname, args, kwargs = pickle.loads(payload)
            fn = protocol.resolve_function((module, qualname))
            kwargs = self._inject(fn, dict(kwargs), task_id, cancel_event)
            result = fn(*args, **kwargs)
            if inspect.isgenerator(result) or (type(result) is list and len(result) > FIRST_CHUNK_ITEMS):
                self._stream(task_id, result, cancel_event)
            else:
                self._send_result(task_id, result)
        except Exception as error:
            if cancel_event.is_set():
                self.send((protocol.CANCELLED, task_id))
            else:
                self._send_error(task_id, error)
        finally:
            with self.state_lock:
                check = self.cancel_check
                self.current_task = None
                self.cancel_check = None
                self.queued_tasks.discard(task_id)
                self.early_cancels.discard(task_id)
            if check is not None:
                check.end()

    def _inject(
        self, fn: Callable[..., Any], kwargs: dict[str, Any], task_id: int, cancel_event: threading.Event
    ) -> dict[str, Any]:
        """Pass ``progress`` and ``cancelled`` to a task whose signature asks for them."""
        wants = self.signature_cache.get(fn)
        if wants is None:
            try:
                parameters = inspect.signature(fn).parameters
            except (TypeError, ValueError):
                parameters = {}  # type: ignore[assignment]
            wants = ("progress" in parameters, "cancelled" in parameters)
            self.signature_cache[fn] = wants
        wants_progress, wants_cancelled = wants
        if wants_progress and "progress" not in kwargs:

            def progress(phase: str, percent: float, message: str, current_item: str | None = None) -> None:
                if cancel_event.is_set():
                    raise TaskCancelled("The task was cancelled while it was running.")
                self.send(
                    (
                        protocol.PROGRESS,
                        task_id,
                        str(phase),
                        float(percent),
                        str(message),
                        None if current_item is None else str(current_item),
                    )
                )

            kwargs["progress"] = progress
        if wants_cancelled and "cancelled" not in kwargs:
            check = _CancelCheck(cancel_event, self.state_lock, lambda: self.send((protocol.PAST_CANCEL, task_id)))
            with self.state_lock:
                self.cancel_check = check
            kwargs["cancelled"] = check
        return kwargs

    def _send_result(self, task_id: int, result: Any) -> None:
        try:
            frame = protocol.encode((protocol.OK, task_id, result))
        except Exception as error:
            raise TypeError(f"the task's result cannot be sent back from the worker: {error}") from error
        with self.send_lock:
            self.conn.send_bytes(frame)

    def _stream(self, task_id: int, items: Iterable[Any], cancel_event: threading.Event) -> None:
        """Send ``items`` in chunks of about :data:`CHUNK_BYTES`, then say the result is complete."""
        batch: list[Any] = []
        batch_size = FIRST_CHUNK_ITEMS
        for item in items:
            if cancel_event.is_set():
                raise TaskCancelled("The task was cancelled while it was running.")
            batch.append(item)
            if len(batch) >= batch_size:
                batch_size = self._send_chunk(task_id, batch, batch_size)
                batch = []
        if batch:
            self._send_chunk(task_id, batch, batch_size)
        self.send((protocol.OK_ITEMS, task_id))

    def _send_chunk(self, task_id: int, batch: list[Any], batch_size: int) -> int:
        try:
            frame = protocol.encode((protocol.ITEMS, task_id, batch))
        except Exception as error:
            raise TypeError(f"the task's result cannot be sent back from the worker: {error}") from error
        with self.send_lock:
            self.conn.send_bytes(frame)
        # Size the next chunk so it lands near CHUNK_BYTES, changing by at most 4x at a time.
        scaled = int(batch_size * CHUNK_BYTES / max(1, len(frame)))
        return max(1, min(batch_size * 4, max(batch_size // 4, scaled)))

    def _send_error(self, task_id: int, error: BaseException) -> None:
        text = "".join(traceback.format_exception(error))
        exc_bytes: bytes | None
        try:
            exc_bytes = pickle.dumps(error, protocol=protocol.PICKLE_PROTOCOL)
            pickle.loads(exc_bytes)  # an exception that pickles but cannot be rebuilt is no use to the parent
        except Exception:
            exc_bytes = None
        type_name = f"{type(error).__module__}.{type(error).__qualname__}"
        try:
            message = str(error)
        except Exception:
            message = repr(error)
        self.send((protocol.ERR, task_id, exc_bytes, type_name, message, text))


if __name__ == "__main__":  # pragma: no cover - a worker is never started this way
    sys.exit("harmony.workers.child is started by a WorkerPool, not run directly")
