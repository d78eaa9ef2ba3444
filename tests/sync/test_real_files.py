"""Importing the real collections of ../shared/fixtures/real into a real library: what is planned and applied
equals what the file holds, minus what the test leaves missing on disk; a second import plans nothing."""

from __future__ import annotations

import unicodedata
from pathlib import Path

import pytest
from lxml import etree

from harmony import nml
from harmony.jobs import read_import_snapshot
from harmony.library import Library
from harmony.sync import LibrarySnapshot, SyncOptions, TraktorSnapshot, plan_import

COLLECTIONS = [
    "GarethShapiro__iTunesToTraktor__collection.nml",
    "ryyckxxa__my-traktor-library__collection.nml",
    "shishoi__MusicAnalyzer__collection_2025-11.nml",
    "ericanastas__traktor-tagger__collection.nml",
    "digital-dj-tools__dj-data-converter__collection.nml",
    "larenagius__rekordbox-to-traktor__collection.nml",
]
#: The big collections (thousands of tracks): imported in-process here in the quick suite. The service tests
#: (worker processes and a placeholder file per track), the export round trips and the missing-file runs take
#: them under ``-m slow`` only, and the others (one with cue points, playlists and folders of a real Traktor)
#: in the quick suite.
BIG_COLLECTIONS = frozenset(
    {
        "GarethShapiro__iTunesToTraktor__collection.nml",
        "ryyckxxa__my-traktor-library__collection.nml",
        "shishoi__MusicAnalyzer__collection_2025-11.nml",
    }
)


def by_size(names: list[str]) -> list[object]:
    """``names`` as pytest parameters, the big collections marked slow."""
    return [pytest.param(name, marks=pytest.mark.slow if name in BIG_COLLECTIONS else (), id=name) for name in names]


def _linux_path(location: etree._Element) -> str | None:
    """The Linux path of a LOCATION, worked out here from the raw attributes (the volume is ignored)."""
    folder, file = location.get("DIR", ""), location.get("FILE", "")
    if not file or not folder.startswith("/:"):
        return None
    names = [name.replace("//", ":") for name in folder[2:].split("/:") if name] + [file.replace("//", ":")]
    return "/" + "/".join(names)


def _expected(raw: bytes, missing_every: int) -> tuple[set[str], int, int, int]:
    """Paths left missing, tracks (missing ones included) and cues to import, and playlists (plain and smart)
    in the file."""
    root = etree.fromstring(raw.removeprefix(b"\xef\xbb\xbf"))
    seen: set[str] = set()
    missing: set[str] = set()
    tracks = cues = 0
    for number, entry in enumerate(root.iterfind("COLLECTION/ENTRY")):
        location = entry.find("LOCATION")
        path = None if location is None else _linux_path(location)
        if path is None or unicodedata.normalize("NFC", path) in seen:
            continue
        seen.add(unicodedata.normalize("NFC", path))
        if number % missing_every == 0:
            missing.add(path)  # imported all the same, marked missing
        tracks += 1
        for cue in entry.iterfind("CUE_V2"):
            kind, pad, length = int(cue.get("TYPE", "0")), int(cue.get("HOTCUE", "-1")), float(cue.get("LEN", "0"))
            cues += 0 <= kind <= 5 and -1 <= pad <= 7 and length >= 0
    playlists = len(root.findall(".//NODE[@TYPE='PLAYLIST']")) + len(root.findall(".//NODE[@TYPE='SMARTLIST']"))
    return missing, tracks, cues, playlists


@pytest.mark.parametrize("name", COLLECTIONS)
def test_real_collection_imports_what_it_holds(real_fixtures: Path, tmp_path: Path, name: str) -> None:
    raw = (real_fixtures / name).read_bytes()
    missing, tracks, cues, playlists = _expected(raw, missing_every=7)
    collection = nml.load(raw)
    options = SyncOptions(platform="linux", file_exists=lambda path: path not in missing)
    with Library.open(tmp_path / "library.db") as library:
        with library.reader() as reader:
            snapshot = read_import_snapshot(reader)
        result = plan_import(TraktorSnapshot.from_collection(collection), snapshot, options)
        stats = result.stats
        assert stats.tracks_processed == len(collection.tracks)
        assert stats.tracks_imported == tracks
        assert sorted(stats.missing_files) == sorted(missing)
        assert stats.cue_points_added == cues
        assert stats.playlists_imported == playlists
        library.apply_import(result.plan)
        counts = library.stats()
        assert (counts.tracks, counts.cues, counts.playlists) == (tracks, cues, playlists)
        assert sorted(t.values.path for t in library.missing_tracks()) == sorted(missing)

        with library.reader() as reader:
            snapshot = read_import_snapshot(reader)
        again = plan_import(TraktorSnapshot.from_collection(nml.load(raw)), snapshot, options)
        assert not again.plan.changes_library(), again.report.lines()[:20]
        assert not again.plan.bases
        assert again.stats.summary() == "No changes needed"


@pytest.mark.parametrize("name", COLLECTIONS)
def test_first_import_into_an_empty_library_leaves_nothing_to_export(real_fixtures: Path, name: str) -> None:
    collection = nml.load(real_fixtures / name)
    options = SyncOptions(platform="linux", file_exists=lambda path: True)
    result = plan_import(TraktorSnapshot.from_collection(collection), LibrarySnapshot(), options)
    assert result.plan.leaves_nml_current
    assert not result.stats.conflicts
