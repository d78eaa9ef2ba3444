"""The Traktor page's badges (what the collection holds) are kept in the cache folder: a restarted Harmony shows
them for a collection Traktor has not saved since without reading it again, and counts again once it has."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest

from harmony.nml import CollectionSummary
from harmony.service import TraktorService
from harmony.service.collection_info import FILE_NAME

from .conftest import Demo, RecordingManager

pytestmark = pytest.mark.timeout(120)


async def test_a_restart_shows_the_badges_of_a_collection_not_saved_since(
    restarts: Callable[[], tuple[TraktorService, RecordingManager]], demo: Demo, tmp_path: Path
) -> None:
    first, first_jobs = restarts()
    counted = await first.collection_summary(demo.nml)
    assert counted["tracks"] == demo.generated.tracks and first_jobs.names == ["summarize_collection"]

    restarted, restarted_jobs = restarts()
    assert await restarted.collection_summary(demo.nml) == counted
    assert restarted_jobs.names == [], "the kept summary was shown, the file not read"

    # Planted in the cache: what a restart shows comes from there.
    saved = tmp_path / "cache" / FILE_NAME
    stored = json.loads(saved.read_bytes())
    stored["collections"][str(demo.nml)]["value"]["summary"]["tracks"] += 5
    saved.write_text(json.dumps(stored))
    again, _ = restarts()
    assert (await again.collection_summary(demo.nml))["tracks"] == demo.generated.tracks + 5

    # Traktor saved: counted again, and that is kept.
    demo.nml.write_bytes(demo.nml.read_bytes() + b"\n")
    after_save, after_save_jobs = restarts()
    assert (await after_save.collection_summary(demo.nml))["tracks"] == demo.generated.tracks
    assert after_save_jobs.names == ["summarize_collection"]
    last, last_jobs = restarts()
    assert (await last.collection_summary(demo.nml))["tracks"] == demo.generated.tracks and last_jobs.names == []


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
    restarts: Callable[[], tuple[TraktorService, RecordingManager]], demo: Demo, tmp_path: Path, summary: object
) -> None:
    first, _ = restarts()
    await first.collection_summary(demo.nml)
    saved = tmp_path / "cache" / FILE_NAME
    stored = json.loads(saved.read_bytes())
    stored["collections"][str(demo.nml)]["value"]["summary"] = summary
    saved.write_text(json.dumps(stored))
    restarted, jobs = restarts()
    assert (await restarted.collection_summary(demo.nml))["tracks"] == demo.generated.tracks
    assert jobs.names == ["summarize_collection"]


def test_a_summary_comes_back_from_its_json() -> None:
    summary = CollectionSummary(19, 3, 2, 1, 0, cue_points={"total": 4, "cue": 4})
    assert CollectionSummary.from_json(json.loads(json.dumps(summary.to_json()))) == summary
    with pytest.raises(ValueError, match="not a collection summary"):
        CollectionSummary.from_json({**summary.to_json(), "extra": 1})
