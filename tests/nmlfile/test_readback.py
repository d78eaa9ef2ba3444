"""Reading a written collection back, streamed (harmony.nmlfile.readback): the same counts, size and hash as a
whole load, whatever the piece size; malformed or cut-off files refused."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from harmony import nml
from harmony.errors import NMLError
from harmony.nml.summary import count_tracks_and_playlists, summarize
from harmony.nmlfile import readback
from harmony.nmlfile.readback import read_back

REAL = [
    "GarethShapiro__iTunesToTraktor__collection.nml",
    "ericanastas__traktor-tagger__collection.nml",
    "shishoi__MusicAnalyzer__collection_2025-11.nml",
    "digital-dj-tools__dj-data-converter__collection.nml",
]

SMALL = (
    b'<?xml version="1.0" encoding="UTF-8" standalone="no" ?>\n<NML VERSION="19"><HEAD></HEAD>\n'
    b'<COLLECTION ENTRIES="2"><ENTRY TITLE="a"><LOCATION DIR="/:m/:" FILE="a.mp3" VOLUME="C:"></LOCATION></ENTRY>\n'
    b'<ENTRY TITLE="b"><LOCATION DIR="/:m/:" FILE="b.mp3" VOLUME="C:"></LOCATION></ENTRY>\n</COLLECTION>\n'
    b'<PLAYLISTS><NODE TYPE="FOLDER" NAME="$ROOT"><SUBNODES COUNT="1">'
    b'<NODE TYPE="PLAYLIST" NAME="p"><PLAYLIST ENTRIES="1" TYPE="LIST" UUID="u"><ENTRY>'
    b'<PRIMARYKEY TYPE="TRACK" KEY="C:/:m/:a.mp3"></PRIMARYKEY></ENTRY></PLAYLIST></NODE>'
    b"</SUBNODES></NODE></PLAYLISTS>\n</NML>\n"
)


def _expected(raw: bytes) -> tuple[int, str, tuple[int, int]]:
    summary = summarize(nml.load(raw))
    return len(raw), hashlib.sha256(raw).hexdigest(), (summary.tracks, summary.playlists)


@pytest.mark.parametrize("piece", [7, 64, 1 << 20])
def test_small_collection_in_any_piece_size(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, piece: int) -> None:
    monkeypatch.setattr(readback, "_PIECE", piece)
    path = tmp_path / "collection.nml"
    path.write_bytes(SMALL)
    found = read_back(path)
    assert (found.size, found.sha256, found.counts) == _expected(SMALL) == (len(SMALL), found.sha256, (2, 1))


@pytest.mark.parametrize("name", REAL)
def test_real_collections_read_back_as_a_whole_load_counts(
    real_fixtures: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, name: str
) -> None:
    monkeypatch.setattr(readback, "_PIECE", 4099)
    raw = (real_fixtures / name).read_bytes()
    path = tmp_path / "collection.nml"
    path.write_bytes(raw)
    found = read_back(path)
    assert (found.size, found.sha256, found.counts) == _expected(raw)
    assert found.counts == count_tracks_and_playlists(nml.load(raw))


def test_a_commented_out_entry_is_not_counted(tmp_path: Path) -> None:
    raw = SMALL.replace(b"</COLLECTION>", b'<!-- <ENTRY TITLE="gone"></ENTRY> -->\n</COLLECTION>')
    path = tmp_path / "collection.nml"
    path.write_bytes(raw)
    assert read_back(path).counts == (2, 1)


@pytest.mark.parametrize(
    "broken",
    [
        SMALL.replace(b'<ENTRY TITLE="b">', b'<ENTRY TITLE="b>'),  # malformed entry
        SMALL[: len(SMALL) // 2],  # cut off
        SMALL.replace(b'<NML VERSION="19">', b'<OTHER VERSION="19">').replace(b"</NML>", b"</OTHER>"),  # not NML
    ],
)
def test_unsound_files_are_refused(tmp_path: Path, broken: bytes) -> None:
    path = tmp_path / "collection.nml"
    path.write_bytes(broken)
    with pytest.raises(NMLError):
        read_back(path)


def test_a_malformed_file_is_named_by_line_and_column_not_by_its_file_name(tmp_path: Path) -> None:
    path = tmp_path / ".collection.nml.k3j9x0qa.tmp"
    path.write_bytes(SMALL.replace(b'<ENTRY TITLE="b">', b'<ENTRY TITLE="b>'))
    with pytest.raises(NMLError, match=r"not valid XML: .*\(line \d+, column \d+\)") as raised:
        read_back(path)
    assert "k3j9x0qa" not in str(raised.value)


@pytest.mark.parametrize("broken", [False, True])
def test_a_name_libxml2_cannot_open_is_checked_from_the_pieces_read(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, broken: bool
) -> None:
    """libxml2 reads the file by its name on a thread; where it cannot open that name, the same check is made
    by feeding it the file's pieces, so a malformed file is still refused and a sound one still passes."""
    opened: list[str] = []

    def cannot_open(name: str, parser: object) -> None:
        opened.append(name)
        raise OSError(f"Error reading file '{name}': failed to load external entity")

    monkeypatch.setattr(readback.etree, "parse", cannot_open)
    monkeypatch.setattr(readback, "_PIECE", 64)
    raw = SMALL.replace(b'<ENTRY TITLE="b">', b'<ENTRY TITLE="b>') if broken else SMALL
    path = tmp_path / "collection.nml"
    path.write_bytes(raw)
    if broken:
        with pytest.raises(NMLError, match="not valid XML"):
            read_back(path)
    else:
        found = read_back(path)
        assert (found.size, found.sha256, found.counts) == _expected(raw)
    assert opened == [str(path)]
