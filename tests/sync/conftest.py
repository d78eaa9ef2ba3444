"""Fixtures of the sync tests: a real temporary library (under tmp_path) and a fresh collection."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import platformdirs
import pytest

from harmony.library import Library

from .helpers import World


@pytest.fixture(autouse=True)
def _no_real_user_dirs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Point platformdirs' data folder into tmp_path, so no test can touch the real library."""
    fake = tmp_path / "user-data"
    monkeypatch.setattr(platformdirs, "user_data_dir", lambda *args, **kwargs: str(fake / (args[0] if args else "")))


@pytest.fixture
def library(tmp_path: Path) -> Iterator[Library]:
    with Library.open(tmp_path / "library.db") as opened:
        yield opened


@pytest.fixture
def world(library: Library) -> World:
    return World(library)
