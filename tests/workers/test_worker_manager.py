"""WorkerManager: the sync and export pools (or one shared pool), jobs, stats, shutdown."""

from __future__ import annotations

import asyncio
import signal
import textwrap
from collections.abc import AsyncIterator, Callable
from pathlib import Path

import pytest
import worker_jobs as jobs
from pool_helpers import read_pids, start_script, wait_all_dead, wait_until

from harmony.workers import Job, PoolConfig, Progress, WorkerManager

pytestmark = pytest.mark.timeout(30)

MakeManager = Callable[..., WorkerManager]


@pytest.fixture
async def make_manager() -> AsyncIterator[MakeManager]:
    managers: list[WorkerManager] = []

    def make(**options: object) -> WorkerManager:
        manager = WorkerManager(**options)  # type: ignore[arg-type]
        managers.append(manager)
        return manager

    yield make
    for manager in managers:
        await manager.shutdown(timeout=1.0)


def test_default_pools_follow_the_seed() -> None:
    manager = WorkerManager()
    for pool, name in ((manager.sync_pool, "sync"), (manager.export_pool, "export")):
        assert pool.name == name
        assert (pool.max_workers, pool.min_workers, pool.idle_timeout) == (2, 0, 60.0)
    assert manager.sync_pool is not manager.export_pool


async def test_execute_sync_and_export_run_on_their_own_pools(make_manager: MakeManager) -> None:
    manager = make_manager()
    sync_reports: list[Progress] = []
    export_reports: list[Progress] = []
    sync_result, export_result = await asyncio.gather(
        manager.execute_sync(Job(jobs.report_many, (3,)), sync_reports.append),
        manager.execute_export(Job(jobs.add, (1, 2), {"scale": 5}), export_reports.append),
    )
    assert (sync_result, export_result) == (3, 15)
    assert [r.operation for r in sync_reports] == ["sync"] * 3
    stats = manager.stats()
    assert set(stats) == {"sync", "export"}
    assert (stats["sync"].completed, stats["export"].completed) == (1, 1)


async def test_sync_and_export_run_at_the_same_time(make_manager: MakeManager) -> None:
    manager = make_manager(sync=PoolConfig(max_workers=1), export=PoolConfig(max_workers=1))
    long_sync = asyncio.ensure_future(manager.execute_sync(Job(jobs.sleep_then, (1.0, "sync"))))
    await wait_until(lambda: manager.stats()["sync"].busy_workers == 1, what="sync running")
    # The export is not stuck behind the long sync: it finishes while the sync still runs.
    assert await manager.execute_export(Job(jobs.echo, ("export",))) == "export"
    assert not long_sync.done()
    assert await long_sync == "sync"


async def test_pool_options_are_configurable(make_manager: MakeManager) -> None:
    manager = make_manager(sync=PoolConfig(max_workers=1, min_workers=1, idle_timeout=5.0))
    assert (manager.sync_pool.max_workers, manager.sync_pool.min_workers) == (1, 1)
    assert manager.export_pool.max_workers == 2


async def test_shared_pool_serves_both_operations(make_manager: MakeManager) -> None:
    manager = make_manager(shared=True)
    assert manager.sync_pool is manager.export_pool
    reports: list[Progress] = []
    await manager.execute_sync(Job(jobs.report_many, (1,)), reports.append)
    await manager.execute_export(Job(jobs.report_many, (1,)), reports.append)
    assert [r.operation for r in reports] == ["sync", "export"]
    stats = manager.stats()
    assert stats["sync"] == stats["export"]
    assert stats["sync"].completed == 2


async def test_job_timeout_and_retries_are_honoured(make_manager: MakeManager, tmp_path: Path) -> None:
    manager = make_manager(sync=PoolConfig(cancel_grace=0.1))
    result = await manager.execute_sync(Job(jobs.crash_first_time, (str(tmp_path / "runs"),), retries=1))
    assert result == "ok after 2 runs"
    with pytest.raises(Exception, match="longer than"):
        await manager.execute_sync(Job(jobs.sleep_then, (30,), timeout=0.2))


async def test_shutdown_finishes_running_jobs_and_stops_all_workers(make_manager: MakeManager) -> None:
    manager = make_manager()
    running = asyncio.ensure_future(manager.execute_export(Job(jobs.sleep_then, (0.2, "done"))))
    await wait_until(lambda: manager.stats()["export"].busy_workers == 1, what="export running")
    pids = manager.export_pool.worker_pids()
    await manager.shutdown()
    assert await running == "done"
    assert wait_all_dead(pids, 2.0) == []


async def test_shutdown_gives_up_waiting_after_its_timeout(make_manager: MakeManager) -> None:
    manager = make_manager()
    stuck = asyncio.ensure_future(manager.execute_sync(Job(jobs.sleep_then, (60,))))
    await wait_until(lambda: manager.stats()["sync"].busy_workers == 1, what="sync running")
    await manager.shutdown(timeout=0.3)
    with pytest.raises(Exception, match="destroyed"):
        await stuck
    assert manager.stats()["sync"].total_workers == 0


SIGTERM_PARENT = textwrap.dedent(
    """
    import asyncio
    import signal
    import worker_jobs
    from harmony.workers import Job, WorkerManager

    async def main():
        # The app's own SIGTERM handler: it must still run, after the manager has stopped the workers.
        signal.signal(signal.SIGTERM, lambda *_: print("app handler ran", flush=True))
        manager = WorkerManager.instance()
        assert manager is WorkerManager.instance()
        asyncio.ensure_future(manager.execute_sync(Job(worker_jobs.sleep_then, (60,))))
        asyncio.ensure_future(manager.execute_export(Job(worker_jobs.sleep_then, (60,))))
        stats = manager.stats
        while stats()["sync"].busy_workers + stats()["export"].busy_workers < 2:
            await asyncio.sleep(0.01)
        pids = manager.sync_pool.worker_pids() + manager.export_pool.worker_pids()
        print(" ".join(map(str, pids)), flush=True)
        await asyncio.sleep(60)

    if __name__ == "__main__":
        asyncio.run(main())
    """
)


def test_sigterm_stops_the_process_manager_workers_then_runs_the_previous_handler(tmp_path: Path) -> None:
    parent = start_script(SIGTERM_PARENT, tmp_path)
    try:
        worker_pids = read_pids(parent)
        assert len(worker_pids) == 2
        parent.send_signal(signal.SIGTERM)
        assert parent.stdout is not None
        assert parent.stdout.readline().strip() == "app handler ran"
        assert wait_all_dead(worker_pids, 2.0) == []
        assert parent.poll() is None  # the workers were stopped by the manager, not by their parent's death
    finally:
        if parent.poll() is None:
            parent.kill()
        parent.communicate()


def test_sigterm_with_no_app_handler_still_terminates_the_app(tmp_path: Path) -> None:
    source = SIGTERM_PARENT.replace(
        'signal.signal(signal.SIGTERM, lambda *_: print("app handler ran", flush=True))', "pass"
    )
    parent = start_script(source, tmp_path)
    try:
        worker_pids = read_pids(parent)
        parent.send_signal(signal.SIGTERM)
        assert parent.wait(5) == -signal.SIGTERM
        assert wait_all_dead(worker_pids, 2.0) == []
    finally:
        if parent.poll() is None:
            parent.kill()
        parent.communicate()
