"""A collection.nml that is a symbolic link (DJs keep collections on other drives): the real file is written,
in its own folder, and the link stays a link."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from harmony.nmlfile import (
    backup_folder,
    list_backups,
    lock_file_path,
    read_with_fingerprint,
    restore_backup,
    write_collection,
)

from .conftest import Contents

pytestmark = pytest.mark.skipif(not hasattr(os, "symlink") or os.name == "nt", reason="POSIX symbolic links")


@pytest.fixture
def linked(tmp_path: Path, small: Contents, no_other_traktor: None) -> tuple[Path, Path]:
    """``Traktor/collection.nml`` → ``Drive/Music/my collection.nml`` (another folder, another name)."""
    real = tmp_path / "Drive" / "Music" / "my collection.nml"
    real.parent.mkdir(parents=True)
    real.write_bytes(small.old)
    link = tmp_path / "Traktor" / "collection.nml"
    link.parent.mkdir()
    link.symlink_to(real)
    return link, real


def test_export_through_a_link_writes_the_real_file_and_keeps_the_link(
    linked: tuple[Path, Path], small: Contents
) -> None:
    link, real = linked
    _, expected = read_with_fingerprint(link)

    result = write_collection(link, small.new, expected=expected, expected_counts=small.new_counts)

    assert link.is_symlink() and os.readlink(link) == str(real)
    assert real.read_bytes() == small.new
    # Lock, backup and temporary files all live beside the real file; nothing is left beside the link.
    assert sorted(os.listdir(link.parent)) == ["collection.nml"]
    assert lock_file_path(real).exists()
    assert result.backup_path is not None and result.backup_path.parent == real.parent / "Backup" / "Harmony"
    assert result.backup_path.read_bytes() == small.old
    assert result.backup_path.name.startswith("my collection_")
    assert not [name for name in os.listdir(real.parent) if name.endswith(".tmp")]
    # The fingerprint names the path the caller gave, and matches the file as read through the link.
    assert result.fingerprint == read_with_fingerprint(link)[1]


def test_a_second_export_through_the_link_sees_the_first(linked: tuple[Path, Path], small: Contents) -> None:
    link, real = linked
    first = write_collection(link, small.new, expected=read_with_fingerprint(link)[1])
    write_collection(link, small.old, expected=first.fingerprint)
    assert link.is_symlink() and real.read_bytes() == small.old
    assert [info.path.parent for info in list_backups(link)] == [backup_folder(real)] * 2


def test_restore_through_a_link_writes_the_real_file(linked: tuple[Path, Path], small: Contents) -> None:
    link, real = linked
    written = write_collection(link, small.new, expected=read_with_fingerprint(link)[1])
    assert written.backup_path is not None
    restore_backup(link, written.backup_path.name)
    assert link.is_symlink() and real.read_bytes() == small.old
