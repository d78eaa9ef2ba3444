"""Saving is atomic: the old file or the new one, never a mix, and nothing left behind."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest

from harmony import nml

from .test_load import document


def test_save_replaces_the_file_and_keeps_its_permissions(tmp_path: Path) -> None:
    path = tmp_path / "collection.nml"
    path.write_bytes(document())
    path.chmod(0o640)
    collection = nml.load(path)
    collection.tracks[0].title = "Saved"
    collection.write_unchecked(path)
    assert nml.load(path).tracks[0].title == "Saved"
    assert stat.S_IMODE(path.stat().st_mode) == 0o640
    assert sorted(p.name for p in tmp_path.iterdir()) == ["collection.nml"]


def test_failed_write_leaves_the_original_untouched(tmp_path: Path) -> None:
    path = tmp_path / "collection.nml"
    original = document()
    path.write_bytes(original)
    collection = nml.load(path)
    collection.tracks[0].title = "Never written"

    def exploding_chunks():  # type: ignore[no-untyped-def]
        yield b"<?xml"
        raise OSError(28, "No space left on device")

    collection.chunks = exploding_chunks  # type: ignore[method-assign]
    with pytest.raises(nml.NMLError, match="No space left"):
        collection.write_unchecked(path)
    assert path.read_bytes() == original
    assert sorted(p.name for p in tmp_path.iterdir()) == ["collection.nml"]


def test_a_track_too_large_to_read_back_is_never_written(tmp_path: Path) -> None:
    """An import refuses a track over 1 MB as damage; a collection written with one would stop every later sync.
    So the writer refuses it, naming the track, and leaves the file as it was."""
    path = tmp_path / "collection.nml"
    original = document()
    path.write_bytes(original)
    collection = nml.load(path)
    collection.tracks[0].title = "Long one"
    collection.tracks[0].comment = "x" * (1 << 20)
    refused = r"The track “Long one” .* would take 1\.0 MB .* Nothing was written"
    with pytest.raises(nml.NMLError, match=refused):
        collection.check_entry_sizes()  # what an export's dry run asks
    with pytest.raises(nml.NMLError, match=refused):
        collection.write_unchecked(path)
    assert path.read_bytes() == original
    assert sorted(p.name for p in tmp_path.iterdir()) == ["collection.nml"]
    collection.tracks[0].comment = "x" * 900_000  # under the limit: written, and read back
    collection.check_entry_sizes()
    collection.write_unchecked(path)
    assert nml.load(path).tracks[0].comment == "x" * 900_000


def test_unwritable_destination_is_a_clear_error(tmp_path: Path) -> None:
    collection = nml.load(document())
    with pytest.raises(nml.NMLError, match="cannot write into"):
        collection.write_unchecked(tmp_path / "no-such-folder" / "collection.nml")
    assert not (tmp_path / "no-such-folder").exists()


def test_new_collection_is_traktor_style(tmp_path: Path) -> None:
    collection = nml.Collection.new(version=20)
    collection.add_track(nml.Location("C:", "/:Music/:", "a.mp3", ""), title="A")
    path = tmp_path / "new.nml"
    collection.write_unchecked(path)
    data = path.read_bytes()
    assert data.startswith(b'<?xml version="1.0" encoding="UTF-8" standalone="no" ?>\n<NML VERSION="20">')
    assert b'PROGRAM="Traktor Pro 4"' in data and b"/>" not in data
    assert nml.load(data).tracks[0].title == "A"
