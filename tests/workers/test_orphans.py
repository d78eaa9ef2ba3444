"""No process outlives an app killed with SIGKILL, even while its worker is inside a long C call that holds the
GIL (a big parse): not the worker, not the forkserver, not the resource tracker."""

from __future__ import annotations

import contextlib
import signal
import textwrap
from pathlib import Path

import psutil
import pytest
from pool_helpers import read_pids, start_script, wait_all_dead

APP_IN_A_SLOW_PARSE = textwrap.dedent(
    """
    import asyncio
    import worker_jobs
    from harmony.workers import Job, PoolConfig, WorkerManager

    async def main():
        manager = WorkerManager(PoolConfig(max_workers=1), PoolConfig(max_workers=1))
        busy = asyncio.ensure_future(manager.execute_sync(Job(worker_jobs.hold_the_gil, ())))
        while manager.stats()["sync"].busy_workers < 1:
            await asyncio.sleep(0.01)
        await asyncio.sleep(0.5)  # well inside the C call
        print(" ".join(map(str, manager.sync_pool.worker_pids())), flush=True)
        await asyncio.sleep(600)

    if __name__ == "__main__":
        asyncio.run(main())
    """
)


@pytest.mark.timeout(60)
def test_kill_9_during_a_long_c_call_leaves_no_process_behind(tmp_path: Path) -> None:
    app = start_script(APP_IN_A_SLOW_PARSE, tmp_path)
    family: list[psutil.Process] = []
    try:
        (worker,) = read_pids(app)
        family = psutil.Process(app.pid).children(recursive=True)
        names = " ".join(" ".join(p.cmdline()) for p in family)
        assert "forkserver" in names and "resource_tracker" in names, names
        assert worker in {p.pid for p in family}
        app.send_signal(signal.SIGKILL)
        app.wait(5)
        assert wait_all_dead([p.pid for p in family], 10.0) == []
    finally:
        if app.poll() is None:
            app.kill()
        for process in family:  # a failed run must not leave a worker spinning on the machine
            with contextlib.suppress(psutil.Error):
                process.kill()
        app.communicate()
