"""The one shape of a progress report inside Harmony: ``progress(phase, percent, message, current_item=None)``.

Every layer that reports progress takes a :class:`ProgressReporter`: the sync planners, the safe write, the
folder scan, the jobs, and the worker pool (which hands each task one that sends a
:class:`harmony.workers.Progress` event to the app). It lives here, below every layer, so that each can name it
without importing another.
"""

from __future__ import annotations

from typing import Protocol

__all__ = ["ProgressReporter"]


class ProgressReporter(Protocol):
    """Receives one progress report: the ``phase`` ("parsing", "matching", "writing"…), ``percent`` from 0 to 100,
    a short ``message`` for the DJ and optionally the ``current_item`` being worked on (a track, a playlist).

    A worker task's reporter raises :class:`~harmony.workers.TaskCancelled` once the task was cancelled, so a task
    that reports progress stops at its next report."""

    def __call__(self, phase: str, percent: float, message: str, current_item: str | None = None) -> None: ...
