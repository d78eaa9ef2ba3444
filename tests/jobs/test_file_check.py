"""The import's file check answers as ``os.path.isfile`` does, a folder at a time: files present, gone, in a
folder that is gone, a folder named like a file, a name in another case, and a folder that cannot be listed;
and a folder of many tracks is listed once rather than asked of file by file."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from harmony.jobs import FolderListings


def _tree(tmp_path: Path) -> list[str]:
    album = tmp_path / "Album"
    album.mkdir()
    for number in range(6):
        (album / f"{number:02d} Track.mp3").write_bytes(b"x")
    (album / "Sub").mkdir()
    (tmp_path / "Single").mkdir()
    (tmp_path / "Single" / "one.flac").write_bytes(b"x")
    (album / "link.mp3").symlink_to(album / "00 Track.mp3")
    return [
        *(str(album / f"{number:02d} Track.mp3") for number in range(6)),
        str(album / "gone.mp3"),
        str(album / "Sub"),  # a folder, not a file
        str(album / "link.mp3"),
        str(album / "00 TRACK.MP3"),  # another case: as the file system says
        str(tmp_path / "Single" / "one.flac"),
        *(str(tmp_path / "Gone" / f"{number}.mp3") for number in range(5)),
        str(tmp_path / "Single" / "one.flac" / "x.mp3"),
    ]


def test_it_answers_as_isfile_does(tmp_path: Path) -> None:
    paths = _tree(tmp_path)
    check = FolderListings()
    assert [check(path) for path in paths * 2] == [os.path.isfile(path) for path in paths * 2]


def _asked_of_the_disk(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The paths ``os.path.isfile`` is asked about from now on, in order."""
    asked: list[str] = []
    real_isfile = os.path.isfile

    def counted(path: str) -> bool:
        asked.append(path)
        return real_isfile(path)

    monkeypatch.setattr(os.path, "isfile", counted)
    return asked


def test_a_folder_of_many_tracks_is_listed_once(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    paths = _tree(tmp_path)[:6]
    asked = _asked_of_the_disk(monkeypatch)
    check = FolderListings()
    assert all(check(path) for path in paths)
    assert asked == paths[:2]  # the first two looks; the listing answers the rest


def test_a_higher_bar_lists_a_folder_later(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # An import that asks about one share of the tracks raises the bar: a folder is listed only when enough of
    # its files were asked about for the listing to pay.
    paths = _tree(tmp_path)[:6]
    asked = _asked_of_the_disk(monkeypatch)
    check = FolderListings(looks_before_listing=4)
    assert [check(path) for path in paths * 2] == [True] * 12
    assert asked == paths[:4]


def test_files_appearing_after_a_listing_are_asked_of_the_disk(tmp_path: Path) -> None:
    paths = _tree(tmp_path)[:6]
    check = FolderListings()
    assert all(check(path) for path in paths)
    late = Path(paths[0]).with_name("late.mp3")
    late.write_bytes(b"x")  # not in the listing: the disk is asked
    assert check(str(late))


def test_a_folder_that_cannot_be_listed_is_asked_file_by_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    paths = _tree(tmp_path)[:6]

    def refused(folder: str) -> None:
        raise PermissionError(13, "Permission denied", folder)  # searchable, not readable

    monkeypatch.setattr(os, "scandir", refused)
    check = FolderListings()
    assert all(check(path) for path in paths)
    assert not check(str(Path(paths[0]).with_name("gone.mp3")))
