"""A plan applied in parts (``ImportPlan.split`` + ``apply_import_parts``) leaves the library exactly as the
whole plan applied at once; a cancel between parts rolls everything back."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from harmony.jobs.import_job import plan_from_files
from harmony.library import ImportCancelled, Library
from harmony.sync import SyncOptions

from .conftest import Demo


def _rows(path: Path) -> list[str]:
    with sqlite3.connect(path) as conn:
        skip = ('INSERT INTO "library_state"', 'INSERT INTO "changes"')  # when: differs by design
        return [line for line in conn.iterdump() if not line.startswith(skip)]


def test_parts_apply_like_the_whole_plan(tmp_path: Path, demo: Demo) -> None:
    with Library.open(tmp_path / "whole.db") as library:
        options = demo.request().options(library.settings())
    Library.open(tmp_path / "parts.db").close()
    planned, _ = plan_from_files(demo.nml, tmp_path / "whole.db", options)
    plan = planned.plan
    parts = plan.split(37)
    assert len(parts) > 5 and parts[-1].playlist_creates and not parts[0].playlist_creates
    with Library.open(tmp_path / "whole.db") as whole:
        whole.apply_import(plan)
    with Library.open(tmp_path / "parts.db") as split:
        result = split.apply_import_parts(iter(parts))
        assert len(result.track_ids) == len(plan.new_tracks)
        assert split.version == 1  # one import, one version, however many parts
    assert _rows(tmp_path / "parts.db") == _rows(tmp_path / "whole.db")


def test_cancel_between_parts_rolls_back(tmp_path: Path, demo: Demo) -> None:
    with Library.open(tmp_path / "lib.db") as library:
        options: SyncOptions = demo.request().options(library.settings())
    planned, _ = plan_from_files(demo.nml, tmp_path / "lib.db", options)
    before = _rows(tmp_path / "lib.db")
    applied: list[int] = []

    def parts():  # type: ignore[no-untyped-def]
        for part in planned.plan.split(50):
            applied.append(1)
            yield part

    with Library.open(tmp_path / "lib.db") as library, pytest.raises(ImportCancelled):
        library.apply_import_parts(parts(), cancelled=lambda: len(applied) >= 3)
    assert len(applied) == 3
    assert _rows(tmp_path / "lib.db") == before


def test_a_cancel_after_the_last_part_rolls_back_before_the_commit(tmp_path: Path, demo: Demo) -> None:
    """The apply looks for a cancel once more after the last part (and a first import's index build and the
    summary), just before the commit: a cancel that came while the last part was written still changes nothing."""
    with Library.open(tmp_path / "lib.db") as library:
        options: SyncOptions = demo.request().options(library.settings())
    planned, _ = plan_from_files(demo.nml, tmp_path / "lib.db", options)
    before = _rows(tmp_path / "lib.db")
    pieces = planned.plan.split(50)
    given: list[int] = []
    all_given: list[bool] = []

    def parts():  # type: ignore[no-untyped-def]
        for part in pieces:
            given.append(1)
            yield part
        all_given.append(True)  # reached once the apply asked for a part after the last

    with Library.open(tmp_path / "lib.db") as library, pytest.raises(ImportCancelled):
        library.apply_import_parts(parts(), cancelled=lambda: bool(all_given), known_counts=(str(demo.nml), 1, 1))
    assert len(given) == len(pieces) and all_given  # every part was applied before the cancel was seen
    assert _rows(tmp_path / "lib.db") == before
