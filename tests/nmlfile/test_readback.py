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
    """libxml2 reads the file by its name on a thread. Where it cannot open that name, real lxml raises nothing
    (a parser with a target only logs it): the same check is then made by feeding it the file's pieces, so a
    malformed file is still refused and a sound one still passes."""
    given: list[Path] = []

    def a_name_that_does_not_open(path: Path) -> str:
        given.append(path)
        return str(tmp_path / "no such folder" / "collection.nml")

    monkeypatch.setattr(readback, "_name_for_libxml2", a_name_that_does_not_open)
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
    assert given == [path]


def test_names_libxml2_could_take_for_urls_are_read_as_the_files_they_name(tmp_path: Path) -> None:
    """A folder or file name with URL-like parts (a percent escape, a scheme, a query, a fragment) is opened as
    the file it names: a malformed one is refused, a sound one passes."""
    for name in ("a%20b.nml", "percent%41.nml", "file:x.nml", "http:y.nml", "q?x.nml", "has#hash.nml", "café ü.nml"):
        folder = tmp_path / name.replace(".nml", "")
        folder.mkdir()
        path = folder / name
        path.write_bytes(SMALL)
        assert read_back(path).counts == (2, 1), name
        path.write_bytes(SMALL.replace(b'<ENTRY TITLE="b">', b'<ENTRY TITLE="b>'))
        with pytest.raises(NMLError, match="not valid XML"):
            read_back(path)
