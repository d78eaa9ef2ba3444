"""Operations the service runs (an import, a preview, later an export), their events and their history.

An :class:`Operation` is what the DJ started: it has an id, a status that moves ``queued`` → ``running`` →
``succeeded`` | ``failed`` | ``cancelled``, the last progress (phase, percent, message), and at the end a
result or an error. Every change is published as an :class:`OperationEvent` to the subscribers of the
:class:`OperationLog`, which also keeps the most recent operations for the history. The CLI draws the events as
a progress bar; the web app pushes them to the browser.
"""

from __future__ import annotations

import contextvars
import itertools
import logging
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, Final, Literal

from harmony.errors import HarmonyError
from harmony.workers import CancelToken

__all__ = ["FINISHED", "TRIGGER", "Operation", "OperationEvent", "OperationLog", "Status"]

log = logging.getLogger(__name__)

Status = Literal["queued", "running", "succeeded", "failed", "cancelled"]
FINISHED: Final[frozenset[str]] = frozenset({"succeeded", "failed", "cancelled"})
#: How many items of an outcome's long lists (conflicts, missing files) an event and the history carry. Events
#: go to every open page and the history is asked for often; a first import of 100,000 tracks whose drive is not
#: attached has a missing file per track, and encoding them all each time would hold up the web app's loop. The
#: totals are counts beside the lists; the whole lists are the CLI's ``--json`` and the operation's diff.
EVENT_LISTED: Final = 100

#: What started the operations begun in this context: ``manual`` (the DJ, from the CLI or the page) unless
#: auto-sync (or another caller) sets it around its calls; the operations journal keeps it.
TRIGGER: contextvars.ContextVar[str] = contextvars.ContextVar("trigger", default="manual")


@dataclass(frozen=True, slots=True)
class OperationEvent:
    """One change of an operation, as subscribers see it (the JSON of the web app's event stream)."""

    operation_id: str
    operation: str
    status: Status
    phase: str
    percent: float
    message: str
    current_item: str | None = None
    result: dict[str, Any] | None = None
    error: str | None = None
    error_code: str | None = None  # what kind of failure a page can act on, e.g. "mass_removal"
    #: Who started it: "manual" (the DJ, a page, the CLI) or "auto-sync" (its notification is auto-sync's).
    trigger: str = "manual"

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "operation_id": self.operation_id,
            "operation": self.operation,
            "trigger": self.trigger,
            "status": self.status,
            "phase": self.phase,
            "percent": self.percent,
            "message": self.message,
        }
        if self.current_item is not None:
            out["current_item"] = self.current_item
        if self.result is not None:
            out["result"] = self.result
        if self.error is not None:
            out["error"] = self.error
        if self.error_code is not None:
            out["error_code"] = self.error_code
        return out


@dataclass(slots=True)
class Operation:
    """One operation and its state. Only the service changes it, on its event loop."""

    id: str
    operation: str  # "import", "preview", ...
    nml_path: str
    status: Status = "queued"
    phase: str = "queued"
    percent: float = 0.0
    message: str = "Waiting to start"
    current_item: str | None = None
    created_at: datetime = field(default_factory=lambda: datetime.now(UTC))
    started_at: datetime | None = None
    finished_at: datetime | None = None
    trigger: str = "manual"
    result: Any = None  # what the operation produced (for an import: an ImportOutcome)
    error: str | None = None
    failure: HarmonyError | None = None  # the error behind ``error`` (the CLI exits with its code)
    error_code: str | None = None
    cancel_token: CancelToken = field(default_factory=CancelToken)
    cancel_event: threading.Event = field(default_factory=threading.Event)  # for work running in a thread

    @property
    def finished(self) -> bool:
        return self.status in FINISHED

    @property
    def seconds(self) -> float | None:
        """How long it ran (so far, while it runs); None before it starts."""
        if self.started_at is None:
            return None
        end = self.finished_at or datetime.now(UTC)
        return round((end - self.started_at).total_seconds(), 3)

    def event(self) -> OperationEvent:
        finished = self.result is not None and self.status == "succeeded"
        result = self.result.to_json(listed=EVENT_LISTED) if finished else None
        return OperationEvent(
            operation_id=self.id,
            operation=self.operation,
            status=self.status,
            phase=self.phase,
            percent=self.percent,
            message=self.message,
            current_item=self.current_item,
            result=result,
            error=self.error,
            error_code=self.error_code,
            trigger=self.trigger,
        )

    def to_json(self) -> dict[str, Any]:
        """The operation for the history and the API."""
        return {
            **self.event().to_json(),
            "nml_path": self.nml_path,
            "trigger": self.trigger,
            "created_at": self.created_at.isoformat(),
            "started_at": None if self.started_at is None else self.started_at.isoformat(),
            "finished_at": None if self.finished_at is None else self.finished_at.isoformat(),
            "seconds": self.seconds,
        }


class OperationLog:
    """The operations of one service: ids, the recent history, and the subscribers to their events."""

    def __init__(self, history_size: int = 100) -> None:
        self._ids = itertools.count(1)
        self._prefix = f"{int(time.time()):x}"
        self._recent: deque[Operation] = deque(maxlen=history_size)
        self._active: dict[str, Operation] = {}
        self._subscribers: list[Callable[[OperationEvent], object]] = []

    def new(self, operation: str, nml_path: str) -> Operation:
        """A new queued operation, announced to the subscribers."""
        op = Operation(
            id=f"{self._prefix}-{next(self._ids)}", operation=operation, nml_path=nml_path, trigger=TRIGGER.get()
        )
        self._active[op.id] = op
        self._recent.append(op)
        self.publish(op)
        return op

    def get(self, operation_id: str) -> Operation | None:
        found = self._active.get(operation_id)
        if found is not None:
            return found
        return next((op for op in self._recent if op.id == operation_id), None)

    def active(self) -> list[Operation]:
        """Queued and running operations, oldest first."""
        return list(self._active.values())

    def history(self) -> list[Operation]:
        """The recent operations, newest first (running ones included)."""
        return list(reversed(self._recent))

    def subscribe(self, callback: Callable[[OperationEvent], object]) -> Callable[[], None]:
        """Call ``callback`` with every event from now on; returns the function that stops it."""
        self._subscribers.append(callback)

        def unsubscribe() -> None:
            if callback in self._subscribers:
                self._subscribers.remove(callback)

        return unsubscribe

    def start(self, op: Operation, message: str) -> None:
        op.status = "running"
        op.started_at = datetime.now(UTC)
        op.phase, op.percent, op.message = "starting", 0.0, message
        self.publish(op)

    def progress(self, op: Operation, phase: str, percent: float, message: str, item: str | None = None) -> None:
        if op.finished:
            return  # a late report of a task that already ended
        op.phase, op.percent, op.message, op.current_item = phase, percent, message, item
        self.publish(op)

    def finish(self, op: Operation, status: Status, message: str, **outcome: Any) -> None:
        """End ``op`` and announce it (``outcome``: :meth:`settle`'s ``result``, ``error`` and ``error_code``)."""
        self.settle(op, status, message, **outcome)
        self.publish(op)

    def settle(
        self,
        op: Operation,
        status: Status,
        message: str,
        *,
        result: Any = None,
        error: str | None = None,
        error_code: str | None = None,
    ) -> None:
        """End ``op`` without announcing it yet: the caller publishes it once what must hold when the pages hear
        of it is in place (the operations journal's record)."""
        op.status = status
        op.finished_at = datetime.now(UTC)
        op.message = message
        op.current_item = None
        op.result = result
        op.error = error
        op.error_code = error_code
        if status == "succeeded":
            op.phase, op.percent = "complete", 100.0
        self._active.pop(op.id, None)
        log.info("%s %s %s: %s", op.operation, op.id, status, error or message)

    def publish(self, op: Operation) -> None:
        event = op.event()
        for callback in list(self._subscribers):
            try:
                callback(event)
            except Exception:
                # One broken subscriber (a closed browser tab) must not stop the operation or the others.
                log.exception("an operation event subscriber failed")
