"""Progress helpers shared by the jobs: a reporter that times each phase, and reporters that place a step's
own progress inside a slice of the whole operation."""

from __future__ import annotations

import time
from collections.abc import Callable

from harmony.progress import ProgressReporter, counted

__all__ = ["PhaseClock", "counting", "sliced"]


class PhaseClock:
    """A progress reporter that also times each phase: a phase lasts from its first report to the first report
    of the next one (or to :meth:`stop`)."""

    def __init__(self, progress: ProgressReporter | None) -> None:
        self._progress = progress
        self._phase: str | None = None
        self._since = 0.0
        self.seconds: dict[str, float] = {}

    def __call__(self, phase: str, percent: float, message: str, current_item: str | None = None) -> None:
        self._switch(phase)
        if self._progress is not None:
            self._progress(phase, percent, message, current_item)

    def _switch(self, phase: str | None) -> None:
        now = time.perf_counter()
        if phase == self._phase:
            return
        if self._phase is not None:
            self.seconds[self._phase] = round(self.seconds.get(self._phase, 0.0) + now - self._since, 3)
        self._phase = phase
        self._since = now

    def stop(self) -> dict[str, float]:
        """End the current phase; return the seconds per phase."""
        self._switch(None)
        return dict(self.seconds)


def counting(
    progress: ProgressReporter, phase: str, start: float, end: float, message: str
) -> Callable[[int, int], None]:
    """A ``(done, total)`` callback that reports ``message (done/total)`` inside ``start``–``end`` of ``phase``."""

    def report(done: int, total: int) -> None:
        share = 1.0 if total == 0 else done / total
        progress(phase, round(start + (end - start) * share, 2), counted(message, done, total))

    return report


def sliced(progress: ProgressReporter, start: float, end: float) -> ProgressReporter:
    """A reporter for a step that counts its own 0–100 %: its reports land inside ``start``–``end``."""

    def report(phase: str, percent: float, message: str, current_item: str | None = None) -> None:
        progress(phase, round(start + (end - start) * percent / 100.0, 2), message, current_item)

    return report
