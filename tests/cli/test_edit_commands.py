"""`harmony library set` on many tracks, `harmony cue …`, `harmony playlist …`, `harmony undo|redo`: each
with --json, each change one undo step, errors one line."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from harmony.cli import app
from harmony.errors import HarmonyError
from harmony.library import CueValues, Library, TrackValues

runner = CliRunner()


@pytest.fixture
def library_path(tmp_path: Path) -> Path:
    path = tmp_path / "library.db"
    with Library.open(path) as library:
        library.add_tracks(
            [
                (
                    TrackValues(path=f"/m/{i}.mp3", title=f"Song {i}", genre="Techno" if i < 3 else "House"),
                    [CueValues(type=0, start=100.0 * i, hotcue=0, name="Intro")],
                )
                for i in range(1, 6)
            ]
        )
    return path


def run(library_path: Path, *arguments: str, code: int = 0) -> Any:
    result = runner.invoke(app, ["--library", str(library_path), *arguments])
    assert result.exit_code == code, (result.stdout, result.stderr, result.exception)
    return result


def fail(library_path: Path, *arguments: str) -> str:
    """The one-line error a command stops with (``main`` prints it as ``Error: …`` and exits non-zero)."""
    result = runner.invoke(app, ["--library", str(library_path), *arguments])
    assert isinstance(result.exception, HarmonyError), (result.stdout, result.exception)
    message = str(result.exception)
    assert len(message.splitlines()) == 1
    return message


def data(library_path: Path, *arguments: str) -> Any:
    return json.loads(run(library_path, *arguments, "--json").stdout)


def test_library_set_many_ids_search_and_playlist(library_path: Path) -> None:
    answer = data(library_path, "library", "set", "1", "2", "3", "rating=4", "--yes")
    assert answer == {"updated": 3, "step": {"id": 1, "label": "Rated 3 tracks 4 stars"}}
    answer = data(library_path, "library", "set", "--search", "Techno", "color=2", "--yes")
    assert answer["updated"] == 2
    run(library_path, "playlist", "create", "Set")
    run(library_path, "playlist", "add", "Set", "4", "5")
    assert data(library_path, "library", "set", "--playlist", "Set", "comment=peak", "--yes")["updated"] == 2
    with Library.open(library_path) as library:
        values = [library.get_track(i).track.values for i in range(1, 6)]
    assert [v.rating for v in values] == [4, 4, 4, None, None]
    assert [v.ranking for v in values] == [204, 204, 204, None, None]  # the twin follows
    assert [v.color for v in values] == [2, 2, None, None, None]
    assert [v.comment for v in values] == [None, None, None, "peak", "peak"]


def test_library_set_many_asks_unless_yes(library_path: Path) -> None:
    assert "changes 2 tracks; add --yes" in fail(library_path, "library", "set", "1", "2", "rating=1")
    with Library.open(library_path) as library:
        assert library.get_track(1).track.values.rating is None


def test_library_set_refuses_read_only_fields_and_bad_keys(library_path: Path) -> None:
    assert "read-only" in fail(library_path, "library", "set", "1", "duration=3")
    assert "one of the 24 keys" in fail(library_path, "library", "set", "1", "key_text=H#")


def test_cue_list_add_set_rm(library_path: Path) -> None:
    assert [c["name"] for c in data(library_path, "cue", "list", "1")] == ["Intro"]
    taken = fail(library_path, "cue", "add", "1", "--type", "loop", "--start", "5000", "--hotcue", "0")
    assert "already held by cue 1" in taken
    added = data(
        library_path,
        "cue",
        "add",
        "1",
        "--type",
        "loop",
        "--start",
        "5000",
        "--length",
        "250",
        "--hotcue",
        "0",
        "--swap",
    )
    assert (added["type"], added["hotcue"], added["length"]) == (5, 0, 250.0)
    renamed = data(library_path, "cue", "set", "1", str(added["id"]), "name=Roll", "start=5100")
    assert (renamed["name"], renamed["start"]) == ("Roll", 5100.0)
    assert "start" in fail(library_path, "cue", "set", "1", str(added["id"]), "start=-5")
    assert data(library_path, "cue", "rm", "1", str(added["id"]))["deleted"] == added["id"]
    cues = data(library_path, "cue", "list", "1")
    assert [(c["name"], c["hotcue"]) for c in cues] == [("Intro", -1)]  # the swap stays, the loop went


def test_playlist_commands_by_path_and_id(library_path: Path) -> None:
    folder = data(library_path, "playlist", "create", "Gigs", "--folder")
    friday = data(library_path, "playlist", "create", "Gigs/Friday")
    assert friday["step"]["label"] == "Created playlist “Friday”"
    run(library_path, "playlist", "add", "Gigs/Friday", "1", "2", "3")
    assert "already in “Friday”" in fail(library_path, "playlist", "add", str(friday["id"]), "2")
    run(library_path, "playlist", "add", "Gigs/Friday", "2", "--allow-duplicates", "--position", "0")
    run(library_path, "playlist", "reorder", "Gigs/Friday", "--from", "0", "--to", "3")
    run(library_path, "playlist", "remove", "Gigs/Friday", "0")
    shown = data(library_path, "playlist", "show", "Gigs/Friday")
    assert [e["track_id"] for e in shown["entries"]] == [2, 3, 2]
    run(library_path, "playlist", "rename", "Gigs/Friday", "Saturday")
    run(library_path, "playlist", "move", "Gigs/Saturday", "--to", "/", "--position", "0")
    rows = data(library_path, "playlist", "list")
    assert [(r["kind"], r["path"]) for r in rows] == [("playlist", "Saturday"), ("folder", "Gigs")]
    assert data(library_path, "playlist", "rm", "Saturday")["entries"] == 3
    assert "No playlist at “Nope”" in fail(library_path, "playlist", "show", "Nope")
    assert data(library_path, "playlist", "rm", "Gigs")["folders"] == 1 == folder["id"]


def test_undo_and_redo(library_path: Path) -> None:
    assert "Nothing to undo" in fail(library_path, "undo")
    run(library_path, "library", "set", "2", "title=Changed")
    undone = data(library_path, "undo")
    assert undone["undone"]["label"] == "Renamed “Song 2” to “Changed”"
    with Library.open(library_path) as library:
        assert library.get_track(2).track.values.title == "Song 2"
    assert "Redid: Renamed “Song 2” to “Changed”" in run(library_path, "redo").stdout
    with Library.open(library_path) as library:
        assert library.get_track(2).track.values.title == "Changed"


def test_playlist_show_lists_a_smart_lists_tracks_or_says_what_it_cannot_evaluate(library_path: Path) -> None:
    with Library.open(library_path) as library:
        library.create_playlist("Techno", None, None, smart_query='$GENRE % "techno"')
        library.create_playlist("Odd", None, None, smart_query='$FILEPATH % "m"')
    shown = data(library_path, "playlist", "show", "Techno")
    assert shown["evaluable"] is True and shown["query"] == '$GENRE % "techno"'
    assert [row["title"] for row in shown["tracks"]] == ["Song 1", "Song 2"]
    text = run(library_path, "playlist", "show", "Techno").stdout
    assert 'Smart list: $GENRE % "techno"' in text and "2 tracks" in text and "Song 2" in text
    odd = data(library_path, "playlist", "show", "Odd")
    assert odd["evaluable"] is False and odd["tracks"] is None and odd["unsupported"] == '$FILEPATH % "m"'
    text = run(library_path, "playlist", "show", "Odd").stdout
    assert "Harmony cannot evaluate" in text and "0 entries" not in text
