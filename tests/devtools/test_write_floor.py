"""`bench/write_floor.py` runs end to end on a small collection: the floor writes every row the import wrote."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any


def test_the_floor_writes_the_rows_the_first_import_wrote(
    tmp_path: Path, run_bench: Callable[..., dict[str, Any]]
) -> None:
    report = run_bench("write_floor.py", "--tracks", "300", "--out-dir", str(tmp_path), timeout=300)
    assert report["read"]["tracks"] == 300
    assert report["read"]["cues"] > 0
    assert set(report["first_import"]["phases"]) >= {"parsing", "analyzing", "saving"}
    floor = report["write_floor"]
    # Row counts of every table the import filled are the same in the floor's library.
    assert floor["same_rows"] is True
    # 300 tracks with their cues, bases, playlists and entries.
    assert floor["rows"] > 3 * 300
    for step in ("insert tracks", "insert cue_points", "insert track_sync_bases", "commit"):
        assert floor["steps"][step] >= 0, step
    assert floor["steps"]["indexes and search index, built after"] > 0
    assert all(ratio > 0 for ratio in report["ratios"].values())
    # The bench leaves no library of its own behind, only the cached collection.
    assert not list(tmp_path.glob("write-floor-*"))
