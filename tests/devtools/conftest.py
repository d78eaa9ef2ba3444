"""Generated collections shared by the devtools tests (generated once per session: they take milliseconds), and
a way to run a bench end to end."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from harmony.devtools.collection_gen import GeneratedCollection, generate_collection

# Big enough that every rare feature (odd rankings, NFD names, v20 flexible grids…) shows up with seed 1.
TRACKS = 2000


@pytest.fixture(scope="session")
def collection_v19(tmp_path_factory: pytest.TempPathFactory) -> GeneratedCollection:
    return generate_collection(tmp_path_factory.mktemp("v19") / "collection.nml", tracks=TRACKS, seed=1)


@pytest.fixture(scope="session")
def collection_v20(tmp_path_factory: pytest.TempPathFactory) -> GeneratedCollection:
    return generate_collection(tmp_path_factory.mktemp("v20") / "collection.nml", tracks=TRACKS, seed=1, version=20)


@pytest.fixture(scope="session")
def collection_with_files(tmp_path_factory: pytest.TempPathFactory) -> GeneratedCollection:
    base = tmp_path_factory.mktemp("with-files")
    return generate_collection(base / "collection.nml", tracks=600, seed=7, files_dir=base / "audio")


BENCH = Path(__file__).resolve().parents[2] / "bench"


@pytest.fixture
def run_bench() -> Callable[..., dict[str, Any]]:
    """Run ``bench/<script>`` with ``args`` and ``--json`` in a fresh process; its figures, parsed (a failed run
    fails the test with what it printed)."""

    def run(script: str, *args: str, timeout: float = 120) -> dict[str, Any]:
        completed = subprocess.run(
            [sys.executable, str(BENCH / script), *args, "--json"],
            capture_output=True,
            text=True,
            check=False,
            timeout=timeout,
        )
        assert completed.returncode == 0, completed.stderr
        figures: dict[str, Any] = json.loads(completed.stdout)
        return figures

    return run
