"""`bench/write_floor.py` runs end to end on a small collection: the floor writes every row the import wrote."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

BENCH = Path(__file__).resolve().parents[2] / "bench" / "write_floor.py"


def test_the_floor_writes_the_rows_the_first_import_wrote(tmp_path: Path) -> None:
    completed = subprocess.run(
        [sys.executable, str(BENCH), "--tracks", "300", "--out-dir", str(tmp_path), "--json"],
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
    )
    assert completed.returncode == 0, completed.stderr
    report = json.loads(completed.stdout)
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
