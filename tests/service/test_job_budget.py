"""Every job the service starts has a time budget: past it the job is stopped, the operation fails in plain
words, and the next operation gets a working worker. (That a worker which does not stop when asked is killed and
replaced is the pool's own promise, proved in tests/workers/test_pool_cancel.py.)"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from harmony.errors import SyncError
from harmony.service import TraktorService
from harmony.service.budget import BUDGET_VARIABLE, DEFAULT_JOB_BUDGET, job_budget
from harmony.workers import WorkerManager

from .conftest import Demo


def test_the_budget_comes_from_the_argument_the_environment_or_the_default(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(BUDGET_VARIABLE, raising=False)
    assert job_budget() == DEFAULT_JOB_BUDGET
    monkeypatch.setenv(BUDGET_VARIABLE, "42.5")
    assert job_budget() == 42.5
    assert job_budget(3) == 3
    for bad in ("soon", "0", "-1", "inf"):
        monkeypatch.setenv(BUDGET_VARIABLE, bad)
        with pytest.raises(SyncError, match="seconds"):
            job_budget()


@pytest.mark.timeout(90)
@pytest.mark.parametrize("operation", ["preview", "export"])
async def test_a_job_over_its_budget_is_stopped_and_its_worker_replaced(
    tmp_path: Path, manager: WorkerManager, demo: Demo, operation: str
) -> None:
    # A budget no job can meet (reading the 300-track collection alone takes longer, even on a warm worker
    # with its temporary files in memory): the job is stopped in the middle of its work, as a hung one would be.
    hurried = TraktorService(tmp_path / "library.db", manager, spool_dir=str(tmp_path), job_budget=0.001)
    try:
        op = await (hurried.preview(demo.request()) if operation == "preview" else _export(hurried, demo))
        assert op.status == "failed"
        assert op.error is not None
        assert f"The {operation} took longer than its 0.001 seconds and was stopped" in op.error
        assert "nothing was changed" in op.error and BUDGET_VARIABLE in op.error
        assert "\n" not in op.error
        pool = "export" if operation == "export" else "sync"
        assert manager.stats()[pool].timed_out == 1
    finally:
        await hurried.close()
    # The same pools, a sensible budget: the next operation runs to the end on a fresh worker.
    patient = TraktorService(tmp_path / "library.db", manager, spool_dir=str(tmp_path))
    try:
        again = await patient.preview(demo.request())
        assert again.status == "succeeded", again.error
    finally:
        await patient.close()


async def _export(service: TraktorService, demo: Demo):  # type: ignore[no-untyped-def]
    from harmony.service import ExportRequest

    mappings = tuple(f"{volume}={folder}" for volume, folder in demo.generated.path_mappings.items())
    return await service.export(ExportRequest(nml_path=str(demo.nml), path_mappings=mappings))


@pytest.mark.timeout(90)
def test_the_cli_says_when_a_job_ran_out_of_time(tmp_path: Path, demo: Demo) -> None:
    # As above, a budget no job can meet: 0.05 s was one the 300-track preview came to meet on a warm machine.
    env = {**os.environ, BUDGET_VARIABLE: "0.001"}
    command = ["traktor", "preview", "--nml", str(demo.nml)]
    completed = subprocess.run(
        [sys.executable, "-m", "harmony", "--library", str(tmp_path / "library.db"), *command],
        capture_output=True,
        text=True,
        env=env,
        timeout=80,
        check=False,
    )
    assert completed.returncode != 0
    assert "took longer than its 0.001 seconds and was stopped" in completed.stdout + completed.stderr
