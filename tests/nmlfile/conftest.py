"""Fixtures of the collection-file tests: two different collections of a few MB, as bytes."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest

from harmony.devtools.collection_gen import generate_collection
from harmony.nmlfile import safe_write


@dataclass(frozen=True)
class Contents:
    """Two different collections to write over each other, with their (tracks, playlists) counts."""

    old: bytes
    new: bytes
    old_counts: tuple[int, int]
    new_counts: tuple[int, int]


def _generate(folder: Path, name: str, tracks: int, seed: int) -> tuple[bytes, tuple[int, int]]:
    generated = generate_collection(folder / name, tracks=tracks, seed=seed)
    return (folder / name).read_bytes(), (generated.tracks, generated.playlists)


@pytest.fixture(scope="session")
def big(tmp_path_factory: pytest.TempPathFactory) -> Contents:
    """About 3 MB each (2,000 tracks): a write takes long enough for a kill to land in any of its steps."""
    folder = tmp_path_factory.mktemp("big")
    old, old_counts = _generate(folder, "old.nml", 2000, 1)
    new, new_counts = _generate(folder, "new.nml", 1900, 2)
    return Contents(old, new, old_counts, new_counts)


@pytest.fixture(scope="session")
def small(tmp_path_factory: pytest.TempPathFactory) -> Contents:
    folder = tmp_path_factory.mktemp("small")
    old, old_counts = _generate(folder, "old.nml", 50, 1)
    new, new_counts = _generate(folder, "new.nml", 40, 2)
    return Contents(old, new, old_counts, new_counts)


@pytest.fixture
def no_other_traktor(monkeypatch: pytest.MonkeyPatch) -> None:
    """This machine is shared: another program's test may be running a process called Traktor. Tests that are
    not about Traktor see none (the Traktor tests see only the processes they started)."""
    monkeypatch.setattr(safe_write, "running_traktor", list)


@pytest.fixture
def nml_path(tmp_path: Path, small: Contents, no_other_traktor: None) -> Path:
    path = tmp_path / "Traktor" / "collection.nml"
    path.parent.mkdir()
    path.write_bytes(small.old)
    return path
