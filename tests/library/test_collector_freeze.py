"""An import's apply keeps the collector off the objects alive before it, and never undoes a freeze made for
good (``harmony.collector.freeze_for_life``: a worker's at its start, the test suite's after collection).

Run in a fresh interpreter each: this test process froze its own objects after collection."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

_APPLY = """
import gc, json, sys
from harmony.collector import freeze_for_life
from harmony.library import Library
from harmony.library.plan import ImportPlan

if sys.argv[2] == "for life":
    freeze_for_life()
frozen_before = gc.get_freeze_count()
with Library.open(sys.argv[1]) as library:
    library.apply_import(ImportPlan())
print(json.dumps({"before": frozen_before, "after": gc.get_freeze_count()}))
"""


def _frozen_around_an_apply(tmp_path: Path, how: str) -> dict[str, int]:
    done = subprocess.run(
        [sys.executable, "-c", _APPLY, str(tmp_path / "library.db"), how],
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    counts: dict[str, int] = json.loads(done.stdout.strip().splitlines()[-1])
    return counts


def test_a_freeze_for_life_outlasts_an_import(tmp_path: Path) -> None:
    counts = _frozen_around_an_apply(tmp_path, "for life")
    # Frozen objects can still be freed by reference counting (a few are, as the library opens): what matters is
    # that the frozen set was not given back to the collector.
    assert counts["before"] > 0 and counts["after"] > counts["before"] // 2, counts


def test_without_one_the_import_gives_back_what_it_froze(tmp_path: Path) -> None:
    counts = _frozen_around_an_apply(tmp_path, "not frozen")
    assert counts == {"before": 0, "after": 0}
