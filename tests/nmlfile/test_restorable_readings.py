"""A listing of the copies reads only the files an earlier listing has not: each copy takes about a second to read
at 100,000 tracks, and the Traktor page lists them at every visit."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from harmony.nmlfile import create_backup, read_restorable, write_collection
from harmony.nmlfile import restorable as restorable_module

from .conftest import Contents


@pytest.fixture
def reads(monkeypatch: pytest.MonkeyPatch) -> list[Path]:
    """The files read_back is asked to read, in order."""
    asked: list[Path] = []
    real = restorable_module.read_back

    def counting(path: Path) -> object:
        asked.append(path)
        return real(path)

    monkeypatch.setattr(restorable_module, "read_back", counting)
    return asked


def test_a_second_listing_reads_only_what_changed(nml_path: Path, small: Contents, reads: list[Path]) -> None:
    first_copy = create_backup(nml_path, keep=10)
    write_collection(nml_path, small.new, expected=None, backup=False)
    first = read_restorable(nml_path)
    assert sorted(reads) == sorted([nml_path, first_copy])
    assert [(c.tracks, c.playlists) for c in first.copies] == [small.old_counts]
    assert first.copies[0].differs != "same counts as now"

    reads.clear()
    again = read_restorable(nml_path, first.readings)
    assert reads == [], "nothing changed: nothing read"
    assert again.copies == first.copies and again.readings == first.readings

    # A new backup (the safe write renames a new file over the collection): the new copy and the new current
    # file are read, the old copy is not.
    second_copy = create_backup(nml_path, keep=10)
    write_collection(nml_path, small.old, expected=None, backup=False)
    reads.clear()
    third = read_restorable(nml_path, again.readings)
    assert sorted(reads) == sorted([nml_path, second_copy])
    assert {c.path: (c.tracks, c.differs) for c in third.copies} == {
        first_copy: (small.old_counts[0], "same counts as now"),
        second_copy: (small.new_counts[0], third.copies[0].differs),
    }
    assert third.copies[0].path == second_copy and third.copies[0].differs != "same counts as now"


def test_a_copy_written_again_with_the_same_size_is_read_again(nml_path: Path, reads: list[Path]) -> None:
    """Only its modification time tells it apart (same size, same inode): that is enough."""
    copy = create_backup(nml_path, keep=10)
    first = read_restorable(nml_path)
    stat = copy.stat()
    copy.write_bytes(copy.read_bytes())
    os.utime(copy, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000_000))
    assert copy.stat().st_size == stat.st_size and copy.stat().st_ino == stat.st_ino
    reads.clear()
    read_restorable(nml_path, first.readings)
    assert reads == [copy]


def test_a_copy_changed_in_place_is_read_again_and_a_pruned_one_forgotten(
    nml_path: Path, small: Contents, reads: list[Path]
) -> None:
    copy = create_backup(nml_path, keep=10)
    other = create_backup(nml_path, keep=10)
    first = read_restorable(nml_path)
    # Written again in place (same inode): another size and modification time.
    with open(copy, "r+b") as handle:
        handle.truncate(0)
        handle.write(small.new)
    stat = copy.stat()
    os.utime(copy, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000_000))
    other.unlink()
    reads.clear()
    after = read_restorable(nml_path, first.readings)
    assert reads == [copy]
    assert [(c.path, c.tracks) for c in after.copies] == [(copy, small.new_counts[0])]
    assert all(stamp[0] != str(other) for stamp in after.readings), "a pruned copy's reading is not kept"


def test_a_damaged_copy_is_not_read_again_while_it_is_the_same_file(
    nml_path: Path, small: Contents, reads: list[Path]
) -> None:
    """Its bytes do not change while its stamp does not: at 100,000 tracks a cut-off copy took seconds to fail
    again at every listing."""
    damaged = create_backup(nml_path, keep=10)
    damaged.write_bytes(small.old[: len(small.old) // 2])
    first = read_restorable(nml_path)
    assert first.copies[0].tracks is None and first.copies[0].error
    reads.clear()
    again = read_restorable(nml_path, first.readings)
    assert reads == [] and again.copies == first.copies
    # Written whole again: another version, read again.
    damaged.write_bytes(small.old)
    reads.clear()
    mended = read_restorable(nml_path, again.readings)
    assert reads == [damaged] and mended.copies[0].tracks == small.old_counts[0]


def test_a_copy_the_system_would_not_let_be_read_is_read_again_next_time(
    nml_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """What kept it from being read may pass (a drive busy, a file locked): it is not remembered. The refusal
    comes from opening the file, as a lock or a permission gives it (read_back says "cannot read")."""
    import builtins

    from harmony.nmlfile import readback

    copy = create_backup(nml_path, keep=10)
    real_open = builtins.open
    refused: list[Path] = []

    def locked(file: object, *args: object, **kwargs: object) -> object:
        if Path(str(file)) == copy:
            refused.append(copy)
            raise PermissionError(13, "Permission denied", str(file))
        return real_open(file, *args, **kwargs)  # type: ignore[call-overload]

    monkeypatch.setattr(readback, "open", locked, raising=False)
    monkeypatch.setattr(readback.etree, "parse", lambda *args, **kwargs: None)  # libxml2 opens by name: refused too
    first = read_restorable(nml_path)
    assert first.copies[0].tracks is None and "Permission denied" in (first.copies[0].error or "")
    assert refused and all(stamp[0] != str(copy) for stamp in first.readings)
    refused.clear()
    read_restorable(nml_path, first.readings)
    assert refused == [copy]
