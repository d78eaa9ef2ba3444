"""Pool statistics: counters and run/wait time percentiles (the seed's ``getStats``, extended).

Times are kept in a fixed-size window of the most recent samples, so the memory a long-running pool spends on
statistics never grows, and the percentiles describe how the pool behaves now rather than since start-up.
"""

from __future__ import annotations

import math
from collections import deque
from dataclasses import dataclass

__all__ = ["LatencyWindow", "Percentiles", "PoolStats"]

WINDOW_SIZE = 4096
"""How many recent samples the percentiles are computed from."""


@dataclass(frozen=True, slots=True)
class Percentiles:
    """A summary of durations in seconds.

    ``count`` samples are in the window; ``max`` is the largest since the pool started.
    """

    count: int
    p50: float
    p90: float
    p99: float
    max: float


@dataclass(frozen=True, slots=True)
class PoolStats:
    """A snapshot of one pool.

    Workers: ``total_workers`` = ``starting`` + ``idle`` + ``busy`` + any that are exiting. Tasks: each
    submitted task ends exactly once as ``completed``, ``failed``, ``cancelled``, ``timed_out`` or
    ``crashed``, or is still ``queued_tasks`` / running (``busy_workers``); retried attempts are counted in
    ``retried`` only. ``run_time`` counts from dispatch to the end, ``wait_time`` from submit to dispatch.
    """

    name: str
    total_workers: int
    busy_workers: int
    idle_workers: int
    starting_workers: int
    queued_tasks: int
    submitted: int
    completed: int
    failed: int
    cancelled: int
    timed_out: int
    crashed: int
    retried: int
    startup_failures: int
    run_time: Percentiles
    wait_time: Percentiles
    start_time: Percentiles

    @property
    def settled(self) -> int:
        """Tasks that have ended, whichever way."""
        return self.completed + self.failed + self.cancelled + self.timed_out + self.crashed


class LatencyWindow:
    """The most recent :data:`WINDOW_SIZE` durations, plus the largest ever seen."""

    __slots__ = ("_max", "_samples")

    def __init__(self, size: int = WINDOW_SIZE) -> None:
        self._samples: deque[float] = deque(maxlen=size)
        self._max = 0.0

    def add(self, seconds: float) -> None:
        """Record one duration."""
        seconds = max(0.0, seconds)
        self._samples.append(seconds)
        self._max = max(self._max, seconds)

    def summary(self) -> Percentiles:
        """Nearest-rank percentiles of the window."""
        ordered = sorted(self._samples)
        if not ordered:
            return Percentiles(count=0, p50=0.0, p90=0.0, p99=0.0, max=self._max)

        def rank(fraction: float) -> float:
            return ordered[max(0, math.ceil(fraction * len(ordered)) - 1)]

        return Percentiles(count=len(ordered), p50=rank(0.50), p90=rank(0.90), p99=rank(0.99), max=self._max)
