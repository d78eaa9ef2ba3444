"""1,000 mixed tasks through one pool: every call settles, the right way, and the statistics add up."""

from __future__ import annotations

import asyncio
import random
from collections import Counter
from collections.abc import Callable

import pytest
import worker_jobs as jobs
from pool_helpers import wait_until

from harmony.workers import WorkerCrashedError, WorkerPool

pytestmark = pytest.mark.timeout(120)

MakePool = Callable[..., WorkerPool]

TASKS = 1000


async def test_thousand_mixed_tasks_all_settle_and_stats_add_up(make_pool: MakePool) -> None:
    pool = make_pool(max_workers=2, cancel_grace=0.2)
    rng = random.Random(4)
    kinds = rng.choices(["ok", "fail", "crash", "cancel"], weights=[70, 15, 4, 11], k=TASKS)
    kinds[0] = kinds[1] = "cancel"  # the first two are running when they are cancelled, the rest queued
    calls = [
        asyncio.ensure_future(pool.run(jobs.mixed, "slow" if kind == "cancel" else kind, index))
        for index, kind in enumerate(kinds)
    ]
    await wait_until(lambda: pool.stats().busy_workers == 2, what="both workers busy")
    for call, kind in zip(calls, kinds, strict=True):
        if kind == "cancel":
            call.cancel()

    results = await asyncio.gather(*calls, return_exceptions=True)

    expected = Counter(kinds)
    for index, (kind, result) in enumerate(zip(kinds, results, strict=True)):
        if kind == "ok":
            assert result == index * 2
        elif kind == "fail":
            assert isinstance(result, ValueError) and str(result) == f"failing task {index}"
        elif kind == "crash":
            assert isinstance(result, WorkerCrashedError)
        else:
            assert isinstance(result, asyncio.CancelledError)
    assert all(call.done() for call in calls)

    stats = pool.stats()
    assert stats.submitted == TASKS
    assert stats.completed == expected["ok"]
    assert stats.failed == expected["fail"]
    assert stats.crashed == expected["crash"]
    assert stats.cancelled == expected["cancel"]
    assert stats.timed_out == 0
    assert stats.settled == TASKS
    assert stats.queued_tasks == 0
    assert stats.total_workers <= 2
    assert await pool.run(jobs.echo, "still serving") == "still serving"
