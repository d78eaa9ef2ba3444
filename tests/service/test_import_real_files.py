"""The real collections of ../shared/fixtures/real imported through the service, with placeholder audio files
created by the test at the paths the entries name (every 7th left missing): the library ends up holding
exactly what the file holds, minus the missing files; a second import changes nothing."""

from __future__ import annotations

import unicodedata
from pathlib import Path

import pytest
from lxml import etree

from harmony.library import Library
from harmony.service import ImportOutcome, ImportRequest, TraktorService

from ..sync.test_real_files import COLLECTIONS, by_size


def _local_path(root: Path, location: etree._Element) -> Path | None:
    """Where the test puts the file of a LOCATION: ``root/VOLUME/dirs/file`` (``//`` in a name is ``:``)."""
    volume, folder, file = (location.get(name, "") for name in ("VOLUME", "DIR", "FILE"))
    if not volume or not file:
        return None
    names = [name.replace("//", ":") for name in folder.split("/:") if name] + [file.replace("//", ":")]
    return root.joinpath(volume, *names)


def _place_files(raw: bytes, root: Path) -> tuple[set[str], int, int, int, set[str]]:
    """Create the placeholder files; return the volumes, the tracks (missing ones included) and cues expected,
    the playlists, and the paths left missing."""
    tree = etree.fromstring(raw.removeprefix(b"\xef\xbb\xbf"))
    volumes: set[str] = set()
    seen: set[str] = set()
    missing: set[str] = set()
    tracks = cues = 0
    for number, entry in enumerate(tree.iterfind("COLLECTION/ENTRY")):
        location = entry.find("LOCATION")
        path = None if location is None else _local_path(root, location)
        if path is None or location is None:
            continue
        key = unicodedata.normalize("NFC", str(path))
        if key in seen:
            continue
        seen.add(key)
        volumes.add(location.get("VOLUME", ""))
        if number % 7 == 0:
            missing.add(str(path))  # imported all the same, marked missing
        else:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(b"placeholder")
        tracks += 1
        for cue in entry.iterfind("CUE_V2"):
            kind, pad, length = int(cue.get("TYPE", "0")), int(cue.get("HOTCUE", "-1")), float(cue.get("LEN", "0"))
            cues += 0 <= kind <= 5 and -1 <= pad <= 7 and length >= 0
    playlists = len(tree.findall(".//NODE[@TYPE='PLAYLIST']")) + len(tree.findall(".//NODE[@TYPE='SMARTLIST']"))
    return volumes, tracks, cues, playlists, missing


@pytest.mark.parametrize("name", by_size(COLLECTIONS))
async def test_real_collection_through_the_service(
    real_fixtures: Path, tmp_path: Path, service: TraktorService, name: str
) -> None:
    nml_path = tmp_path / "collection.nml"
    raw = (real_fixtures / name).read_bytes()
    nml_path.write_bytes(raw)
    files = tmp_path / "volumes"
    volumes, tracks, cues, playlists, missing = _place_files(raw, files)
    request = ImportRequest(
        nml_path=str(nml_path), path_mappings=tuple(f"{volume}={files / volume}" for volume in volumes)
    )
    op = await service.sync(request)
    assert op.status == "succeeded", op.error
    assert isinstance(op.result, ImportOutcome)
    stats = op.result.stats
    assert stats.tracks_imported == tracks
    assert {unicodedata.normalize("NFC", path) for path in stats.missing_files} == {
        unicodedata.normalize("NFC", path) for path in missing
    }
    assert stats.cue_points_added == cues
    assert stats.playlists_imported == playlists
    with Library.open(service.library_path) as library:
        counts = library.stats()
        marked = {unicodedata.normalize("NFC", t.values.path) for t in library.missing_tracks()}
    assert (counts.tracks, counts.cues, counts.playlists) == (tracks, cues, playlists)
    assert marked == {unicodedata.normalize("NFC", path) for path in missing}

    again = await service.sync(request)
    assert isinstance(again.result, ImportOutcome)
    assert again.result.summary() == "No changes needed"
