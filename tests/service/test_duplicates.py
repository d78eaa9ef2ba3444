"""Duplicates and merge from the command line on a generated collection: copies of one file (exact), the
same song in two files (likely); a merge keeps the track the rule names, takes the union of cues, moves the
playlist entries in place, sums plays, keeps the highest rating, fills empty fields; the export after it
removes only the merged-away entry and leaves every other entry as it was. No audio file is deleted."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

from pytest import MonkeyPatch
from typer.testing import CliRunner

from harmony import nml
from harmony.cli import app
from harmony.cli.output import console
from harmony.library import Library, TrackValues
from harmony.nml import Location
from harmony.nml.cue import CueData

from .audio_files import write_wav

runner = CliRunner()


def _run(tmp_path: Path, *args: str, stdin: str | None = None) -> tuple[int, str]:
    result = runner.invoke(app, ["--library", str(tmp_path / "lib.db"), *args], input=stdin)
    return result.exit_code, result.stdout + (repr(result.exception) if result.exit_code else "")


def _entries(raw: bytes) -> dict[str, bytes]:
    return {
        re.search(rb'FILE="([^"]*)"', entry).group(1).decode(): entry  # type: ignore[union-attr]
        for entry in re.findall(rb"<ENTRY .*?</ENTRY>", raw, re.DOTALL)
    }


def test_duplicates_are_found_and_a_merge_keeps_everything_of_both(tmp_path: Path) -> None:
    music = tmp_path / "music"
    write_wav(music / "a.wav", title="Song", artist="Art", tone=1)
    shutil.copyfile(music / "a.wav", music / "b.wav")  # the same content twice
    write_wav(music / "c.wav", title="Other", artist="Art", tone=2)
    write_wav(music / "d.wav", seconds=1.4, title="other", artist="ART", tone=3)  # same song, another file
    write_wav(music / "z.wav", title="Alone", artist="Art", tone=4)

    collection = nml.Collection.new()

    def add(file: str, **fields: object) -> nml.Track:
        return collection.add_track(Location("Music", "/:", file), **fields)

    a = add("a.wav", title="Song", artist="Art", play_count=3, rating=4, playtime_float=1.0)
    a.add_cue(CueData(type=0, start=500.0, hotcue=0, name="Drop"))
    b = add("b.wav", title="Song", artist="Art", play_count=2, genre="House", playtime_float=1.0)
    b.add_cue(CueData(type=0, start=500.4, hotcue=0, name="Drop"))  # the same cue, within the tolerance
    b.add_cue(CueData(type=0, start=1500.0, hotcue=1, name="Break"))
    add("c.wav", title="Other", artist="Art", playtime_float=1.0)
    add("d.wav", title="other", artist="ART", playtime_float=1.4)
    add("z.wav", title="Alone", artist="Art", playtime_float=1.0)
    keys = [nml.playlist_key(Location("Music", "/:", f)) for f in ("a.wav", "c.wav", "z.wav", "b.wav")]
    collection.playlists.create_playlist("Set", keys)
    nml_path = tmp_path / "collection.nml"
    nml_path.write_bytes(collection.to_bytes())
    maps = ["--map", f"Music={music}"]
    code, out = _run(tmp_path, "traktor", "sync", "--nml", str(nml_path), *maps)
    assert code == 0, out
    before = nml_path.read_bytes()
    with Library.open(tmp_path / "lib.db") as library:
        ids = {Path(t.values.path).name: t.id for t in library.search_tracks(limit=10).tracks}

    code, out = _run(tmp_path, "library", "duplicates", "--json")
    assert code == 0, out
    groups = json.loads(out)["groups"]
    assert [(g["kind"], [t["id"] for t in g["tracks"]], g["keep"]) for g in groups] == [
        ("exact", [ids["a.wav"], ids["b.wav"]], ids["b.wav"]),  # b has more cue points
        ("likely", [ids["c.wav"], ids["d.wav"]], ids["d.wav"]),  # equal otherwise: the newest
    ]
    member = groups[0]["tracks"][0]
    assert (member["cues"], member["plays"], member["playlists"], member["format"]) == (1, 3, ["Set"], "wav")

    code, out = _run(tmp_path, "library", "merge", str(ids["b.wav"]), str(ids["a.wav"]), stdin="n\n")
    assert code != 0  # refused at the prompt: nothing changes
    with Library.open(tmp_path / "lib.db") as library:
        version = library.version
        assert library.stats().tracks == 5

    code, out = _run(tmp_path, "library", "merge", str(ids["b.wav"]), str(ids["a.wav"]), "--yes")
    assert code == 0, out
    with Library.open(tmp_path / "lib.db") as library:
        assert library.version == version + 1  # one edit: one undo step
        assert library.stats().tracks == 4
        kept = library.get_track(ids["b.wav"])
        assert [(c.values.hotcue, c.values.start) for c in kept.cues] == [(0, 500.4), (1, 1500.0)]
        values = kept.track.values
        assert (values.play_count, values.rating, values.genre) == (5, 4, "House")
        [playlist] = library.playlist_tree()
        assert [e.track_id for e in library.playlist_entries(playlist.id)] == [
            ids["b.wav"],
            ids["c.wav"],
            ids["z.wav"],
            ids["b.wav"],
        ]
    assert (music / "a.wav").is_file()  # audio files are never deleted

    code, out = _run(tmp_path, "traktor", "export", "--nml", str(nml_path), "--no-backup", *maps)
    assert code == 0, out
    after = nml_path.read_bytes()
    old, new = _entries(before), _entries(after)
    assert set(new) == set(old) - {"a.wav"}  # only the confirmed duplicate's entry is removed
    for file in ("c.wav", "d.wav", "z.wav"):
        assert new[file] == old[file]
    exported = nml.load(after)
    [set_list] = [node for node in exported.playlists.walk() if getattr(node, "name", "") == "Set"]
    b_key = nml.playlist_key(Location("Music", "/:", "b.wav"))
    assert set_list.entries == [b_key, keys[1], keys[2], b_key]
    [b_entry] = [t for t in exported.tracks if t.location.file == "b.wav"]
    assert b_entry.play_count == 5 and len(b_entry.cues) == 2


def test_merge_refuses_a_track_merged_into_itself(tmp_path: Path) -> None:
    with Library.open(tmp_path / "lib.db") as library:
        track_id = library.add_track(TrackValues("/m/a.mp3"))
    code, out = _run(tmp_path, "library", "merge", str(track_id), str(track_id), "--yes")
    assert code != 0 and "itself" in out
    with Library.open(tmp_path / "lib.db") as library:
        assert library.stats().tracks == 1


def test_an_undone_merge_exports_nothing_removed_and_a_redone_one_removes_the_duplicate(tmp_path: Path) -> None:
    music = tmp_path / "music"
    write_wav(music / "a.wav", title="Song", artist="Art", tone=1)
    shutil.copyfile(music / "a.wav", music / "b.wav")
    collection = nml.Collection.new()
    a = collection.add_track(Location("Music", "/:", "a.wav"), title="Song", artist="Art", play_count=3, rating=4)
    a.add_cue(CueData(type=0, start=800.0, hotcue=2, name="Vocal"))
    collection.add_track(Location("Music", "/:", "b.wav"), title="Song", artist="Art", play_count=2)
    keys = [nml.playlist_key(Location("Music", "/:", f)) for f in ("a.wav", "b.wav", "a.wav")]
    collection.playlists.create_playlist("Set", keys)
    nml_path = tmp_path / "collection.nml"
    nml_path.write_bytes(collection.to_bytes())
    maps = ["--map", f"Music={music}"]
    assert _run(tmp_path, "traktor", "sync", "--nml", str(nml_path), *maps)[0] == 0
    before = nml_path.read_bytes()
    with Library.open(tmp_path / "lib.db") as library:
        ids = {Path(t.values.path).name: t.id for t in library.search_tracks(limit=10).tracks}

    code, out = _run(tmp_path, "library", "merge", str(ids["b.wav"]), str(ids["a.wav"]), "--yes")
    assert code == 0 and "harmony undo" in out, out
    code, out = _run(tmp_path, "undo")
    assert code == 0 and "Merged 1 duplicate into “Song”" in out, out
    with Library.open(tmp_path / "lib.db") as library:
        a_back = library.get_track(ids["a.wav"])  # the same id, its cue, plays and rating
        assert [(c.values.hotcue, c.values.name) for c in a_back.cues] == [(2, "Vocal")]
        assert (a_back.track.values.play_count, a_back.track.values.rating) == (3, 4)
        assert library.get_track(ids["b.wav"]).track.values.play_count == 2  # the kept track as it was
        [playlist] = library.playlist_tree()
        assert [e.track_id for e in library.playlist_entries(playlist.id)] == [ids["a.wav"], ids["b.wav"], ids["a.wav"]]

    code, out = _run(tmp_path, "traktor", "export", "--nml", str(nml_path), "--no-backup", *maps)
    assert code == 0, out
    assert nml_path.read_bytes() == before  # the undone merge removes nothing, changes nothing

    assert _run(tmp_path, "redo")[0] == 0
    code, out = _run(tmp_path, "traktor", "export", "--nml", str(nml_path), "--no-backup", *maps)
    assert code == 0, out
    assert set(_entries(nml_path.read_bytes())) == {"b.wav"}  # redone: the duplicate's entry goes
    assert (music / "a.wav").is_file()


def test_each_copy_shows_its_length_bpm_and_key_in_the_djs_notation(tmp_path: Path, monkeypatch: MonkeyPatch) -> None:
    """Copies grouped by artist, title and length can differ in the BPM or key they were analysed at: the JSON,
    the CLI's table and the page show both beside the length, the key as the library's Key column does."""
    from dataclasses import replace

    with Library.open(tmp_path / "lib.db") as library:
        library.add_tracks(
            [
                (TrackValues("/m/a.mp3", artist="Art", title="Song", duration=200.2, bpm=124.0, musical_key=21), []),
                (TrackValues("/m/b.mp3", artist="Art", title="Song", duration=200.4, bpm=62.0, key_text="Am"), []),
            ]
        )
        library.save_settings(replace(library.settings(), key_notation="camelot"))
    code, out = _run(tmp_path, "library", "duplicates", "--json")
    assert code == 0, out
    [group] = json.loads(out)["groups"]
    assert [(t["duration"], t["bpm"], t["key"]) for t in group["tracks"]] == [
        (200.2, 124.0, "8A"),
        (200.4, 62.0, "8A"),  # a key stored only as Traktor's text reads in the notation too
    ]
    # Below 120 columns, a card per copy; a table from there.
    code, out = _run(tmp_path, "library", "duplicates")
    assert code == 0, out
    assert "Length 3:20 · BPM 124 · Key 8A" in out and "Length 3:20 · BPM 62 · Key 8A" in out, out
    monkeypatch.setattr(console, "width", 160)
    code, out = _run(tmp_path, "library", "duplicates")
    assert code == 0, out
    rows = [line for line in out.splitlines() if "/m/" in line]
    assert len(rows) == 2 and all("3:20" in row and "8A" in row for row in rows), out
    assert "124" in rows[0] and "62" in rows[1], out
