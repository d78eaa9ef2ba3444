"""`bench/nml_bench.py` runs end to end on a tiny collection and reports every step (not its speed)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any


def test_bench_runs_every_step_and_forms_the_ratios(tmp_path: Path, run_bench: Callable[..., dict[str, Any]]) -> None:
    report = run_bench("nml_bench.py", "--tracks", "300", "--tnu-tracks", "120", "--out-dir", str(tmp_path))
    assert report["files"]["big"]["tracks"] == 300
    assert report["files"]["small"]["tracks"] == 120
    steps = report["steps"]
    for name, step in steps.items():
        assert step["error"] is None, f"{name}: {step['error']}"
        assert step["figures"]["seconds"] > 0
        assert step["figures"]["peak_rss"] >= step["figures"]["baseline_rss"] > 0
    # The full read saw every track, and a no-edit write of a Traktor-style file gives the same bytes back.
    assert steps["load_read"]["figures"]["tracks"] == 300
    assert steps["load_iter_data"]["figures"]["tracks"] == 300
    assert steps["load_iter_data"]["figures"]["cues"] == steps["load_read"]["figures"]["cues"]
    assert steps["small_load_read"]["figures"]["tracks"] == 120
    assert steps["tnu_load"]["figures"]["tracks"] == 120
    assert steps["load_to_bytes"]["figures"]["identical"] is True
    assert steps["load_edit_save"]["figures"]["edited"] == 3
    assert all(value is not None for value in report["ratios"].values())
    assert set(report["targets"]) == {
        "full_read_vs_parse",
        "write_vs_parse_tostring",
        "speedup_vs_tnu",
        "read_memory_vs_file",
        "save_memory_vs_file",
    }
    assert all(isinstance(target["met"], bool) for target in report["targets"].values())
