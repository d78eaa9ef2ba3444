"""The import job looks for a big library's present files one share per import, also when its options come
pickled, as the pool sends them (a copy of ``EVERY_FILE``, not the object itself, once made every re-import of a
100,000-track library look for every file)."""

from __future__ import annotations

import os
import pickle
from pathlib import Path

import pytest

import harmony.sync.file_rounds as file_rounds
from harmony.devtools.collection_gen import generate_collection
from harmony.jobs import run_import_job
from harmony.library import Library
from harmony.sync import SyncOptions
from harmony.sync.paths import PathMapping

ASKED: list[str] = []


def counted_exists(path: str) -> bool:
    """``file_exists`` for the test: a module-level function, so the options can be pickled."""
    ASKED.append(path)
    return os.path.isfile(path)


def test_a_reimport_with_pickled_options_looks_for_one_share_of_the_files(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(file_rounds, "WHOLE_CHECK_UP_TO", 10)  # 64 tracks count as a big library
    generated = generate_collection(tmp_path / "collection.nml", tracks=64, seed=5, files_dir=tmp_path / "files")
    mappings = tuple(PathMapping.of(volume, str(folder)) for volume, folder in generated.path_mappings.items())
    library_path = tmp_path / "library.db"
    Library.open(library_path).close()
    sent = pickle.loads(pickle.dumps(SyncOptions(path_mappings=mappings, file_exists=counted_exists)))

    ASKED.clear()
    first = run_import_job(str(generated.path), str(library_path), sent, True, str(tmp_path))
    assert first.applied_version is not None
    assert len(ASKED) == 64  # every new track's file is looked for
    with Library.open(library_path) as library:
        ids = [track.id for track in library.search_tracks(sort="id", limit=100).tracks]
        imports_so_far = library.status().file_check_round
    this_round = file_rounds.file_check_round(imports_so_far, len(ids))
    ASKED.clear()
    again = run_import_job(str(generated.path), str(library_path), sent, True, str(tmp_path))
    assert again.applied_version is not None
    covered = sum(1 for track_id in ids if this_round.covers(track_id))
    assert 0 < covered < 64 and len(ASKED) == covered
