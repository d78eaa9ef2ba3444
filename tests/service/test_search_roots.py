"""Where Harmony looks for missing files by default: the home folder and the places other drives appear."""

from __future__ import annotations

from pathlib import Path

import pytest

from harmony.service import default_roots


def test_on_windows_every_drive_from_c_is_searched(monkeypatch: pytest.MonkeyPatch) -> None:
    # A Windows DJ's music is often on D: or a USB drive; only the home folder was searched there.
    here = {str(Path.home()), "D:\\", "F:\\"}
    monkeypatch.setattr(Path, "is_dir", lambda self: str(self) in here)
    roots = default_roots(windows=True)
    assert [str(root) for root in roots] == [str(Path.home()), "D:\\", "F:\\"]


def test_elsewhere_the_usual_mount_points_that_exist(monkeypatch: pytest.MonkeyPatch) -> None:
    here = {str(Path.home()), "/media", "/Volumes"}
    monkeypatch.setattr(Path, "is_dir", lambda self: str(self) in here)
    assert [str(root) for root in default_roots(windows=False)] == [str(Path.home()), "/media", "/Volumes"]
