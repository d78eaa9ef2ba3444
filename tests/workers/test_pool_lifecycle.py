"""WorkerPool: close vs destroy, statistics, no orphans, the blocking facade."""

from __future__ import annotations

import asyncio
import signal
import textwrap
from collections.abc import Callable
from pathlib import Path

import psutil
import pytest
import worker_jobs as jobs
from pool_helpers import process_alive, read_pids, start_script, wait_all_dead, wait_until

from harmony.workers import BlockingWorkerPool, PoolClosedError, Progress, TaskTimeoutError, WorkerPool

pytestmark = pytest.mark.timeout(30)

MakePool = Callable[..., WorkerPool]


async def test_close_finishes_queued_and_running_work_then_stops_the_workers(make_pool: MakePool) -> None:
    pool = make_pool(max_workers=1, min_workers=1)
    calls = [asyncio.ensure_future(pool.run(jobs.sleep_then, 0.1, i)) for i in range(4)]
    await wait_until(lambda: pool.stats().busy_workers == 1, what="work started")
    pids = pool.worker_pids()

    await pool.close()

    assert [await call for call in calls] == [0, 1, 2, 3]
    stats = pool.stats()
    assert (stats.total_workers, stats.completed) == (0, 4)
    assert wait_all_dead(pids, 2.0) == []
    with pytest.raises(PoolClosedError):
        await pool.run(jobs.echo, "too late")


async def test_destroy_fails_queued_and_running_work_and_kills_the_workers(make_pool: MakePool) -> None:
    pool = make_pool(max_workers=1)
    calls = [asyncio.ensure_future(pool.run(jobs.sleep_then, 30, i)) for i in range(3)]
    await wait_until(lambda: pool.stats().busy_workers == 1, what="work started")
    pids = pool.worker_pids()

    await pool.destroy()

    results = await asyncio.gather(*calls, return_exceptions=True)
    assert all(isinstance(r, PoolClosedError) for r in results), results
    assert pool.stats().total_workers == 0
    assert wait_all_dead(pids, 2.0) == []
    with pytest.raises(PoolClosedError):
        await pool.run(jobs.echo, "too late")


async def test_close_of_an_unused_pool_returns_at_once() -> None:
    pool = WorkerPool("unused")
    await pool.close()
    with pytest.raises(PoolClosedError):
        await pool.run(jobs.echo, 1)


async def test_stats_count_every_outcome_and_time_every_task(make_pool: MakePool) -> None:
    pool = make_pool(max_workers=2, cancel_grace=0.1)
    assert await pool.run(jobs.echo, 1) == 1
    assert await pool.run(jobs.sleep_then, 0.05, 2) == 2
    with pytest.raises(ValueError):
        await pool.run(jobs.fail_value_error, "x")
    with pytest.raises(Exception, match="SIGKILL"):
        await pool.run(jobs.kill_self)
    with pytest.raises(TaskTimeoutError):
        await pool.run(jobs.sleep_then, 30, timeout=0.2)
    reports: list[Progress] = []
    cancelled = asyncio.ensure_future(pool.run(jobs.sleep_report_pid, 30, on_progress=reports.append))
    await wait_until(lambda: bool(reports), what="the task running")
    cancelled.cancel()
    await asyncio.gather(cancelled, return_exceptions=True)
    # The call ended at once; the task's outcome counts once its worker is stopped (killed after cancel_grace).
    await wait_until(lambda: pool.stats().cancelled == 1, timeout=5, what="the cancelled task to end")

    stats = pool.stats()
    assert stats.name == "test"
    assert (
        stats.submitted,
        stats.completed,
        stats.failed,
        stats.crashed,
        stats.timed_out,
        stats.cancelled,
    ) == (
        6,
        2,
        1,
        1,
        1,
        1,
    )
    assert stats.settled == stats.submitted
    assert stats.queued_tasks == 0
    assert stats.run_time.count == 6
    assert stats.wait_time.count == 6
    assert stats.run_time.max >= 0.2  # the timed-out task ran until its timeout
    assert 0 <= stats.run_time.p50 <= stats.run_time.p90 <= stats.run_time.p99 <= stats.run_time.max


async def test_stats_worker_counts_follow_the_workers(make_pool: MakePool) -> None:
    pool = make_pool(max_workers=2, min_workers=1)
    first = pool.stats()
    assert (first.total_workers, first.starting_workers) == (1, 1)
    await wait_until(lambda: pool.stats().idle_workers == 1, what="ready")
    calls = [asyncio.ensure_future(pool.run(jobs.sleep_then, 1.0)) for _ in range(3)]
    await wait_until(lambda: pool.stats().busy_workers == 2, what="two busy workers")
    stats = pool.stats()
    assert (stats.total_workers, stats.idle_workers, stats.starting_workers, stats.queued_tasks) == (
        2,
        0,
        0,
        1,
    )
    await asyncio.gather(*calls)


ORPHAN_PARENT = textwrap.dedent(
    """
    import asyncio
    import worker_jobs
    from harmony.workers import WorkerPool

    async def main():
        pool = WorkerPool("orphans", max_workers=3, min_workers=3)
        await pool.start()
        busy = asyncio.ensure_future(pool.run(worker_jobs.sleep_then, 60))
        while pool.stats().busy_workers < 1:
            await asyncio.sleep(0.01)
        print(" ".join(map(str, pool.worker_pids())), flush=True)
        await asyncio.sleep(60)

    if __name__ == "__main__":
        asyncio.run(main())
    """
)


def test_no_worker_outlives_a_parent_killed_with_sigkill(tmp_path: Path) -> None:
    parent = start_script(ORPHAN_PARENT, tmp_path)
    try:
        worker_pids = read_pids(parent)
        assert len(worker_pids) == 3
        descendants = [p.pid for p in psutil.Process(parent.pid).children(recursive=True)]
        assert set(worker_pids) <= set(descendants)
        parent.send_signal(signal.SIGKILL)
        parent.wait(5)
        assert wait_all_dead(descendants, 2.0) == []
    finally:
        if parent.poll() is None:
            parent.kill()
        parent.communicate()


EXIT_WITHOUT_CLOSE = textwrap.dedent(
    """
    import asyncio
    import worker_jobs
    from harmony.workers import WorkerPool

    async def main():
        pool = WorkerPool("exit", max_workers=2, min_workers=1)
        await pool.start()
        asyncio.ensure_future(pool.run(worker_jobs.sleep_then, 60))  # still running when the program ends
        asyncio.ensure_future(pool.run(worker_jobs.sleep_then, 60))
        while pool.stats().busy_workers < 2:
            await asyncio.sleep(0.01)
        print(" ".join(map(str, pool.worker_pids())), flush=True)

    if __name__ == "__main__":
        asyncio.run(main())
    """
)


def test_interpreter_exit_leaves_no_worker_behind(tmp_path: Path) -> None:
    parent = start_script(EXIT_WITHOUT_CLOSE, tmp_path)
    try:
        worker_pids = read_pids(parent)
        assert len(worker_pids) == 2
        parent.wait(10)
        assert wait_all_dead(worker_pids, 2.0) == []
    finally:
        if parent.poll() is None:
            parent.kill()
        parent.communicate()


def test_blocking_facade_runs_tasks_and_reports_progress() -> None:
    reports: list[Progress] = []
    with BlockingWorkerPool("cli", max_workers=1) as pool:
        assert pool.run(jobs.add, 20, 22) == 42
        assert pool.run(jobs.report_many, 3, on_progress=reports.append) == 3
        with pytest.raises(ValueError, match="bad"):
            pool.run(jobs.fail_value_error, "bad")
        stats = pool.stats()
    assert [r.message for r in reports] == ["step 0", "step 1", "step 2"]
    assert (stats.completed, stats.failed) == (2, 1)


def test_blocking_facade_close_stops_the_workers() -> None:
    pool = BlockingWorkerPool("cli", max_workers=1)
    pid = pool.run(jobs.getpid)
    assert process_alive(pid)
    pool.close()
    assert wait_all_dead([pid], 2.0) == []


def test_blocking_facade_destroy_on_error_kills_the_workers() -> None:
    with pytest.raises(RuntimeError, match="leaving"), BlockingWorkerPool("cli") as pool:
        pid = pool.run(jobs.getpid)
        raise RuntimeError("leaving")
    assert wait_all_dead([pid], 2.0) == []


def test_script_helpers_fail_loudly_when_the_parent_dies_early(tmp_path: Path) -> None:
    broken = start_script("raise SystemExit('no workers today')", tmp_path)
    with pytest.raises(AssertionError, match="no workers today"):
        read_pids(broken)
    assert broken.returncode != 0


def test_a_pool_can_serve_one_event_loop_after_another() -> None:
    # The CLI pattern: one process-wide pool, a fresh asyncio.run() per command.
    pool = WorkerPool("cli", max_workers=1)
    try:
        first_pid = asyncio.run(pool.run(jobs.getpid))
        assert asyncio.run(pool.run(jobs.add, 1, 2)) == 3
        assert wait_all_dead([first_pid], 2.0) == []  # the first loop's worker did not linger
    finally:
        asyncio.run(pool.destroy())


UNGUARDED_SCRIPT = textwrap.dedent(
    """
    import asyncio
    import pathlib
    import sys
    import worker_jobs
    from harmony.workers import WorkerPool

    # A side effect with no `if __name__ == "__main__"` guard: it must run once, in this process only.
    with open(sys.argv[1], "a") as log:
        log.write("main script ran\\n")

    def defined_in_main():
        return "never"

    async def main():
        pool = WorkerPool("unguarded", max_workers=2)
        pids = await asyncio.gather(pool.run(worker_jobs.getpid), pool.run(worker_jobs.sleep_report_pid, 0.1))
        try:
            await pool.run(defined_in_main)
        except TypeError as error:
            print("refused:", error)
        await pool.close()
        print(" ".join(map(str, pids)))

    asyncio.run(main())
    """
)


def test_workers_never_rerun_the_apps_main_script(tmp_path: Path) -> None:
    side_effects = tmp_path / "side_effects.txt"
    parent = start_script(UNGUARDED_SCRIPT, tmp_path, str(side_effects))
    out, err = parent.communicate(timeout=20)
    assert parent.returncode == 0, err
    assert side_effects.read_text() == "main script ran\n"
    assert "refused: defined_in_main cannot run in a worker" in out
