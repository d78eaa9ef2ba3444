"""Fixtures of the library tests. Every library lives under pytest's tmp_path; the per-user data folder is
redirected there too, so no test can touch the real one."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import platformdirs
import pytest

from harmony.library import Library


@pytest.fixture(autouse=True)
def _no_real_user_dirs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Point platformdirs' data folder into tmp_path for every test of the library."""
    fake = tmp_path / "user-data"
    monkeypatch.setattr(
        platformdirs, "user_data_dir", lambda *args, **kwargs: str(fake / (args[0] if args else ""))
    )


@pytest.fixture
def library_path(tmp_path: Path) -> Path:
    return tmp_path / "library.db"


@pytest.fixture
def library(library_path: Path) -> Iterator[Library]:
    with Library.open(library_path) as opened:
        yield opened
