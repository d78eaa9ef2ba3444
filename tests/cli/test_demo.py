"""`harmony demo` generates a collection with its files and reads it back."""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from harmony import nml
from harmony.cli import app


def test_demo_generates_reads_and_reports(tmp_path: Path) -> None:
    result = CliRunner().invoke(app, ["demo", "--tracks", "120", "--folder", str(tmp_path)])
    assert result.exit_code == 0, result.output
    assert "120 tracks" in result.stdout
    assert "generating:" in result.stdout and "reading:" in result.stdout
    collection = nml.load(tmp_path / "collection.nml")
    assert len(collection.tracks) == 120
    # every track's file exists under the demo folder (through the generator's path mappings)
    music = tmp_path / "Music"
    assert sum(1 for p in music.rglob("*") if p.is_file()) == 120
    # running it again replaces the demo instead of piling files up
    again = CliRunner().invoke(app, ["demo", "--tracks", "50", "--folder", str(tmp_path)])
    assert again.exit_code == 0
    assert sum(1 for p in music.rglob("*") if p.is_file()) == 50
