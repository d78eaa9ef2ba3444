"""A DJ's own texts in the CLI's tables are shown as they are. Rich reads "[…]" as markup: a title "Song [/]"
stopped `harmony library show` with a markup error, and "[dark]" vanished from a playlist's name."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from harmony.cli import app
from harmony.cli.output import console
from harmony.library import CueValues, Library, TrackValues

runner = CliRunner()


def test_titles_names_and_paths_with_brackets_read_as_they_are(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(console, "width", 200)
    library_path = tmp_path / "library.db"
    with Library.open(library_path) as library:
        first, _ = library.add_tracks(
            [
                (
                    TrackValues("/m/[dark]/a.mp3", artist="Art [bold]", title="Song [/]", duration=200.0),
                    [CueValues(0, 1000.0, hotcue=0, name="drop [red]")],
                ),
                (TrackValues("/m/[dark]/b.mp3", artist="Art [bold]", title="Song [/]", duration=200.4), []),
            ]
        )
        library.create_playlist("Mix [dark]", None, track_ids=[first])

    def out(*arguments: str) -> str:
        result = runner.invoke(app, ["--library", str(library_path), *arguments])
        assert result.exit_code == 0, (result.stdout, result.exception)
        return result.stdout

    shown = out("library", "show", str(first))
    assert "Song [/]" in shown and "Art [bold]" in shown and "drop [red]" in shown and "/m/[dark]/a.mp3" in shown
    listed = out("library", "tracks")
    assert listed.count("Song [/]") == 2 and "Art [bold]" in listed
    assert "Mix [dark]" in out("playlist", "list")
    assert "Song [/]" in out("playlist", "show", "Mix [dark]")
    assert "drop [red]" in out("cue", "list", str(first))
    duplicates = out("library", "duplicates")
    assert duplicates.count("Art [bold] – Song [/]") == 2 and "/m/[dark]/b.mp3" in duplicates
    assert "matching '[/]'" in out("library", "tracks", "--search", "[/]")  # a table's title
    # An edit's label quotes the text: printed after the change was saved, it stopped the command with an error.
    out("library", "set", str(first), "title=Song [/] [x]")
    assert "Undid: Renamed “Song [/]” to “Song [/] [x]”" in out("undo")
    assert "Mix [dark] [2]" in out("playlist", "rename", "Mix [dark]", "Mix [dark] [2]")
    merged = out("library", "merge", str(first), str(first + 1), "--yes")
    assert "Merged 1 tracks" in merged and "“Song [/]”" in merged
