"""Relocate from the command line on a generated collection: a moved folder, a renamed file, a folder moved
to another drive, two candidates for one track, copies of one file, a file that is nowhere. The library ends
exactly as expected and the export after it changes only the LOCATION of the relocated entries."""

from __future__ import annotations

import json
import re
from pathlib import Path

from typer.testing import CliRunner

from harmony import nml
from harmony.cli import app
from harmony.jobs import run_relocate_job
from harmony.library import Library, TrackValues
from harmony.nml import Location
from harmony.nml.cue import CueData
from harmony.service import RelocateOutcome
from harmony.sync import Relocation

from .audio_files import write_wav

runner = CliRunner()


def _run(tmp_path: Path, *args: str) -> tuple[int, str]:
    result = runner.invoke(app, ["--library", str(tmp_path / "lib.db"), *args])
    return result.exit_code, result.stdout + (repr(result.exception) if result.exit_code else "")


def _entries(raw: bytes) -> dict[str, bytes]:
    """Each entry's bytes by its title."""
    return {
        re.search(rb'TITLE="([^"]*)"', entry).group(1).decode(): entry  # type: ignore[union-attr]
        for entry in re.findall(rb"<ENTRY .*?</ENTRY>", raw, re.DOTALL)
    }


def _without_location(entry: bytes) -> bytes:
    entry = re.sub(rb"<LOCATION [^>]*>", b"<LOCATION>", entry)
    return re.sub(rb' MODIFIED_(DATE|TIME)="[^"]*"', b"", entry)


def test_relocate_finds_moved_renamed_and_copied_files_and_export_moves_only_their_locations(tmp_path: Path) -> None:
    new = tmp_path / "new"
    files = {
        "A": write_wav(new / "Archive" / "House" / "a.wav", title="A", artist="X", tone=1),  # moved folder
        "B": write_wav(new / "Archive" / "House" / "b.wav", title="B", artist="X", tone=2),
        "C": write_wav(new / "Techno" / "c (remaster).wav", title="C", artist="X", tone=3),  # renamed
        "D": write_wav(new / "E" / "Sets" / "d.wav", title="D", artist="X", tone=4),  # D: moved to E:
    }
    write_wav(new / "one" / "e.wav", title="E", artist="X", tone=5)  # two candidates, different content
    write_wav(new / "two" / "e.wav", title="E", artist="X", tone=6)
    write_wav(new / "backup" / "f.wav", title="F", artist="X", tone=7)  # copies of one file
    files["F"] = write_wav(new / "Crate" / "Music" / "f.wav", title="F", artist="X", tone=7)
    size = files["A"].stat().st_size // 1024

    collection = nml.Collection.new()
    where = {
        "A": Location("Music", "/:House/:", "a.wav"),
        "B": Location("Music", "/:House/:", "b.wav"),
        "C": Location("Music", "/:Techno/:", "c.wav"),
        "D": Location("D:", "/:Sets/:", "d.wav"),
        "E": Location("Music", "/:", "e.wav"),
        "F": Location("Music", "/:Crate/:Music/:", "f.wav"),
        "G": Location("Music", "/:", "g.wav"),  # nowhere
    }
    for title, location in where.items():
        collection.add_track(location, title=title, artist="X", file_size=size, playtime_float=1.0)
    collection.tracks[0].add_cue(CueData(type=0, start=500.0, hotcue=0, name="Drop"))
    keys = [nml.playlist_key(location) for location in where.values()]
    collection.playlists.create_playlist("Set", keys)
    nml_path = tmp_path / "collection.nml"
    nml_path.write_bytes(collection.to_bytes())
    maps = ["--map", f"Music={tmp_path / 'old music'}", "--map", f"D:={tmp_path / 'old d'}"]

    code, out = _run(tmp_path, "traktor", "sync", "--nml", str(nml_path), *maps)
    assert code == 0, out
    with Library.open(tmp_path / "lib.db") as library:
        ids = {t.values.title: t.id for t in library.missing_tracks()}
        assert set(ids) == set(where)
        [playlist] = library.playlist_tree()
        entries_before = [e.track_id for e in library.playlist_entries(playlist.id)]
    before = nml_path.read_bytes()

    code, out = _run(tmp_path, "library", "relocate", "--search-root", str(new), "--yes", "--json")
    assert code == 0, out
    result = json.loads(out)
    assert {k: result[k] for k in ("relocated", "found", "likely", "ambiguous", "not_found", "scanned_files")} == {
        "relocated": 5,
        "found": 5,
        "likely": 2,  # the renamed file and the copies
        "ambiguous": 1,
        "not_found": 1,
        "scanned_files": 8,
    }
    assert isinstance(result["seconds"], float)
    by_track = {m["track_id"]: m for m in result["matches"]}
    assert by_track[ids["E"]]["confidence"] == "ambiguous"
    assert sorted(by_track[ids["E"]]["candidates"]) == sorted([str(new / "one" / "e.wav"), str(new / "two" / "e.wav")])
    assert by_track[ids["C"]]["confidence"] == "likely"
    assert by_track[ids["A"]]["confidence"] == "exact"

    with Library.open(tmp_path / "lib.db") as library:
        assert {t.values.title for t in library.missing_tracks()} == {"E", "G"}
        for title, path in files.items():
            track = library.get_track(ids[title])
            assert track.track.values.path == str(path) and not track.track.missing
        assert [c.values.name for c in library.get_track(ids["A"]).cues] == ["Drop"]
        assert [e.track_id for e in library.playlist_entries(playlist.id)] == entries_before
        assert library.stats().tracks == len(where)

    # An import before the export leaves the relocations standing: Traktor's entries still name the files they
    # named at the last sync, so Harmony's files wait for the export (the import put the tracks back on their
    # old, missing files).
    code, out = _run(tmp_path, "traktor", "sync", "--nml", str(nml_path), *maps)
    assert code == 0, out

    def relocations_stand(pending: int) -> None:
        with Library.open(tmp_path / "lib.db") as library:
            assert {t.values.title for t in library.missing_tracks()} == {"E", "G"}
            for title, path in files.items():
                assert library.get_track(ids[title]).track.values.path == str(path)
            assert library.pending_track_count() == pending
            assert [e.track_id for e in library.playlist_entries(playlist.id)] == entries_before

    relocations_stand(pending=len(files))

    code, out = _run(tmp_path, "traktor", "export", "--nml", str(nml_path), "--no-backup", *maps)
    assert code == 0, out
    after = nml_path.read_bytes()
    old_entries, new_entries = _entries(before), _entries(after)
    assert set(old_entries) == set(new_entries)
    for title in where:
        if title in files:
            assert new_entries[title] != old_entries[title]
            assert _without_location(new_entries[title]) == _without_location(old_entries[title])
        else:
            assert new_entries[title] == old_entries[title]
    moved = nml.load(after)
    [set_list] = [node for node in moved.playlists.walk() if getattr(node, "name", "") == "Set"]
    assert len(set_list.entries) == len(where)
    locations = {t.title: nml.playlist_key(t.location) for t in moved.tracks}
    assert set_list.entries == [locations[title] for title in where]  # each entry names the new location

    code, out = _run(tmp_path, "traktor", "sync", "--nml", str(nml_path), *maps)  # Traktor now says the same
    assert code == 0, out
    relocations_stand(pending=0)
    assert nml_path.read_bytes() == after


def test_relocate_refuses_a_root_that_is_not_a_folder(tmp_path: Path) -> None:
    code, out = _run(tmp_path, "library", "relocate", "--search-root", str(tmp_path / "nope"))
    assert code != 0 and "not a folder" in out


def test_the_summary_says_plainly_when_the_folders_hold_no_audio() -> None:
    lost = tuple(Relocation(n, f"/old/{n}.mp3", None, "not_found") for n in range(1, 2616))
    assert RelocateOutcome(lost, 0, 0.1).summary() == (
        "The folders searched hold no audio files: 2,615 tracks are still missing."
    )
    found = (Relocation(1, "/old/1.mp3", "/new/1.mp3", "exact"), *lost[1:3])
    assert RelocateOutcome(found, 1, 0.1).summary() == (
        "Found 1 of 3 missing files (0 likely), 0 ambiguous, 2 not found; 1 audio file looked at."
    )


def test_a_file_another_track_points_at_is_never_offered(tmp_path: Path) -> None:
    """Two tracks of one name: one's file is here, the other's is lost. The file found is the first one's, so
    it is no match for the second (it came ticked as exact, and relocating to it was refused)."""
    here = write_wav(tmp_path / "Music" / "a.wav", title="A", artist="X", tone=1)
    size = here.stat().st_size
    with Library.open(tmp_path / "lib.db") as library:
        _, lost = library.add_tracks(
            [
                (TrackValues(path=str(here), title="A", artist="X", file_size=size), []),
                (TrackValues(path=str(tmp_path / "Old" / "a.wav"), title="A", artist="X", file_size=size), []),
            ]
        )
        assert library.check_files() == (1, 0)
    result = run_relocate_job(str(tmp_path / "lib.db"), [str(tmp_path / "Music")])
    assert result.scanned_files == 1  # looked at, and left out
    assert [(r.track_id, r.confidence, r.new_path) for r in result.relocations] == [(lost, "not_found", None)]


def test_the_cli_names_each_track_by_artist_and_title_over_its_old_file(tmp_path: Path) -> None:
    found = write_wav(tmp_path / "Found" / "a.wav", title="Song", artist="DJ", tone=1)
    with Library.open(tmp_path / "lib.db") as library:
        library.add_tracks(
            [
                (
                    TrackValues(
                        path=str(tmp_path / "Old" / "a.wav"), title="Song", artist="DJ", file_size=found.stat().st_size
                    ),
                    [],
                )
            ]
        )
        assert library.check_files() == (1, 0)
    result = runner.invoke(
        app,
        ["--library", str(tmp_path / "lib.db"), "library", "relocate", "--search-root", str(found.parent)],
        input="n\n",
    )
    assert result.exit_code == 0, result.stdout
    assert "DJ – Song" in result.stdout
    assert "Nothing was changed." in result.stdout
