"""WorkerPool: task exceptions, crashed workers, workers that cannot start."""

from __future__ import annotations

import asyncio
import os
import signal
from collections.abc import Callable

import pytest
import worker_jobs as jobs
from pool_helpers import wait_until

from harmony.workers import (
    Progress,
    RemoteError,
    RemoteTraceback,
    TaskCancelled,
    WorkerCrashedError,
    WorkerPool,
    WorkerStartupError,
)

pytestmark = pytest.mark.timeout(30)

MakePool = Callable[..., WorkerPool]


async def test_task_exception_keeps_its_type_and_carries_the_worker_traceback(make_pool: MakePool) -> None:
    pool = make_pool()
    with pytest.raises(ValueError, match="bad tempo") as caught:
        await pool.run(jobs.fail_value_error, "bad tempo")
    cause = caught.value.__cause__
    assert isinstance(cause, RemoteTraceback)
    assert "fail_value_error" in cause.text
    assert "worker_jobs.py" in cause.text
    assert pool.stats().failed == 1


async def test_exception_that_cannot_be_rebuilt_becomes_a_remote_error(make_pool: MakePool) -> None:
    pool = make_pool()
    with pytest.raises(RemoteError) as caught:
        await pool.run(jobs.fail_unpicklable)
    error = caught.value
    assert error.type_name == "worker_jobs.NeedsTwoArgs"
    assert error.remote_message == "a/b"
    assert "fail_unpicklable" in error.remote_traceback


async def test_a_task_raising_task_cancelled_itself_counts_as_cancelled(make_pool: MakePool) -> None:
    pool = make_pool()
    with pytest.raises(TaskCancelled):
        await pool.run(jobs.raise_task_cancelled)
    assert pool.stats().cancelled == 1


async def test_the_pool_keeps_working_after_task_errors(make_pool: MakePool) -> None:
    pool = make_pool(max_workers=1)
    pid = await pool.run(jobs.getpid)
    for _ in range(3):
        with pytest.raises(ValueError):
            await pool.run(jobs.fail_value_error, "x")
    assert await pool.run(jobs.getpid) == pid  # an exception does not cost the worker


async def test_killed_worker_fails_only_its_task_while_the_other_completes(make_pool: MakePool) -> None:
    pool = make_pool(max_workers=2)
    reports: list[Progress] = []
    victim = asyncio.ensure_future(pool.run(jobs.sleep_report_pid, 30, on_progress=reports.append))
    survivor = asyncio.ensure_future(pool.run(jobs.sleep_then, 0.5, "survived"))
    await wait_until(lambda: bool(reports) and pool.stats().busy_workers == 2, what="both tasks running")
    victim_pid = int(reports[0].message)

    os.kill(victim_pid, signal.SIGKILL)

    with pytest.raises(WorkerCrashedError) as caught:
        await victim
    assert caught.value.signal == signal.SIGKILL
    assert caught.value.pid == victim_pid
    assert "SIGKILL" in str(caught.value)
    assert await survivor == "survived"
    assert await pool.run(jobs.add, 1, 2) == 3
    stats = pool.stats()
    assert (stats.crashed, stats.completed) == (1, 2)


async def test_worker_that_kills_itself_is_reported_with_the_signal(make_pool: MakePool) -> None:
    pool = make_pool()
    with pytest.raises(WorkerCrashedError, match="SIGKILL"):
        await pool.run(jobs.kill_self)


async def test_segfault_fails_the_task_with_sigsegv(make_pool: MakePool) -> None:
    pool = make_pool()
    with pytest.raises(WorkerCrashedError) as caught:
        await pool.run(jobs.segfault)
    assert caught.value.signal == signal.SIGSEGV
    assert await pool.run(jobs.echo, "after segfault") == "after segfault"


async def test_worker_exit_is_reported_with_the_exit_code(make_pool: MakePool) -> None:
    pool = make_pool()
    with pytest.raises(WorkerCrashedError, match="exit code 3") as caught:
        await pool.run(jobs.exit_with, 3)
    assert caught.value.exitcode == 3
    assert caught.value.signal is None


async def test_crashed_worker_is_replaced_to_keep_min_workers(make_pool: MakePool) -> None:
    pool = make_pool(min_workers=1, max_workers=1)
    await wait_until(lambda: pool.stats().idle_workers == 1, what="the minimum worker")
    first_pid = pool.worker_pids()[0]
    with pytest.raises(WorkerCrashedError):
        await pool.run(jobs.kill_self)
    await wait_until(lambda: pool.stats().idle_workers == 1, what="a replacement worker")
    assert pool.worker_pids() != [first_pid]


async def test_idle_worker_killed_from_outside_is_replaced_quietly(make_pool: MakePool) -> None:
    pool = make_pool(min_workers=1, max_workers=1)
    await wait_until(lambda: pool.stats().idle_workers == 1, what="the minimum worker")
    (killed,) = pool.worker_pids()
    os.kill(killed, signal.SIGKILL)
    # The pool notices the exit and (min_workers=1) starts a replacement; how fast depends on the machine, so
    # wait for the dead worker to be gone from the pool rather than for one intermediate state.
    await wait_until(lambda: killed not in pool.worker_pids(), what="the dead worker to leave the pool")
    assert await pool.run(jobs.echo, "fine") == "fine"
    assert pool.stats().crashed == 0


async def test_worker_failing_at_startup_is_reported_and_not_respawned(make_pool: MakePool) -> None:
    pool = make_pool(max_workers=2, initializer=jobs.failing_initializer)
    calls = [asyncio.ensure_future(pool.run(jobs.echo, i)) for i in range(3)]
    results = await asyncio.gather(*calls, return_exceptions=True)
    assert all(isinstance(r, WorkerStartupError) for r in results), results
    assert "broken_dependency" in str(results[0])
    failures = pool.stats().startup_failures
    assert 1 <= failures <= 2
    await asyncio.sleep(0.5)  # a respawn loop would start (and lose) more workers meanwhile
    stats = pool.stats()
    assert stats.startup_failures == failures
    assert stats.total_workers == 0
    assert stats.failed == 3


async def test_after_a_startup_failure_new_work_tries_once_more(make_pool: MakePool) -> None:
    pool = make_pool(max_workers=1, initializer=jobs.failing_initializer)
    with pytest.raises(WorkerStartupError):
        await pool.run(jobs.echo, 1)
    with pytest.raises(WorkerStartupError):
        await pool.run(jobs.echo, 2)
    assert pool.stats().startup_failures == 2
