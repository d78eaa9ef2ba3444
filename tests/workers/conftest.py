"""Fixtures for the worker pool tests.

Worker processes import the task functions by module name, so the stand-in jobs in ``worker_jobs.py`` must be
importable in a fresh interpreter: this folder goes on ``sys.path`` before any worker starts (workers inherit
the parent's ``sys.path``).
"""

from __future__ import annotations

import sys
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Any

import pytest

HERE = Path(__file__).resolve().parent
if str(HERE) not in sys.path:
    sys.path.insert(0, str(HERE))

from harmony.workers import WorkerPool  # noqa: E402


@pytest.fixture
async def make_pool() -> AsyncIterator[Callable[..., WorkerPool]]:
    """Create pools that are destroyed (workers killed) after the test, whatever it did."""
    pools: list[WorkerPool] = []

    def make(**options: Any) -> WorkerPool:
        options.setdefault("name", "test")
        pool = WorkerPool(**options)
        pools.append(pool)
        return pool

    yield make
    for pool in pools:
        await pool.destroy()
