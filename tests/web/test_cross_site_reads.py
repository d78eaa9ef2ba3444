"""Reads that start work (the collection's badges parse a file on a worker, the folder browser lists folders)
need the app's own origin or its token, like changes; and one client has one parse running at most."""

from __future__ import annotations

import asyncio
import time
from pathlib import Path

import pytest

from harmony.service import PARSES_PER_CLIENT, CollectionInfoCache, TooManyParsesError
from harmony.workers import PoolConfig, WorkerManager

from .conftest import PORT, Api, Demo


@pytest.mark.parametrize("path", ["/api/traktor/info", "/api/files", "/api/files/"])
async def test_cross_site_reads_that_start_work_are_refused(api: Api, demo: Demo, path: str) -> None:
    params = {"nml_path": str(demo.nml)} if "info" in path else {"path": str(demo.nml.parent)}
    before = {name: pool.submitted for name, pool in api.state.service.manager.stats().items()}
    for headers in ({"Origin": "http://evil.com"}, {}, {"X-Harmony-Token": "guessed"}):
        response = await api.client.get(path, params=params, headers=headers)
        assert response.status_code == 403, (headers, response.text)
        assert "did not come from a Harmony page" in response.json()["error"]
    assert {name: pool.submitted for name, pool in api.state.service.manager.stats().items()} == before

    own_page = await api.client.get(path, params=params, headers=api.token, follow_redirects=True)
    assert own_page.status_code == 200
    same_origin = await api.client.get(
        path, params=params, headers={"Origin": f"http://127.0.0.1:{PORT}"}, follow_redirects=True
    )
    assert same_origin.status_code == 200


async def test_plain_reads_of_the_library_stay_open(api: Api) -> None:
    assert (await api.client.get("/api/library/tracks", headers={"Origin": "http://evil.com"})).status_code == 200


async def test_one_client_runs_one_parse_at_a_time(tmp_path: Path, demo: Demo) -> None:
    manager = WorkerManager(PoolConfig(max_workers=2), PoolConfig(max_workers=1))
    cache = CollectionInfoCache(manager)
    copies = []
    for n in range(3):
        copy = tmp_path / f"copy{n}.nml"
        copy.write_bytes(demo.nml.read_bytes())
        copies.append(copy)
    try:
        first = asyncio.ensure_future(cache.summary(copies[0], "10.0.0.1"))
        # The first parse counts once its file has been looked at (on a thread): wait for that, not for a
        # single turn of the loop, which a loaded machine (the README's plain `pytest`) once outran.
        deadline = time.monotonic() + 10
        while "10.0.0.1" not in cache._started_by and time.monotonic() < deadline:
            await asyncio.sleep(0.001)
        assert not first.done()
        joined = asyncio.ensure_future(cache.summary(copies[0], "10.0.0.1"))  # the same file joins for free
        assert PARSES_PER_CLIENT == 1
        with pytest.raises(TooManyParsesError):
            await cache.summary(copies[1], "10.0.0.1")
        other_client = await cache.summary(copies[2], "10.0.0.2")
        assert (await first)["tracks"] == (await joined)["tracks"] == other_client["tracks"]
        assert (await cache.summary(copies[1], "10.0.0.1"))["tracks"] == other_client["tracks"]  # free again
    finally:
        await manager.shutdown(timeout=10)
