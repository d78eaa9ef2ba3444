"""The progress event, and the reporter a task receives inside a worker.

One event type carries progress everywhere in Harmony: the worker emits it, the service forwards it, the CLI
draws it as a progress bar and the web app pushes it to the page. A task never builds :class:`Progress`
itself; it calls the ``progress(phase, percent, message, current_item=None)`` reporter it was given, and the
pool turns each call into a :class:`Progress` on the caller's event loop, in order, before the result.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from harmony.progress import ProgressReporter

__all__ = ["CancelCheck", "Progress", "ProgressCallback", "ProgressReporter", "no_progress"]


@dataclass(frozen=True, slots=True)
class Progress:
    """One progress report of a running operation.

    ``operation`` names the work (``"sync"``, ``"export"``…), ``phase`` the current step (``"parsing"``,
    ``"matching"``, ``"writing"``…), ``percent`` runs from 0 to 100, ``message`` is a short sentence for the
    DJ and ``current_item`` optionally names what is being worked on (a track, a playlist).
    """

    operation: str
    phase: str
    percent: float
    message: str
    current_item: str | None = None


CancelCheck = Callable[[], bool]
"""What a task's ``cancelled`` parameter receives: returns True once the caller has cancelled the task."""

ProgressCallback = Callable[[Progress], "Awaitable[object] | object"]
"""The caller's ``on_progress``: a plain function, or a coroutine function (scheduled on the loop)."""


def no_progress(phase: str, percent: float, message: str, current_item: str | None = None) -> None:
    """A reporter that drops every report, so a task function can run outside a pool (tests, scripts)."""
