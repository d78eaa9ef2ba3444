"""WorkerPool: cancellation (asyncio and cancel token), timeouts and retries."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import worker_jobs as jobs
from pool_helpers import process_alive, wait_until

from harmony.workers import (
    CancelToken,
    Progress,
    TaskCancelled,
    TaskTimeoutError,
    WorkerCrashedError,
    WorkerPool,
)

pytestmark = pytest.mark.timeout(30)

MakePool = Callable[..., WorkerPool]


async def test_cancelling_a_queued_task_removes_it_at_once(make_pool: MakePool) -> None:
    pool = make_pool(max_workers=1)
    running = asyncio.ensure_future(pool.run(jobs.sleep_then, 0.4, "running"))
    queued = asyncio.ensure_future(pool.run(jobs.echo, "queued"))
    await wait_until(lambda: pool.stats().busy_workers == 1 and pool.stats().queued_tasks == 1, what="queue")

    queued.cancel()
    with pytest.raises(asyncio.CancelledError):
        await queued
    stats = pool.stats()
    assert (stats.queued_tasks, stats.cancelled) == (0, 1)
    assert await running == "running"
    assert pool.stats().completed == 1


async def test_cancel_token_removes_a_queued_task(make_pool: MakePool) -> None:
    pool = make_pool(max_workers=1)
    token = CancelToken()
    running = asyncio.ensure_future(pool.run(jobs.sleep_then, 0.3, "running"))
    queued = asyncio.ensure_future(pool.run(jobs.echo, "queued", cancel_token=token))
    await wait_until(lambda: pool.stats().queued_tasks == 1, what="queued task")
    token.cancel()
    with pytest.raises(TaskCancelled):
        await queued
    assert pool.stats().queued_tasks == 0
    assert await running == "running"


async def test_a_cancelled_token_refuses_new_calls(make_pool: MakePool) -> None:
    pool = make_pool()
    token = CancelToken()
    token.cancel()
    with pytest.raises(TaskCancelled):
        await pool.run(jobs.echo, 1, cancel_token=token)


async def test_cancelling_a_cooperative_running_task_stops_it_without_killing_the_worker(
    make_pool: MakePool,
) -> None:
    pool = make_pool(max_workers=1, cancel_grace=10.0)
    reports: list[Progress] = []
    task = asyncio.ensure_future(pool.run(jobs.cooperative_loop, on_progress=reports.append))
    await wait_until(lambda: len(reports) >= 3, what="the task looping")
    worker_pid = int(reports[0].message)

    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    # The worker stops the task at its next progress report, long before cancel_grace, and is kept.
    await wait_until(lambda: pool.stats().idle_workers == 1, timeout=5, what="the worker to be free again")
    assert pool.worker_pids() == [worker_pid]
    assert await pool.run(jobs.getpid) == worker_pid
    assert pool.stats().cancelled == 1


async def _cancelled_by_token(
    pool: WorkerPool, job: Callable[..., Any], **kwargs: Any
) -> tuple[asyncio.Future[Any], list[Progress]]:
    """Run ``job`` with a cancel token and cancel it once it has reported that it runs."""
    reports: list[Progress] = []
    token = CancelToken()
    task = asyncio.ensure_future(pool.run(job, on_progress=reports.append, cancel_token=token, **kwargs))
    await wait_until(lambda: bool(reports), what="the task running")
    token.cancel()
    return task, reports


async def test_a_task_polling_cancelled_sees_the_cancel(make_pool: MakePool, tmp_path: Path) -> None:
    pool = make_pool(max_workers=1, cancel_grace=10.0)
    marker = tmp_path / "stopped"
    task, reports = await _cancelled_by_token(pool, jobs.polls_cancelled, marker=str(marker))
    with pytest.raises(TaskCancelled):
        await task
    await wait_until(marker.exists, timeout=5, what="the task to notice the cancel")
    await wait_until(lambda: pool.stats().idle_workers == 1, timeout=5, what="the worker to be free again")
    assert pool.worker_pids() == [int(reports[0].message)]


async def test_a_task_that_finishes_after_a_cancel_request_returns_its_result(
    make_pool: MakePool, tmp_path: Path
) -> None:
    """A cancel that lands after the task's last look at it (an import committing) must not be reported as a
    stop: the call waits for the worker's answer, and the task's work stands."""
    pool = make_pool(max_workers=1, cancel_grace=10.0)
    go = tmp_path / "go"
    task, reports = await _cancelled_by_token(pool, jobs.finishes_when_told, go=str(go))
    await asyncio.sleep(0.2)
    assert not task.done()  # asked to stop; the worker has not answered yet
    go.write_text("")
    assert await task == "finished"
    stats = pool.stats()
    assert (stats.completed, stats.cancelled) == (1, 0)
    assert pool.worker_pids() == [int(reports[0].message)]  # not killed


async def test_a_timed_out_task_that_finishes_within_cancel_grace_returns_its_result(
    make_pool: MakePool,
) -> None:
    pool = make_pool(max_workers=1, cancel_grace=10.0)
    assert await pool.run(jobs.sleep_then, 0.5, "late", timeout=0.1) == "late"
    stats = pool.stats()
    assert (stats.completed, stats.timed_out) == (1, 0)


async def test_a_task_past_its_last_look_at_a_cancel_is_not_killed_and_finishes(make_pool: MakePool) -> None:
    """A cancel (or a time budget) that ends after the task's last look, while it commits for longer than
    cancel_grace: the worker is not killed, and the call returns the result."""
    pool = make_pool(max_workers=1, cancel_grace=0.2)
    reports: list[Progress] = []
    token = CancelToken()
    task = asyncio.ensure_future(
        pool.run(jobs.commits_after_its_last_look, seconds=1.0, on_progress=reports.append, cancel_token=token)
    )
    await wait_until(lambda: any(r.phase == "committing" for r in reports), what="the task past its last look")
    token.cancel()
    assert await task == "committed"
    assert pool.worker_pids() == [int(reports[0].message)]
    stats = pool.stats()
    assert (stats.completed, stats.cancelled, stats.crashed) == (1, 0, 0)
    # The same with a time budget that runs out while it commits.
    assert await pool.run(jobs.commits_after_its_last_look, seconds=1.0, timeout=0.5) == "committed"


async def test_the_last_look_waits_for_the_pools_answer(make_pool: MakePool, tmp_path: Path) -> None:
    """The pool, on its loop, decides both kills and last looks: while the loop is busy, a task asking to go past
    its last look waits, so no commit can begin while a kill for a cancel is armed."""
    pool = make_pool(max_workers=1, cancel_grace=10.0)
    reports: list[Progress] = []
    marker = tmp_path / "committed"
    task = asyncio.ensure_future(
        pool.run(jobs.commits_after_a_late_last_look, marker=str(marker), wait=0.2, on_progress=reports.append)
    )
    await wait_until(lambda: bool(reports), what="the task started")
    time.sleep(1.0)  # the loop is held: the task asks during this second, and hears nothing until it ends
    assert not marker.exists()
    took = await task
    assert took >= 0.5, f"the last look answered in {took:.3f} s, while the pool's loop was held"
    assert marker.read_text() == "committed"


async def _cancelled_while_the_loop_is_held(
    pool: WorkerPool, marker: Path, linger: float
) -> tuple[asyncio.Future[Any], list[Progress]]:
    """Start ``commits_after_a_late_last_look``, cancel it by its token once it runs, and hold the loop for a
    second: the cancel is queued on the loop ahead of the last look the task asks for meanwhile."""
    reports: list[Progress] = []
    token = CancelToken()
    task = asyncio.ensure_future(
        pool.run(
            jobs.commits_after_a_late_last_look,
            marker=str(marker),
            wait=0.2,
            linger=linger,
            on_progress=reports.append,
            cancel_token=token,
        )
    )
    await wait_until(lambda: bool(reports), what="the task started")
    token.cancel()
    time.sleep(1.0)
    return task, reports


@pytest.mark.parametrize(("grace", "linger"), [(10.0, 0.0), (0.3, 30.0)], ids=["stops", "killed_after_the_grace"])
async def test_a_task_asked_to_stop_before_the_pool_answers_its_last_look_stops(
    make_pool: MakePool, tmp_path: Path, grace: float, linger: float
) -> None:
    """A cancel the pool takes before the task's last look (here, both wait while the loop is held, the cancel
    first): the pool answers no, and the task stops before its commit. The no keeps the kill armed: a task
    that takes longer than cancel_grace to stop is killed, and the call still ends as cancelled (never as a
    crash of a task let past its last look)."""
    pool = make_pool(max_workers=1, cancel_grace=grace)
    marker = tmp_path / "committed"
    task, reports = await _cancelled_while_the_loop_is_held(pool, marker, linger=linger)
    with pytest.raises(TaskCancelled):
        await task
    assert not marker.exists()
    stats = pool.stats()
    assert (stats.cancelled, stats.crashed) == (1, 0)
    killed = int(reports[0].message) not in pool.worker_pids()
    assert killed == (linger > grace)


async def _dies_past_its_last_look_cancelled_at(
    pool: WorkerPool, tmp_path: Path, phase: str
) -> tuple[asyncio.Future[Any], list[Progress]]:
    """Run ``dies_after_its_last_look`` (dies past its last look the first time, waits for a cancel the next)
    with one retry, and cancel it by its token once it reports ``phase``: the call and its progress reports."""
    reports: list[Progress] = []
    token = CancelToken()
    task = asyncio.ensure_future(
        pool.run(
            jobs.dies_after_its_last_look,
            marker=str(tmp_path / "ran"),
            on_progress=reports.append,
            cancel_token=token,
            retries=1,
        )
    )
    await wait_until(lambda: any(r.phase == phase for r in reports), what=f"the task's {phase!r} report")
    token.cancel()
    return task, reports


async def test_a_task_that_dies_past_its_last_look_after_a_cancel_is_not_retried(
    make_pool: MakePool, tmp_path: Path
) -> None:
    """Asked to stop, then dead past its last look (its commit may have gone through): reported crashed, and
    never run again, whatever its retries."""
    pool = make_pool(max_workers=1, cancel_grace=10.0)
    task, reports = await _dies_past_its_last_look_cancelled_at(pool, tmp_path, "committing")
    with pytest.raises(WorkerCrashedError):
        await asyncio.wait_for(task, timeout=5)
    stats = pool.stats()
    assert (stats.crashed, stats.retried, stats.cancelled) == (1, 0, 0)
    assert not any(r.phase == "retried" for r in reports)


async def test_a_last_look_taken_after_the_task_returned_says_stop(make_pool: MakePool, tmp_path: Path) -> None:
    """A thread of a task that has returned can no longer be let past (its call is settled): it hears no at once
    instead of waiting for an answer that never comes."""
    pool = make_pool(max_workers=1)
    marker = tmp_path / "answer"
    assert await pool.run(jobs.looks_last_on_a_thread_after_returning, marker=str(marker)) == "returned"
    await wait_until(marker.exists, what="the thread's last look", timeout=5)
    assert marker.read_text() == "True"
    assert await pool.run(jobs.echo, "next") == "next"  # the worker goes on


async def test_a_task_that_dies_past_its_last_look_is_reported_crashed(make_pool: MakePool, tmp_path: Path) -> None:
    """Past its last look the pool no longer kills it, so a worker that dies then died by itself, perhaps after
    its commit: never reported as a cancel ("nothing was changed")."""
    pool = make_pool(max_workers=1, cancel_grace=10.0)
    reports: list[Progress] = []
    token = CancelToken()
    marker = str(tmp_path / "ran")
    task = asyncio.ensure_future(
        pool.run(jobs.dies_after_its_last_look, marker=marker, on_progress=reports.append, cancel_token=token)
    )
    await wait_until(lambda: any(r.phase == "committing" for r in reports), what="the task past its last look")
    token.cancel()
    with pytest.raises(WorkerCrashedError):
        await task
    stats = pool.stats()
    assert (stats.crashed, stats.cancelled) == (1, 0)


async def test_a_retry_of_a_task_that_was_past_its_last_look_can_be_cancelled(
    make_pool: MakePool, tmp_path: Path
) -> None:
    pool = make_pool(max_workers=1, cancel_grace=10.0)
    task, _ = await _dies_past_its_last_look_cancelled_at(pool, tmp_path, "retried")
    with pytest.raises(TaskCancelled):
        await asyncio.wait_for(task, timeout=5)


async def test_the_last_look_sees_a_cancel_asked_before_it(make_pool: MakePool) -> None:
    pool = make_pool(max_workers=1, cancel_grace=10.0)
    task, _ = await _cancelled_by_token(pool, jobs.last_look_after_a_cancel)
    with pytest.raises(TaskCancelled):
        await task


async def test_a_task_ignoring_cancel_is_killed_after_cancel_grace(make_pool: MakePool) -> None:
    pool = make_pool(max_workers=1, cancel_grace=0.3)
    reports: list[Progress] = []
    task = asyncio.ensure_future(pool.run(jobs.sleep_report_pid, 30, on_progress=reports.append))
    await wait_until(lambda: bool(reports), what="the task running")
    stubborn_pid = int(reports[0].message)
    waiting = asyncio.ensure_future(pool.run(jobs.getpid))

    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    assert process_alive(stubborn_pid)  # the call ended at once; the worker gets cancel_grace to stop
    new_pid = await waiting  # the slot frees when the stubborn worker is killed
    assert new_pid != stubborn_pid
    assert not process_alive(stubborn_pid)
    stats = pool.stats()
    assert (stats.cancelled, stats.crashed, stats.completed) == (1, 0, 1)


async def test_timeout_stops_the_task_with_task_timeout_error(make_pool: MakePool) -> None:
    pool = make_pool(max_workers=1, cancel_grace=0.2)
    with pytest.raises(TaskTimeoutError, match=r"longer than 0\.3 s"):
        await pool.run(jobs.sleep_then, 30, timeout=0.3)
    assert pool.stats().timed_out == 1
    assert await pool.run(jobs.echo, "next") == "next"


async def test_pool_task_timeout_applies_to_every_call(make_pool: MakePool) -> None:
    pool = make_pool(task_timeout=0.2, cancel_grace=0.1)
    with pytest.raises(TaskTimeoutError):
        await pool.run(jobs.sleep_then, 30)


async def test_timeout_counts_from_dispatch_not_from_enqueue(make_pool: MakePool) -> None:
    pool = make_pool(max_workers=1)
    first = asyncio.ensure_future(pool.run(jobs.sleep_then, 0.6, "first"))
    # Waits ~0.6 s in the queue, then runs 0.05 s: well within a 0.4 s timeout counted from dispatch.
    second = asyncio.ensure_future(pool.run(jobs.sleep_then, 0.05, "second", timeout=0.4))
    assert await asyncio.gather(first, second) == ["first", "second"]
    assert pool.stats().timed_out == 0


async def test_retries_rerun_a_task_after_a_crash(make_pool: MakePool, tmp_path: Path) -> None:
    pool = make_pool()
    marker = tmp_path / "runs"
    assert await pool.run(jobs.crash_first_time, str(marker), retries=1) == "ok after 2 runs"
    stats = pool.stats()
    assert (stats.retried, stats.crashed, stats.completed) == (1, 0, 1)


async def test_without_retries_a_crash_fails_the_call(make_pool: MakePool, tmp_path: Path) -> None:
    pool = make_pool()
    with pytest.raises(WorkerCrashedError):
        await pool.run(jobs.crash_first_time, str(tmp_path / "runs"))


async def test_retries_rerun_a_task_after_a_transient_error(make_pool: MakePool, tmp_path: Path) -> None:
    pool = make_pool()
    assert await pool.run(jobs.transient_first_time, str(tmp_path / "runs"), retries=2) == "ok after 2 runs"
    assert pool.stats().retried == 1


async def test_other_exceptions_are_never_retried(make_pool: MakePool, tmp_path: Path) -> None:
    pool = make_pool()
    marker = tmp_path / "runs"
    with pytest.raises(ValueError):
        await pool.run(jobs.value_error_counting, str(marker), retries=3)
    assert len(marker.read_text().splitlines()) == 1


async def test_timeouts_are_never_retried(make_pool: MakePool, tmp_path: Path) -> None:
    pool = make_pool(cancel_grace=0.1)
    marker = tmp_path / "runs"
    with pytest.raises(TaskTimeoutError):
        await pool.run(jobs.sleep_counting, str(marker), 30, timeout=0.3, retries=3)
    await asyncio.sleep(0.5)
    assert len(marker.read_text().splitlines()) == 1
    assert pool.stats().retried == 0


async def test_cancellations_are_never_retried(make_pool: MakePool, tmp_path: Path) -> None:
    pool = make_pool(cancel_grace=0.1)
    marker = tmp_path / "runs"
    task = asyncio.ensure_future(pool.run(jobs.sleep_counting, str(marker), 30, retries=3))
    await wait_until(marker.exists, what="the task running")
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    await asyncio.sleep(0.5)
    assert len(marker.read_text().splitlines()) == 1
    assert pool.stats().retried == 0


async def test_retries_are_capped(make_pool: MakePool) -> None:
    pool = make_pool()
    with pytest.raises(WorkerCrashedError):
        await pool.run(jobs.mixed, "crash", 0, retries=2)
    assert pool.stats().retried == 2
    assert pool.stats().crashed == 1
