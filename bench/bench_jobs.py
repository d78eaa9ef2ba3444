"""Jobs for ``pool_bench.py``: importable by the worker processes (the bench folder is on their sys.path)."""

from __future__ import annotations

import os
import time
from collections.abc import Callable


def tiny(value: int) -> int:
    return value


def started_at() -> float:
    """When the task began, on the system-wide monotonic clock (comparable across processes on Linux)."""
    return time.monotonic()


def stubborn(seconds: float) -> None:
    """A non-cooperative task: ignores cancellation until it is killed."""
    time.sleep(seconds)


def heavy(progress: Callable[..., None], reports: int, spin: int, records: int) -> list[tuple[int, str, float]]:
    """CPU-bound work that reports ``reports`` progress messages, then returns ~100 bytes per record."""
    acc = 0
    for step in range(reports):
        for i in range(spin):
            acc = (acc * 31 + i) & 0xFFFFFFFF
        progress("working", 100.0 * step / reports, f"step {step}", current_item=str(acc))
    name = "x" * 60
    return [(i, f"{name}{i:010d}", i * 0.5) for i in range(records)]


def pid() -> int:
    return os.getpid()
