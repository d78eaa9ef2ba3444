"""WorkerPool: running tasks, worker life cycle, queue, progress and streamed results."""

from __future__ import annotations

import asyncio
import dataclasses
import os
from collections.abc import Callable

import pytest
import worker_jobs as jobs
from pool_helpers import wait_until

from harmony.errors import HarmonyError, WorkerError
from harmony.workers import Progress, QueueFullError, WorkerPool

pytestmark = pytest.mark.timeout(30)

MakePool = Callable[..., WorkerPool]


async def test_runs_a_function_with_args_and_kwargs(make_pool: MakePool) -> None:
    pool = make_pool()
    assert await pool.run(jobs.add, 2, 3, scale=10) == 50
    assert await pool.run(jobs.echo, {"title": "Strobe", "bpm": 128.0}) == {"title": "Strobe", "bpm": 128.0}


async def test_workers_run_in_other_processes(make_pool: MakePool) -> None:
    pool = make_pool()
    assert await pool.run(jobs.getpid) != os.getpid()


async def test_min_workers_start_at_once_and_are_kept(make_pool: MakePool) -> None:
    pool = make_pool(min_workers=2, max_workers=3, idle_timeout=0.05)
    await wait_until(lambda: pool.stats().idle_workers == 2, what="two idle workers")
    assert pool.stats().total_workers == 2
    await asyncio.sleep(0.3)  # well past idle_timeout: the minimum stays
    stats = pool.stats()
    assert (stats.total_workers, stats.idle_workers) == (2, 2)


async def test_idle_worker_above_minimum_retires_after_idle_timeout(make_pool: MakePool) -> None:
    pool = make_pool(min_workers=1, max_workers=2, idle_timeout=0.2)
    calls = [asyncio.ensure_future(pool.run(jobs.sleep_then, 0.3)) for _ in range(2)]
    await wait_until(lambda: pool.stats().total_workers == 2, what="a second worker for the second task")
    await asyncio.gather(*calls)
    await wait_until(lambda: pool.stats().total_workers == 1, what="retirement down to min_workers")
    await asyncio.sleep(0.4)  # the minimum is never retired
    assert (pool.stats().total_workers, pool.stats().idle_workers) == (1, 1)


async def test_idle_pool_with_no_minimum_retires_every_worker(make_pool: MakePool) -> None:
    pool = make_pool(min_workers=0, idle_timeout=0.1)
    await pool.run(jobs.echo, 1)
    await wait_until(lambda: pool.stats().total_workers == 0, what="all workers retired")


async def test_a_worker_is_reused_for_many_tasks(make_pool: MakePool) -> None:
    pool = make_pool(max_workers=1)
    pids = [await pool.run(jobs.getpid) for _ in range(20)]
    assert len(set(pids)) == 1


async def test_max_tasks_per_worker_recycles_the_worker(make_pool: MakePool) -> None:
    pool = make_pool(max_workers=1, max_tasks_per_worker=3)
    pids = [await pool.run(jobs.getpid) for _ in range(7)]
    assert pids[0] == pids[1] == pids[2]
    assert pids[3] == pids[4] == pids[5]
    assert len({pids[0], pids[3], pids[6]}) == 3
    assert pool.stats().crashed == 0


async def test_no_more_than_max_workers_run_at_once(make_pool: MakePool) -> None:
    pool = make_pool(max_workers=2)
    peak = 0

    async def watch() -> None:
        nonlocal peak
        while True:
            peak = max(peak, pool.stats().total_workers)
            await asyncio.sleep(0.002)

    watcher = asyncio.ensure_future(watch())
    pids = await asyncio.gather(*(pool.run(jobs.sleep_report_pid, 0.05) for _ in range(8)))
    watcher.cancel()
    assert len(set(pids)) <= 2
    assert peak == 2


async def test_queued_tasks_run_in_fifo_order(make_pool: MakePool) -> None:
    pool = make_pool(max_workers=1)
    finished: list[int] = []

    async def run(index: int) -> None:
        await pool.run(jobs.sleep_then, 0.01, index)
        finished.append(index)

    tasks = [asyncio.ensure_future(run(i)) for i in range(10)]
    await asyncio.gather(*tasks)
    assert finished == list(range(10))


async def test_max_queue_bounds_the_waiting_tasks(make_pool: MakePool) -> None:
    pool = make_pool(max_workers=1, max_queue=2)
    running = asyncio.ensure_future(pool.run(jobs.sleep_then, 0.5, "running"))
    await asyncio.sleep(0)
    queued = [asyncio.ensure_future(pool.run(jobs.echo, i)) for i in range(2)]
    await asyncio.sleep(0)
    with pytest.raises(QueueFullError) as caught:
        await pool.run(jobs.echo, "one too many")
    assert isinstance(caught.value, WorkerError)
    assert "busy" in str(caught.value)
    assert await running == "running"
    assert await asyncio.gather(*queued) == [0, 1]
    assert await pool.run(jobs.echo, "room again") == "room again"


async def test_max_queue_zero_accepts_work_only_for_free_workers(make_pool: MakePool) -> None:
    pool = make_pool(max_workers=2, max_queue=0)
    first = asyncio.ensure_future(pool.run(jobs.sleep_then, 0.3, 1))
    second = asyncio.ensure_future(pool.run(jobs.sleep_then, 0.3, 2))
    await asyncio.sleep(0)
    with pytest.raises(QueueFullError):
        await pool.run(jobs.echo, 3)
    assert await asyncio.gather(first, second) == [1, 2]


async def test_progress_arrives_in_order_and_before_the_result(make_pool: MakePool) -> None:
    pool = make_pool()
    reports: list[Progress] = []
    result_seen_by_callback: list[bool] = []
    outcome: asyncio.Future[int] = asyncio.get_running_loop().create_future()

    def on_progress(report: Progress) -> None:
        reports.append(report)
        result_seen_by_callback.append(outcome.done())

    result = await pool.run(jobs.report_many, 300, on_progress=on_progress)
    outcome.set_result(result)
    assert result == 300
    assert [r.message for r in reports] == [f"step {i}" for i in range(300)]
    assert reports[5] == Progress("test", "counting", 100.0 * 5 / 300, "step 5", "item-5")
    assert not any(result_seen_by_callback)


async def test_async_progress_callbacks_are_scheduled_on_the_loop(make_pool: MakePool) -> None:
    pool = make_pool()
    seen: list[str] = []

    async def on_progress(report: Progress) -> None:
        seen.append(report.message)

    await pool.run(jobs.report_many, 5, on_progress=on_progress)
    await wait_until(lambda: len(seen) == 5, what="async callbacks")
    assert seen == [f"step {i}" for i in range(5)]


async def test_a_failing_progress_callback_does_not_fail_the_task(make_pool: MakePool) -> None:
    pool = make_pool()

    def broken(report: Progress) -> None:
        raise RuntimeError("UI went away")

    assert await pool.run(jobs.report_many, 3, on_progress=broken) == 3


def test_progress_is_a_frozen_slotted_dataclass() -> None:
    report = Progress("sync", "parsing", 12.5, "Reading collection.nml")
    assert report.current_item is None
    assert not hasattr(report, "__dict__")
    with pytest.raises(dataclasses.FrozenInstanceError):
        report.percent = 50  # type: ignore[misc]


async def test_big_list_results_are_streamed_back_whole(make_pool: MakePool) -> None:
    pool = make_pool()
    result = await pool.run(jobs.big_list, 200_000)
    assert len(result) == 200_000
    assert result[0] == (0, "track 00000000")
    assert result[-1] == (199_999, "track 00199999")


async def test_generator_results_come_back_as_a_list(make_pool: MakePool) -> None:
    pool = make_pool()
    assert await pool.run(jobs.generate, 1000) == [{"index": i} for i in range(1000)]


async def test_lambdas_and_nested_functions_are_refused(make_pool: MakePool) -> None:
    pool = make_pool()

    def nested() -> None:
        return None

    with pytest.raises(TypeError, match="top level"):
        await pool.run(lambda: None)
    with pytest.raises(TypeError, match="top level"):
        await pool.run(nested)


async def test_unpicklable_arguments_fail_the_call_before_it_is_queued(make_pool: MakePool) -> None:
    pool = make_pool()
    with pytest.raises(TypeError, match="cannot be sent to a worker"):
        await pool.run(jobs.echo, lambda: None)
    assert pool.stats().submitted == 0


async def test_an_unpicklable_result_fails_only_that_call(make_pool: MakePool) -> None:
    pool = make_pool(max_workers=1)
    with pytest.raises(TypeError, match="cannot be sent back"):
        await pool.run(jobs.unpicklable_result)
    assert await pool.run(jobs.echo, "still fine") == "still fine"
    assert pool.stats().crashed == 0


def test_fork_is_never_used() -> None:
    with pytest.raises(ValueError, match="never"):
        WorkerPool(start_method="fork")
    assert WorkerPool().start_method in {"forkserver", "spawn"}


async def test_spawn_start_method_works_too(make_pool: MakePool) -> None:
    pool = make_pool(start_method="spawn")
    assert pool.start_method == "spawn"
    assert await pool.run(jobs.add, 1, 1) == 2


def test_errors_derive_from_harmony_error() -> None:
    from harmony import workers

    for name in (
        "QueueFullError",
        "RemoteError",
        "WorkerCrashedError",
        "TaskTimeoutError",
        "TaskCancelled",
        "PoolClosedError",
    ):
        error_type = getattr(workers, name)
        assert issubclass(error_type, WorkerError)
        assert issubclass(error_type, HarmonyError)
