"""The pool's record of one submitted task (loop-thread only)."""

from __future__ import annotations

import asyncio
import enum
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from harmony.workers.progress import ProgressCallback
from harmony.workers.protocol import FunctionRef

if TYPE_CHECKING:
    from harmony.workers.process import WorkerProcess

__all__ = ["Outcome", "Task"]


class Outcome(enum.Enum):
    """How a task ended; each submitted task ends exactly once."""

    COMPLETED = "completed"
    FAILED = "failed"
    CANCELLED = "cancelled"
    TIMED_OUT = "timed_out"
    CRASHED = "crashed"


@dataclass(eq=False, slots=True)
class Task:
    id: int
    ref: FunctionRef
    payload: bytes  # pickled (module, qualname, args, kwargs), made once at submit and reused by retries
    future: asyncio.Future[Any]
    on_progress: ProgressCallback | None
    timeout: float | None
    retries_left: int
    enqueued_at: float
    dispatched_at: float | None = None
    worker: WorkerProcess | None = None
    items: list[Any] = field(default_factory=list)
    timeout_handle: asyncio.TimerHandle | None = None
    unregister_cancel: Callable[[], None] | None = None
    outcome: Outcome | None = None
    #: A running task asked to stop (cancelled or out of time): the outcome and error it ends with, unless its
    #: worker answers that it finished first. Set once; the task stays unsettled until the worker answers or
    #: is killed.
    stopping: tuple[Outcome, BaseException] | None = None
    #: The task took its last look at a cancel (``harmony.progress.last_look``): it is not killed for one.
    past_cancel: bool = False

    @property
    def label(self) -> str:
        """``module.function``, for messages and logs."""
        return ".".join(self.ref)

    @property
    def settled(self) -> bool:
        return self.outcome is not None
