"""``WorkerPool``: runs importable functions in background worker processes, asyncio-first.

The pool is a single-threaded state machine on the event loop: a FIFO queue of tasks, a set of workers, timers
for idle retirement, timeouts and kills. Each worker has a helper thread (see :mod:`harmony.workers.process`)
that does the blocking parts — starting the process, reading its pipe — and hands events back to the loop.

Policies, in short (``docs/workers.md`` gives the reasons):

* ``min_workers`` start at once and are kept; more start on demand up to ``max_workers``; a worker above the
  minimum that stays idle for ``idle_timeout`` seconds exits; ``max_tasks_per_worker`` recycles a worker.
* A task's exception fails only its call, re-raised as itself with the worker's traceback as ``__cause__``.
* A worker that dies fails only its task (``WorkerCrashedError``) and is replaced. A worker that dies before
  it is ready fails the waiting work with ``WorkerStartupError`` and is *not* replaced until new work arrives.
* Cancelling (asyncio or :class:`~harmony.workers.cancel.CancelToken`) drops a queued task at once; a running
  one is asked to stop and its worker is killed if it has not stopped after ``cancel_grace`` seconds. A
  timeout counts from dispatch and ends the task the same way. A call cancelled through asyncio ends at once;
  a call cancelled by its token, or out of time, ends with the worker's answer: cancelled (or timed out) if
  the task stopped or was killed, its result if it finished first. So a task whose work was done (an import
  that committed) is never reported as stopped. A task takes its last look at a cancel
  (:func:`harmony.progress.last_look`, just before a commit) by asking the pool: let past, it is not killed for
  a cancel and finishes; asked to stop before the pool answered, it stops.
* ``retries`` re-runs a call after a worker crash or a :class:`~harmony.workers.errors.TransientError`, ahead
  of the queue; never after a timeout or a cancellation.
"""

from __future__ import annotations

import asyncio
import contextlib
import inspect
import itertools
import logging
import pickle
import time
from collections import deque
from collections.abc import Callable, Sequence
from typing import Any

from harmony.workers import context as start_methods
from harmony.workers import protocol
from harmony.workers.cancel import CancelToken
from harmony.workers.errors import (
    PoolClosedError,
    QueueFullError,
    RemoteError,
    RemoteTraceback,
    TaskCancelled,
    TaskTimeoutError,
    TransientError,
    WorkerCrashedError,
    WorkerStartupError,
)
from harmony.workers.process import WorkerEvent, WorkerProcess, WorkerState
from harmony.workers.progress import Progress, ProgressCallback
from harmony.workers.protocol import FunctionRef
from harmony.workers.stats import LatencyWindow, PoolStats
from harmony.workers.task import Outcome, Task

__all__ = ["WorkerPool"]

log = logging.getLogger(__name__)

_task_ids = itertools.count(1)


class WorkerPool:
    """A pool of worker processes that runs top-level functions and streams their progress.

    Create it anywhere; it binds to the event loop of its first ``run()`` (or at once, if created inside a
    running loop, so ``min_workers`` start immediately). Only use it from that loop's thread.

    Options: ``name`` labels logs, errors and progress (``Progress.operation``); ``max_workers`` /
    ``min_workers`` bound the processes; ``idle_timeout`` (s) retires idle workers above the minimum;
    ``max_queue`` bounds the tasks waiting for a busy worker (None: unbounded); ``task_timeout`` (s) is the
    default per-call timeout; ``cancel_grace`` (s) is how long a cancelled task may take to stop before its
    worker is killed; ``max_tasks_per_worker`` recycles workers; ``start_method`` is ``"forkserver"`` or
    ``"spawn"`` (None: forkserver on Linux, spawn elsewhere). ``initializer`` is an importable function each
    worker runs once before taking work (e.g. to set resource limits); if it fails, that is a startup failure.
    """

    def __init__(
        self,
        name: str = "sync",
        max_workers: int = 2,
        min_workers: int = 0,
        idle_timeout: float = 60.0,
        max_queue: int | None = None,
        task_timeout: float | None = None,
        cancel_grace: float = 3.0,
        max_tasks_per_worker: int | None = None,
        start_method: str | None = None,
        *,
        initializer: Callable[[], Any] | None = None,
    ) -> None:
        if max_workers < 1:
            raise ValueError("max_workers must be at least 1")
        if not 0 <= min_workers <= max_workers:
            raise ValueError("min_workers must be between 0 and max_workers")
        if idle_timeout < 0 or cancel_grace < 0:
            raise ValueError("idle_timeout and cancel_grace cannot be negative")
        if max_queue is not None and max_queue < 0:
            raise ValueError("max_queue cannot be negative")
        if task_timeout is not None and task_timeout <= 0:
            raise ValueError("task_timeout must be positive")
        if max_tasks_per_worker is not None and max_tasks_per_worker < 1:
            raise ValueError("max_tasks_per_worker must be at least 1")
        self.name = name
        self.max_workers = max_workers
        self.min_workers = min_workers
        self.idle_timeout = idle_timeout
        self.max_queue = max_queue
        self.task_timeout = task_timeout
        self.cancel_grace = cancel_grace
        self.max_tasks_per_worker = max_tasks_per_worker
        self._context = start_methods.get_context(start_method)
        self.start_method = self._context.get_start_method()
        self._initializer: FunctionRef | None = protocol.function_ref(initializer) if initializer else None

        self._loop: asyncio.AbstractEventLoop | None = None
        self._queue: deque[Task] = deque()
        self._workers: dict[WorkerProcess, None] = {}  # insertion-ordered set
        self._closing = False
        self._destroyed = False
        self._startup_blocked = False  # a worker died while starting: start no more until new work arrives
        self._all_exited: asyncio.Event | None = None
        self._callback_tasks: set[asyncio.Future[Any]] = set()
        self._counts = dict.fromkeys(Outcome, 0)
        self._submitted = 0
        self._retried = 0
        self._startup_failures = 0
        self._run_times = LatencyWindow()
        self._wait_times = LatencyWindow()
        self._start_times = LatencyWindow()
        try:
            asyncio.get_running_loop()
        except RuntimeError:
            return
        self._bind()
        self._pump()

    def __repr__(self) -> str:
        return f"<WorkerPool {self.name!r} workers={len(self._workers)} queued={len(self._queue)}>"

    # -- public API ------------------------------------------------------------------------------------------

    async def start(self) -> None:
        """Start ``min_workers`` (and the forkserver) now and wait until they are ready. Optional."""
        loop = self._bind()
        await loop.run_in_executor(None, start_methods.warm_up, self._context)
        self._pump()
        while any(w.state is WorkerState.STARTING for w in self._workers):
            await asyncio.sleep(0.005)

    async def run(
        self,
        fn: Callable[..., Any],
        /,
        *args: Any,
        on_progress: ProgressCallback | None = None,
        timeout: float | None = None,
        retries: int = 0,
        cancel_token: CancelToken | None = None,
        **kwargs: Any,
    ) -> Any:
        """Run ``fn(*args, **kwargs)`` in a worker and return its result.

        ``on_progress`` receives a :class:`Progress` for each report the task makes, on this loop, in order,
        before the result. ``timeout`` (default: the pool's ``task_timeout``) counts from dispatch.
        ``retries`` re-runs the call after a crash or a ``TransientError``. ``cancel_token`` cancels it from
        elsewhere. List and generator results come back as lists, streamed in chunks.

        Raises the task's own exception (or :class:`RemoteError`), :class:`WorkerCrashedError`,
        :class:`TaskTimeoutError`, :class:`TaskCancelled`, :class:`QueueFullError` or
        :class:`PoolClosedError`.
        """
        task = self._submit(fn, args, kwargs, on_progress, timeout, retries, cancel_token)
        try:
            return await task.future
        except asyncio.CancelledError:
            self._cancel(task, Outcome.CANCELLED)
            raise

    def stats(self) -> PoolStats:
        """A snapshot of the pool's workers, queue, outcomes and timings."""
        workers = list(self._workers)
        return PoolStats(
            name=self.name,
            total_workers=len(workers),
            busy_workers=sum(1 for w in workers if w.task is not None),
            idle_workers=sum(1 for w in workers if w.state is WorkerState.IDLE),
            starting_workers=sum(1 for w in workers if w.state is WorkerState.STARTING),
            queued_tasks=len(self._queue),
            submitted=self._submitted,
            completed=self._counts[Outcome.COMPLETED],
            failed=self._counts[Outcome.FAILED],
            cancelled=self._counts[Outcome.CANCELLED],
            timed_out=self._counts[Outcome.TIMED_OUT],
            crashed=self._counts[Outcome.CRASHED],
            retried=self._retried,
            startup_failures=self._startup_failures,
            run_time=self._run_times.summary(),
            wait_time=self._wait_times.summary(),
            start_time=self._start_times.summary(),
        )

    def worker_pids(self) -> list[int]:
        """Process ids of the pool's started workers (for diagnostics and tests)."""
        return [w.pid for w in self._workers if w.pid is not None]

    @property
    def closed(self) -> bool:
        """True once ``close()`` or ``destroy()`` was called: the pool takes no more work."""
        return self._closing

    async def close(self) -> None:
        """Stop taking work, finish what is queued and running, then let every worker exit."""
        self._closing = True
        if self._loop is None:
            return
        self._bind()
        self._pump()
        await self._wait_all_exited()

    async def destroy(self) -> None:
        """Stop now: every queued and running task fails with :class:`PoolClosedError`; workers are killed."""
        self._closing = True
        self._destroyed = True
        if self._loop is None:
            return
        self._bind()
        self.kill_now()
        await self._wait_all_exited()

    def kill_processes(self) -> None:
        """Kill every worker process and touch nothing else.

        Safe in a signal handler that may have interrupted the pool in the middle of an update; the pool hears
        of the exits as usual, through its reader threads.
        """
        for worker in list(self._workers):
            worker.kill_process()

    def request_kill_now(self) -> None:
        """Schedule :meth:`kill_now` on the pool's loop; callable from any thread or a signal handler."""
        loop = self._loop
        if loop is None or loop.is_closed():
            return
        with contextlib.suppress(RuntimeError):
            loop.call_soon_threadsafe(self.kill_now)

    def kill_now(self) -> None:
        """The synchronous part of :meth:`destroy` (fail everything, kill every worker).

        Safe in a signal handler or an exit hook."""
        self._closing = True
        self._destroyed = True
        error = PoolClosedError(self.name, "the pool was destroyed")
        while self._queue:
            self._settle(self._queue.popleft(), Outcome.FAILED, error=error)
        for worker in list(self._workers):
            if worker.task is not None and not worker.task.settled:
                self._settle(worker.task, Outcome.FAILED, error=error)
            worker.kill()

    # -- submitting and dispatching --------------------------------------------------------------------------

    def _bind(self) -> asyncio.AbstractEventLoop:
        loop = asyncio.get_running_loop()
        if self._loop is loop:
            return loop
        if self._loop is not None and not self._loop.is_closed() and (self._workers or self._queue):
            raise RuntimeError(f"the {self.name} pool is in use by another event loop")
        # Left over from a loop that was closed without closing the pool (a CLI calling asyncio.run() twice):
        # those workers and tasks belong to a loop that is gone.
        for worker in list(self._workers):
            worker.kill()
        self._workers.clear()
        self._queue.clear()
        self._loop = loop
        self._all_exited = asyncio.Event()
        return loop

    def _submit(
        self,
        fn: Callable[..., Any],
        args: Sequence[Any],
        kwargs: dict[str, Any],
        on_progress: ProgressCallback | None,
        timeout: float | None,
        retries: int,
        cancel_token: CancelToken | None,
    ) -> Task:
        loop = self._bind()
        if self._closing:
            raise PoolClosedError(self.name)
        if retries < 0:
            raise ValueError("retries cannot be negative")
        if timeout is not None and timeout <= 0:
            raise ValueError("timeout must be positive")
        if cancel_token is not None and cancel_token.cancelled:
            raise TaskCancelled("The task was cancelled before it started.")
        ref = protocol.function_ref(fn)
        try:
            payload = pickle.dumps((ref[0], ref[1], tuple(args), kwargs), protocol=protocol.PICKLE_PROTOCOL)
        except Exception as error:
            raise TypeError(f"the arguments of {'.'.join(ref)} cannot be sent to a worker: {error}") from error
        if self.max_queue is not None and self._waiting_beyond_capacity() >= self.max_queue:
            raise QueueFullError(self.name, self.max_queue)
        task = Task(
            id=next(_task_ids),
            ref=ref,
            payload=payload,
            future=loop.create_future(),
            on_progress=on_progress,
            timeout=timeout if timeout is not None else self.task_timeout,
            retries_left=retries,
            enqueued_at=time.perf_counter(),
        )
        self._submitted += 1
        self._queue.append(task)
        if cancel_token is not None:
            task.unregister_cancel = cancel_token.add_callback(lambda: self._cancel_threadsafe(task))
        self._startup_blocked = False  # new work: one more try at starting workers, never a respawn loop
        self._pump()
        return task

    def _waiting_beyond_capacity(self) -> int:
        """Queued tasks that will have to wait for a busy worker (what ``max_queue`` bounds)."""
        busy = sum(1 for w in self._workers if w.task is not None)
        return len(self._queue) - (self.max_workers - busy)

    def _pump(self) -> None:
        """Dispatch queued tasks to idle workers, start workers that are needed, retire ones that are not."""
        if self._loop is None:
            return
        if not self._destroyed:
            self._pump_work()
        self._check_all_exited()

    def _pump_work(self) -> None:
        if self._queue:
            for worker in list(self._workers):
                if not self._queue:
                    break
                if worker.state is WorkerState.IDLE:
                    self._dispatch(worker, self._queue.popleft())
        if not self._startup_blocked:
            starting = sum(1 for w in self._workers if w.state is WorkerState.STARTING)
            needed = len(self._queue) - starting
            while needed > 0 and len(self._workers) < self.max_workers:
                self._spawn()
                needed -= 1
            if not self._closing:
                live = sum(1 for w in self._workers if w.state is not WorkerState.STOPPING)
                while live < self.min_workers and len(self._workers) < self.max_workers:
                    self._spawn()
                    live += 1
        if self._closing and not self._queue:
            for worker in list(self._workers):
                if worker.state is WorkerState.IDLE:
                    self._retire(worker)

    def _spawn(self) -> None:
        assert self._loop is not None
        worker = WorkerProcess(self.name, self._context, self._initializer, self._loop, self._on_worker_event)
        self._workers[worker] = None
        log.debug("starting %r", worker)
        worker.start()

    def _dispatch(self, worker: WorkerProcess, task: Task) -> None:
        assert self._loop is not None
        if worker.idle_timer is not None:
            worker.idle_timer.cancel()
            worker.idle_timer = None
        worker.state = WorkerState.BUSY
        worker.task = task
        task.worker = worker
        task.items = []
        task.dispatched_at = time.perf_counter()
        self._wait_times.add(task.dispatched_at - task.enqueued_at)
        if task.timeout is not None:
            task.timeout_handle = self._loop.call_later(task.timeout, self._cancel, task, Outcome.TIMED_OUT)
        # A failed send means the worker is dying; its exit event fails (or retries) the task.
        worker.send((protocol.RUN, task.id, task.payload))

    def _retire(self, worker: WorkerProcess) -> None:
        """Ask an idle worker to exit (idle timeout, recycling, close)."""
        if worker.idle_timer is not None:
            worker.idle_timer.cancel()
            worker.idle_timer = None
        worker.state = WorkerState.STOPPING
        worker.stop_requested = True
        if not worker.send((protocol.EXIT,)):
            worker.kill()

    def _retire_if_idle(self, worker: WorkerProcess) -> None:
        worker.idle_timer = None
        live = sum(1 for w in self._workers if w.state is not WorkerState.STOPPING)
        if worker.state is WorkerState.IDLE and live > self.min_workers:
            log.debug("retiring idle %r", worker)
            self._retire(worker)

    def _became_idle(self, worker: WorkerProcess) -> None:
        assert self._loop is not None
        worker.state = WorkerState.IDLE
        if (
            self.max_tasks_per_worker is not None
            and worker.tasks_done >= self.max_tasks_per_worker
            and not self._closing
        ):
            self._retire(worker)  # recycled; _pump starts a fresh one if needed
            return
        live = sum(1 for w in self._workers if w.state is not WorkerState.STOPPING)
        if not self._closing and live > self.min_workers and worker.idle_timer is None:
            worker.idle_timer = self._loop.call_later(self.idle_timeout, self._retire_if_idle, worker)

    # -- events from workers ---------------------------------------------------------------------------------

    def _on_worker_event(self, worker: WorkerProcess, event: WorkerEvent, data: Any) -> None:
        if event is WorkerEvent.MESSAGE:
            self._on_message(worker, data)
        elif event is WorkerEvent.STARTED:
            worker.pid = data
        elif event is WorkerEvent.START_FAILED:
            worker.startup_detail = str(data)
        elif event is WorkerEvent.EXITED:
            self._on_exit(worker, data)

    def _on_message(self, worker: WorkerProcess, frame: bytes) -> None:
        try:
            message = protocol.decode(frame)
        except Exception as error:
            # Undecodable (a result whose class the app cannot import?): fail the task, replace the worker.
            task = worker.task
            if task is not None and not task.settled:
                failure = RemoteError(
                    type(error).__qualname__, f"a message from the worker could not be read: {error}", ""
                )
                self._settle(task, Outcome.FAILED, error=failure)
            worker.kill()
            return
        kind = message[0]
        if kind == protocol.READY:
            if worker.state is WorkerState.STARTING:
                self._start_times.add(time.perf_counter() - worker.started_at)
                self._startup_blocked = False
                self._became_idle(worker)
                self._pump()
            return
        if kind == protocol.STARTUP_FAILED:
            worker.startup_detail = str(message[1])
            return
        task = worker.task
        if task is None or task.id != message[1]:
            log.debug("ignoring %s for a task %r no longer runs", kind, worker)
            if kind == protocol.PAST_CANCEL:
                worker.send((protocol.LAST_LOOK, message[1], False))  # whatever asks must stop, not wait
            return
        if kind == protocol.PROGRESS:
            if not task.settled:
                self._deliver_progress(task, Progress(self.name, message[2], message[3], message[4], message[5]))
        elif kind == protocol.PAST_CANCEL:
            # The task waits for this answer before its commit. Decided here, on the loop, where a kill is armed:
            # a task asked to stop before this stops (its kill stays armed); one let past is never killed for a
            # cancel, so no kill can land in its commit.
            go = task.past_cancel or (task.stopping is None and not task.settled)  # once let past, always
            task.past_cancel = go
            worker.send((protocol.LAST_LOOK, task.id, go))
        elif kind == protocol.ITEMS:
            if not task.settled:
                task.items.extend(message[2])
        else:
            self._on_task_end(worker, task, message)

    def _on_task_end(self, worker: WorkerProcess, task: Task, message: tuple[Any, ...]) -> None:
        kind = message[0]
        worker.task = None
        worker.tasks_done += 1
        if worker.kill_timer is not None:
            worker.kill_timer.cancel()
            worker.kill_timer = None
        if not task.settled:
            # A task asked to stop that finished first counts as finished: its work is done.
            if kind == protocol.OK:
                self._settle(task, Outcome.COMPLETED, result=message[2])
            elif kind == protocol.OK_ITEMS:
                self._settle(task, Outcome.COMPLETED, result=task.items)
            elif kind == protocol.ERR:
                error = _rebuild_error(*message[2:])
                if isinstance(error, TransientError) and task.retries_left > 0 and task.stopping is None:
                    self._requeue(task, error)
                elif isinstance(error, TaskCancelled):  # the task gave up by itself
                    self._settle_stopped(task, error)
                else:
                    self._settle(task, Outcome.FAILED, error=error)
            else:  # the task stopped after a cancel request (or raised TaskCancelled itself)
                self._settle_stopped(task, TaskCancelled())
        task.items = []
        if worker.state is not WorkerState.STOPPING:
            self._became_idle(worker)
        self._pump()

    def _on_exit(self, worker: WorkerProcess, exitcode: int | None) -> None:
        self._workers.pop(worker, None)
        for timer in (worker.idle_timer, worker.kill_timer):
            if timer is not None:
                timer.cancel()
        task, worker.task = worker.task, None
        if worker.state is WorkerState.STARTING and not worker.stop_requested:
            self._on_startup_failure(worker, exitcode)
        elif task is not None and task.stopping is not None and not task.past_cancel and not task.settled:
            self._settle_stopped(task, None)  # killed after cancel_grace, or died while asked to stop
        elif task is not None and not task.settled:
            error = WorkerCrashedError(self.name, worker.pid, exitcode, task.label)
            log.warning("%s", error)
            if task.retries_left > 0 and task.stopping is None:  # never retried once asked to stop
                self._requeue(task, error)
            else:
                self._settle(task, Outcome.CRASHED, error=error)
        elif not worker.stop_requested:
            log.warning("an idle %s worker (pid %s) died with exit code %s", self.name, worker.pid, exitcode)
        self._pump()

    def _on_startup_failure(self, worker: WorkerProcess, exitcode: int | None) -> None:
        self._startup_failures += 1
        self._startup_blocked = True
        error = WorkerStartupError(self.name, worker.pid, exitcode, worker.startup_detail)
        log.error("%s", error)
        if any(w.state is not WorkerState.STOPPING for w in self._workers):
            return  # other workers are ready or still starting; they will take (or fail) the queue
        while self._queue:
            self._settle(self._queue.popleft(), Outcome.FAILED, error=error)

    # -- ending tasks ----------------------------------------------------------------------------------------

    def _cancel_threadsafe(self, task: Task) -> None:
        loop = self._loop
        if loop is None or loop.is_closed():
            return
        with contextlib.suppress(RuntimeError):
            loop.call_soon_threadsafe(self._cancel, task, Outcome.CANCELLED)

    def _cancel(self, task: Task, outcome: Outcome) -> None:
        """End a task by cancel or timeout: drop it if queued, else ask it to stop and arm the kill; a running
        task is settled by its worker's answer (see :meth:`_on_task_end`) or by the kill."""
        if task.settled or task.stopping is not None:
            return
        worker = task.worker
        if outcome is Outcome.TIMED_OUT:
            assert task.timeout is not None
            error: Exception = TaskTimeoutError(self.name, task.timeout, task.label)
        else:
            error = TaskCancelled()
        if worker is None or worker.task is not task:
            with contextlib.suppress(ValueError):
                self._queue.remove(task)
            self._settle(task, outcome, error=error)
            return
        task.stopping = (outcome, error)
        if task.timeout_handle is not None:
            task.timeout_handle.cancel()
            task.timeout_handle = None
        log.debug("stopping %s on %r (%s)", task.label, worker, outcome.value)
        if task.past_cancel:
            return  # past its last look at a cancel: it finishes, and its answer settles it
        if worker.send((protocol.CANCEL, task.id)) and self._loop is not None:
            worker.kill_timer = self._loop.call_later(self.cancel_grace, self._kill_if_still_running, worker, task)
        else:
            worker.kill()

    def _settle_stopped(self, task: Task, error: BaseException | None) -> None:
        """Settle a task that stopped without finishing: as it was asked to (cancelled or timed out), else as
        cancelled by itself with ``error``."""
        if task.stopping is not None:
            outcome, asked = task.stopping
            self._settle(task, outcome, error=asked)
        else:
            self._settle(task, Outcome.CANCELLED, error=error or TaskCancelled())

    def _kill_if_still_running(self, worker: WorkerProcess, task: Task) -> None:
        worker.kill_timer = None
        if worker.task is task:
            log.info("killing %r: %s did not stop within %g s", worker, task.label, self.cancel_grace)
            worker.kill()

    def _requeue(self, task: Task, error: Exception) -> None:
        """Retry ``task`` ahead of the queue after ``error``."""
        task.retries_left -= 1
        self._retried += 1
        if task.timeout_handle is not None:
            task.timeout_handle.cancel()
            task.timeout_handle = None
        task.worker = None
        task.dispatched_at = None
        task.items = []
        task.past_cancel = False  # the new attempt takes its own last look
        log.info("retrying %s after %s", task.label, type(error).__name__)
        self._queue.appendleft(task)

    def _settle(self, task: Task, outcome: Outcome, *, result: Any = None, error: BaseException | None = None) -> None:
        """Record how ``task`` ended and resolve its future (once)."""
        if task.settled:
            return
        task.outcome = outcome
        self._counts[outcome] += 1
        if task.dispatched_at is not None:
            self._run_times.add(time.perf_counter() - task.dispatched_at)
        if task.timeout_handle is not None:
            task.timeout_handle.cancel()
            task.timeout_handle = None
        if task.unregister_cancel is not None:
            task.unregister_cancel()
            task.unregister_cancel = None
        if task.future.done():
            return  # the caller's asyncio task was cancelled
        if error is not None:
            task.future.set_exception(error)
        else:
            task.future.set_result(result)

    def _deliver_progress(self, task: Task, report: Progress) -> None:
        callback = task.on_progress
        if callback is None:
            return
        try:
            outcome = callback(report)
        except Exception:
            log.exception("the progress callback of %s failed", task.label)
            return
        if inspect.isawaitable(outcome):
            future = asyncio.ensure_future(outcome)
            self._callback_tasks.add(future)
            future.add_done_callback(self._callback_done)

    def _callback_done(self, future: asyncio.Future[Any]) -> None:
        self._callback_tasks.discard(future)
        if not future.cancelled() and future.exception() is not None:
            log.error("a progress callback failed", exc_info=future.exception())

    # -- shutting down ---------------------------------------------------------------------------------------

    def _check_all_exited(self) -> None:
        if self._closing and not self._workers and not self._queue and self._all_exited is not None:
            self._all_exited.set()

    async def _wait_all_exited(self) -> None:
        self._check_all_exited()
        assert self._all_exited is not None
        await self._all_exited.wait()


def _rebuild_error(exc_bytes: bytes | None, type_name: str, text: str, remote_tb: str) -> BaseException:
    """The task's exception as the caller should see it: itself if it unpickles, else a RemoteError."""
    error: BaseException | None = None
    if exc_bytes is not None:
        try:
            loaded = pickle.loads(exc_bytes)
        except Exception:
            loaded = None
        if isinstance(loaded, BaseException):
            error = loaded
    if error is None:
        error = RemoteError(type_name, text, remote_tb)
    error.__cause__ = RemoteTraceback(remote_tb)
    return error
