"""The collection's health check on the sync pool: callers asking at once share one read of the file, one that
goes away does not cancel it for the others, and a new save is read again."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from harmony.service import TraktorService
from harmony.workers import Job

from .conftest import Demo

pytestmark = pytest.mark.timeout(120)


def _count_jobs(service: TraktorService) -> list[str]:
    """Count the jobs sent to the sync pool (their function names), still running them, each 0.3 s late: a
    big collection's read takes a second, long enough for the callers in these tests to come and go."""
    sent: list[str] = []
    real = service.manager.execute_sync

    async def counting(job: Job, *args: Any, **kwargs: Any) -> Any:
        sent.append(job.fn.__name__)
        await asyncio.sleep(0.3)
        return await real(job, *args, **kwargs)

    service.manager.execute_sync = counting  # type: ignore[method-assign]
    return sent


async def test_pages_asking_at_once_share_one_read(service: TraktorService, demo: Demo) -> None:
    sent = _count_jobs(service)
    first, second, third = await asyncio.gather(*(service.recovery.check(str(demo.nml)) for _ in range(3)))
    assert first.ok and first == second == third
    assert sent == ["check_collection"]
    assert (await service.recovery.check(str(demo.nml))) == first  # the verdict is kept for the same file
    assert sent == ["check_collection"]

    demo.nml.write_bytes(demo.nml.read_bytes() + b"\n")  # Traktor saved: read again
    assert (await service.recovery.check(str(demo.nml))).ok
    assert sent == ["check_collection", "check_collection"]


async def test_a_caller_that_goes_away_does_not_cancel_the_read_for_the_others(
    service: TraktorService, demo: Demo
) -> None:
    sent = _count_jobs(service)
    leaving = asyncio.ensure_future(service.recovery.check(str(demo.nml)))
    staying = asyncio.ensure_future(service.recovery.check(str(demo.nml)))
    await asyncio.sleep(0.05)
    leaving.cancel()
    health = await staying
    assert health.ok and leaving.cancelled()
    assert sent == ["check_collection"]
