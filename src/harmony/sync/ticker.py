"""Progress through one step of a plan, reported at least every 2 % of its items (never "stuck at 60 %")."""

from __future__ import annotations

from typing import Final

from harmony.progress import ProgressReporter, counted

__all__ = ["STEP", "Ticker"]

#: Progress is reported at least this often, as a share of the items of a step.
STEP: Final = 0.02


class Ticker:
    """Reports ``done`` of ``total`` items of a step as ``message (done/total)`` in ``phase``, its percent
    placed inside ``span`` of the whole operation; at the start, then at least every 2 % of the items."""

    def __init__(
        self, progress: ProgressReporter | None, phase: str, span: tuple[float, float], total: int, message: str
    ) -> None:
        self.progress = progress
        self.phase = phase
        self.total = total
        self.message = message
        self.every = max(1, int(total * STEP))
        self.start, self.end = span
        self.report(0, None)

    def report(self, done: int, item: str | None) -> None:
        if self.progress is None:
            return
        share = 1.0 if self.total == 0 else min(1.0, done / self.total)
        percent = self.start + (self.end - self.start) * share
        self.progress(self.phase, round(percent, 2), counted(self.message, done, self.total), item)

    def tick(self, done: int, item: str | None) -> None:
        if done % self.every == 0 or done == self.total:
            self.report(done, item)
