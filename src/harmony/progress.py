"""The one shape of a progress report inside Harmony: ``progress(phase, percent, message, current_item=None)``.

Every layer that reports progress takes a :class:`ProgressReporter`: the sync planners, the safe write, the
folder scan, the jobs, and the worker pool (which hands each task one that sends a
:class:`harmony.workers.Progress` event to the app). It lives here, below every layer, so that each can name it
without importing another.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Protocol

from harmony.words import plural

__all__ = ["ProgressReporter", "counted", "last_look"]


class ProgressReporter(Protocol):
    """Receives one progress report: the ``phase`` ("parsing", "matching", "writing"…), ``percent`` from 0 to 100,
    a short ``message`` for the DJ and optionally the ``current_item`` being worked on (a track, a playlist).

    A worker task's reporter raises :class:`~harmony.workers.TaskCancelled` once the task was cancelled, so a task
    that reports progress stops at its next report."""

    def __call__(self, phase: str, percent: float, message: str, current_item: str | None = None) -> None: ...


def last_look(cancelled: Callable[[], bool]) -> bool:
    """Ask ``cancelled`` a last time, just before work that cannot be taken back (a commit).

    A worker task's check (see :mod:`harmony.workers`) then holds its answer: if it says no, a cancel that comes
    later is ignored and the task is not killed for it, so it finishes, and its caller hears that it did. Any
    other ``cancelled`` is simply asked."""
    final: Callable[[], bool] | None = getattr(cancelled, "last_look", None)
    return final() if final is not None else cancelled()


def counted(message: str, done: int, total: int, what: str = "") -> str:
    """``message`` with how far it got, as every progress report says it: ``"Analyzing differences...
    (12,500/100,000)"``. ``what`` (a singular noun: ``"library track"``) follows the total, in the plural unless
    the total is one. With nothing to count (``total`` 0), the message alone: "(0/0)" tells a DJ nothing."""
    if total == 0:
        return message
    return f"{message} ({done:,}/{plural(total, what) if what else f'{total:,}'})"
