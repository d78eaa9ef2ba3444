"""The parent's handle on one worker process, and the thread that starts it and reads its pipe.

All pool state lives on the event loop's thread. The only blocking work — starting the process (which can take
100 ms the first time, while the forkserver starts) and waiting for its messages or its death — happens on one
helper thread per worker. That thread hands what it read to the loop through the loop's shared inbox
(:mod:`harmony.workers.inbox`), which also bounds how long the loop spends on worker messages at a time.
"""

from __future__ import annotations

import asyncio
import contextlib
import enum
import itertools
import logging
import threading
import time
from collections.abc import Callable
from multiprocessing.connection import Connection, wait
from multiprocessing.context import BaseContext
from multiprocessing.process import BaseProcess
from typing import TYPE_CHECKING, Any

from harmony.workers import cleanup, protocol
from harmony.workers.child import worker_main
from harmony.workers.context import launching_worker, warm_up
from harmony.workers.inbox import inbox_for
from harmony.workers.protocol import FunctionRef

if TYPE_CHECKING:
    from harmony.workers.task import Task

__all__ = ["WorkerEvent", "WorkerProcess", "WorkerState"]

log = logging.getLogger(__name__)

_ids = itertools.count(1)


class WorkerState(enum.Enum):
    STARTING = "starting"  # process starting, not yet ready
    IDLE = "idle"  # ready, no task
    BUSY = "busy"  # running a task (or winding one down after a cancel)
    STOPPING = "stopping"  # asked to exit, or being killed


class WorkerEvent(enum.Enum):
    STARTED = "started"  # data: pid
    MESSAGE = "message"  # data: one undecoded frame
    EXITED = "exited"  # data: exit code (None if the process never started)
    START_FAILED = "start_failed"  # data: why Process.start() raised


WorkerHandler = Callable[["WorkerProcess", WorkerEvent, Any], None]


class WorkerProcess:
    """One worker process as the pool sees it.

    Every attribute is read and written on the loop thread only, except the process object, which the helper
    thread starts under the start lock.
    """

    def __init__(
        self,
        pool_name: str,
        context: BaseContext,
        initializer: FunctionRef | None,
        loop: asyncio.AbstractEventLoop,
        handler: WorkerHandler,
    ) -> None:
        self.id = next(_ids)
        self.pool_name = pool_name
        self.state = WorkerState.STARTING
        self.pid: int | None = None
        self.task: Task | None = None
        self.tasks_done = 0
        self.stop_requested = False  # the pool retired or killed it: its exit is no crash
        self.startup_detail = ""
        self.idle_timer: asyncio.TimerHandle | None = None
        self.kill_timer: asyncio.TimerHandle | None = None
        self.started_at = time.perf_counter()

        self._loop = loop
        self._handler = handler
        self._conn, child_conn = context.Pipe(duplex=True)
        self._child_conn: Connection | None = child_conn
        self._context = context
        self._process: BaseProcess = context.Process(  # type: ignore[attr-defined]
            target=worker_main,
            args=(child_conn, pool_name, initializer),
            name=f"harmony-{pool_name}-worker-{self.id}",
            daemon=True,
        )
        self._start_lock = threading.Lock()
        self._started = False
        self._kill_requested = False
        self._inbox = inbox_for(loop)
        self._sender = self._inbox.sender()
        self._thread = threading.Thread(target=self._run, name=f"harmony-{pool_name}-reader-{self.id}", daemon=True)

    def __repr__(self) -> str:
        return f"<WorkerProcess {self.pool_name}#{self.id} pid={self.pid} {self.state.value}>"

    def start(self) -> None:
        """Start the process on the helper thread; the loop hears back through the handler."""
        self._thread.start()

    def send(self, message: tuple[Any, ...]) -> bool:
        """Send one message to the worker.

        False if the pipe is broken: the worker is dying, and its exit event will follow.
        """
        try:
            self._conn.send_bytes(protocol.encode(message))
        except (OSError, ValueError):
            return False
        return True

    def kill(self) -> None:
        """Kill the process now (or as soon as it has started). Its exit is reported through the handler."""
        self.stop_requested = True
        self.state = WorkerState.STOPPING
        self._abandon()

    def kill_process(self) -> None:
        """Kill the process if it has started, taking no lock and changing no state (for signal handlers)."""
        with contextlib.suppress(OSError, ValueError, AttributeError):
            self._process.kill()

    # -- helper thread ---------------------------------------------------------------------------------------

    def _run(self) -> None:
        process = self._process
        try:
            # The forkserver must not be started from this thread: it ends with the worker, and the forkserver
            # dies with the thread that started it (see harmony.workers.lifeline). A no-op once it runs.
            warm_up(self._context)
            with self._start_lock, launching_worker():
                process.start()
                self._started = True
                cleanup.register(process)
                if self._kill_requested:
                    process.kill()
        except BaseException as error:
            log.error("could not start a %s worker: %s", self.pool_name, error)
            self._post(WorkerEvent.START_FAILED, f"{type(error).__name__}: {error}")
            self._post(WorkerEvent.EXITED, None)
            self._close_conns()
            return
        if self._child_conn is not None:
            self._child_conn.close()  # only the worker holds its end now, so its death gives us EOF
            self._child_conn = None
        self._post(WorkerEvent.STARTED, process.pid)
        try:
            self._read(process)
        finally:
            process.join()
            cleanup.unregister(process)
            exitcode = process.exitcode
            self._close_conns()
            self._post(WorkerEvent.EXITED, exitcode)
            with contextlib.suppress(ValueError):
                process.close()

    def _read(self, process: BaseProcess) -> None:
        conn = self._conn
        sentinel = process.sentinel
        while True:
            ready = wait([conn, sentinel])
            if conn in ready:
                try:
                    frame = conn.recv_bytes()
                except (EOFError, OSError):
                    return
                if not self._post(WorkerEvent.MESSAGE, frame):
                    return
                continue
            # The process has ended. Read what it sent just before (a worker recycled after its last task
            # exits right after sending the result; that result must not be lost or read as a crash).
            try:
                while conn.poll(0):
                    if not self._post(WorkerEvent.MESSAGE, conn.recv_bytes()):
                        return
            except (EOFError, OSError):
                pass
            return

    def _post(self, event: WorkerEvent, data: Any) -> bool:
        """Queue an event for the loop; False once the loop is gone (the worker is then killed)."""
        if self._inbox.post(self._sender, self._deliver, (event, data)):
            return True
        self._abandon()
        return False

    def _deliver(self, item: tuple[WorkerEvent, Any]) -> None:
        event, data = item
        self._handler(self, event, data)

    def _abandon(self) -> None:
        with self._start_lock:
            self._kill_requested = True
            if not self._started:
                return
        with contextlib.suppress(OSError, ValueError, AttributeError):
            self._process.kill()

    def _close_conns(self) -> None:
        for conn in (self._conn, self._child_conn):
            if conn is not None:
                with contextlib.suppress(OSError):
                    conn.close()
