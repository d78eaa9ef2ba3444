"""`harmony demo` generates a collection with its files and imports it into the library."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from harmony import nml
from harmony.cli import app
from harmony.devtools import generate_collection
from harmony.library import Library


# Slow: generates, then imports, a whole demo collection through the worker pool.
@pytest.mark.slow
def test_demo_generates_imports_and_reports(tmp_path: Path) -> None:
    library = tmp_path / "library.db"
    args = ["--library", str(library), "demo", "--tracks", "120", "--folder", str(tmp_path / "demo")]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 0, result.output
    assert "120 tracks" in result.stdout
    assert "Imported 120 tracks" in result.stdout
    for phase in ("generating:", "parsing:", "analyzing:", "saving:"):
        assert phase in result.stdout
    collection = nml.load(tmp_path / "demo" / "collection.nml")
    assert len(collection.tracks) == 120
    with Library.open(library) as opened:
        assert opened.stats().tracks == 120
    # every track's file exists under the demo folder (through the generator's path mappings)
    music = tmp_path / "demo" / "Music"
    assert sum(1 for p in music.rglob("*") if p.is_file()) == 120

    # the demo is the library's collection now, with the mapping to its files: the web app and a sync with no
    # options find it, and a sync reads every track at its file (before, every track moved to a path that does
    # not exist here and went missing)
    with Library.open(library) as opened:
        settings = opened.settings()
    assert settings.nml_path == str(tmp_path / "demo" / "collection.nml")
    assert settings.path_mappings and all(Path(folder).is_relative_to(music) for _, folder in settings.path_mappings)
    preview = CliRunner().invoke(app, ["--library", str(library), "traktor", "preview"])
    assert preview.exit_code == 0, preview.output
    assert "No changes needed" in preview.stdout

    # the same demo again: the same collection, so nothing to import
    again = CliRunner().invoke(app, args)
    assert again.exit_code == 0, again.output
    assert "No changes needed" in again.stdout

    # a smaller demo replaces the files instead of piling them up
    smaller = CliRunner().invoke(app, [*args[:-3], "50", "--folder", str(tmp_path / "demo")])
    assert smaller.exit_code == 0, smaller.output
    assert sum(1 for p in music.rglob("*") if p.is_file()) == 50


def test_demo_into_a_library_synced_with_another_collection_stops_before_removing_it(tmp_path: Path) -> None:
    library = tmp_path / "library.db"
    real = generate_collection(tmp_path / "real" / "collection.nml", tracks=30, seed=3, files_dir=tmp_path / "files")
    maps = [arg for volume, folder in real.path_mappings.items() for arg in ("--map", f"{volume}={folder}")]
    synced = CliRunner().invoke(app, ["--library", str(library), "traktor", "sync", "--nml", str(real.path), *maps])
    assert synced.exit_code == 0, synced.output

    args = ["--library", str(library), "demo", "--tracks", "20", "--folder", str(tmp_path / "demo")]
    result = CliRunner().invoke(app, args)
    assert result.exit_code != 0
    assert "30 of 30 tracks" in str(result.exception)
    with Library.open(library) as opened:
        assert opened.stats().tracks == 30  # the DJ's own tracks are all still there
        # the DJ's sync made their collection the library's; nothing of the demo went into the settings
        settings = opened.settings()
    assert settings.nml_path == str(real.path)
    assert dict(settings.path_mappings) == real.path_mappings


def test_the_demo_leaves_settings_that_name_another_collection_as_they_are(tmp_path: Path) -> None:
    # The demo's settings follow the rule of every sync from the command line (harmony.service.remember).
    from harmony.library import TraktorSettings
    from harmony.service import ImportRequest
    from harmony.service.remember import remembered_settings

    music = tmp_path / "demo" / "Music"
    music.mkdir(parents=True)
    collection = tmp_path / "demo" / "collection.nml"
    demo = ImportRequest(nml_path=str(collection), path_mappings=(("Macintosh HD/Users", str(music)),))
    mine = TraktorSettings().updated(nml_path="/dj/collection.nml", path_mappings={"D:/Music": "/dj/Music"})
    assert remembered_settings(demo, mine, collection) is None  # another collection: left as it is
    remembered = remembered_settings(demo, mine.updated(nml_path=None), collection)
    assert remembered is not None
    kept, _ = remembered
    assert kept.nml_path == str(collection)
    assert dict(kept.path_mappings) == {"D:/Music": "/dj/Music", "Macintosh HD/Users": str(music)}
