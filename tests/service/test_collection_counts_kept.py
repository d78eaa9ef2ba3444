"""The Traktor page's badges (what the collection holds) are kept in the cache folder: a restarted Harmony shows
them for a collection Traktor has not saved since without reading it again, and counts again once it has."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Any

import pytest

from harmony.nml import CollectionSummary
from harmony.service import TraktorService
from harmony.service.collection_info import FILE_NAME
from harmony.workers import Job, WorkerManager

from .conftest import Demo

pytestmark = pytest.mark.timeout(120)


@pytest.fixture
async def runs(tmp_path: Path, manager: WorkerManager) -> AsyncIterator[Callable[[], tuple[TraktorService, list[str]]]]:
    """Harmony started on the same library and cache folder, once per call (a restart), with the names of the
    jobs it sends to the sync pool."""
    started: list[TraktorService] = []

    def start() -> tuple[TraktorService, list[str]]:
        sent: list[str] = []

        async def recording(job: Job, *args: Any, **kwargs: Any) -> Any:
            sent.append(job.fn.__name__)
            return await manager.execute_sync(job, *args, **kwargs)

        recorded: Any = _Recording(manager, recording)
        started.append(TraktorService(tmp_path / "library.db", recorded, cache_dir=tmp_path / "cache"))
        return started[-1], sent

    try:
        yield start
    finally:
        for service in started:
            await service.close()


class _Recording:
    """The manager, with its sync pool's jobs recorded."""

    def __init__(self, manager: WorkerManager, execute_sync: Callable[..., Any]) -> None:
        self._manager = manager
        self.execute_sync = execute_sync

    def __getattr__(self, name: str) -> Any:
        return getattr(self._manager, name)


async def test_a_restart_shows_the_badges_of_a_collection_not_saved_since(
    runs: Callable[[], tuple[TraktorService, list[str]]], demo: Demo, tmp_path: Path
) -> None:
    first, first_jobs = runs()
    counted = await first.collection_summary(demo.nml)
    assert counted["tracks"] == demo.generated.tracks and first_jobs == ["summarize_collection"]

    restarted, restarted_jobs = runs()
    assert await restarted.collection_summary(demo.nml) == counted
    assert restarted_jobs == [], "the kept summary was shown, the file not read"

    # Planted in the cache: what a restart shows comes from there.
    saved = tmp_path / "cache" / FILE_NAME
    stored = json.loads(saved.read_bytes())
    stored["collections"][str(demo.nml)]["value"]["summary"]["tracks"] += 5
    saved.write_text(json.dumps(stored))
    again, _ = runs()
    assert (await again.collection_summary(demo.nml))["tracks"] == demo.generated.tracks + 5

    # Traktor saved: counted again, and that is kept.
    demo.nml.write_bytes(demo.nml.read_bytes() + b"\n")
    after_save, after_save_jobs = runs()
    assert (await after_save.collection_summary(demo.nml))["tracks"] == demo.generated.tracks
    assert after_save_jobs == ["summarize_collection"]
    last, last_jobs = runs()
    assert (await last.collection_summary(demo.nml))["tracks"] == demo.generated.tracks and last_jobs == []


@pytest.mark.parametrize(
    "summary",
    [
        {"tracks": 3},
        {"version": 19, "tracks": -1, "playlists": 1, "folders": 1, "smart_lists": 0, "cue_points": {}},
        {"version": 19, "tracks": 3, "playlists": 1, "folders": 1, "smart_lists": 0, "cue_points": {"cue": "2"}},
        {"version": "19", "tracks": 3, "playlists": 1, "folders": 1, "smart_lists": 0, "cue_points": {}},
        [1, 2, 3],
    ],
)
async def test_a_kept_summary_that_is_not_one_is_counted_again(
    runs: Callable[[], tuple[TraktorService, list[str]]], demo: Demo, tmp_path: Path, summary: object
) -> None:
    first, _ = runs()
    await first.collection_summary(demo.nml)
    saved = tmp_path / "cache" / FILE_NAME
    stored = json.loads(saved.read_bytes())
    stored["collections"][str(demo.nml)]["value"]["summary"] = summary
    saved.write_text(json.dumps(stored))
    restarted, jobs = runs()
    assert (await restarted.collection_summary(demo.nml))["tracks"] == demo.generated.tracks
    assert jobs == ["summarize_collection"]


def test_a_summary_comes_back_from_its_json() -> None:
    summary = CollectionSummary(19, 3, 2, 1, 0, cue_points={"total": 4, "cue": 4})
    assert CollectionSummary.from_json(json.loads(json.dumps(summary.to_json()))) == summary
    with pytest.raises(ValueError, match="not a collection summary"):
        CollectionSummary.from_json({**summary.to_json(), "extra": 1})
