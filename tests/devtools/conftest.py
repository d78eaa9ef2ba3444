"""Generated collections shared by the devtools tests (generated once per session: they take milliseconds)."""

from __future__ import annotations

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
