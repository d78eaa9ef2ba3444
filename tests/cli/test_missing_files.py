"""Missing files from the command line: `harmony library missing`, `harmony traktor suggest-mappings`."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from harmony.cli import app
from harmony.devtools.collection_gen import GeneratedCollection, generate_collection
from harmony.library import Library

runner = CliRunner()


@pytest.fixture
def elsewhere(tmp_path: Path) -> GeneratedCollection:
    """A collection whose files are on this machine, but not where the collection says."""
    return generate_collection(tmp_path / "collection.nml", tracks=120, seed=9, files_dir=tmp_path / "files")


def _run(tmp_path: Path, *args: str) -> tuple[int, str]:
    result = runner.invoke(app, ["--library", str(tmp_path / "lib.db"), *args])
    return result.exit_code, result.stdout + (str(result.exception) if result.exit_code else "")


def test_missing_tracks_are_listed_and_the_suggested_mappings_find_them(
    tmp_path: Path, elsewhere: GeneratedCollection
) -> None:
    code, out = _run(tmp_path, "traktor", "sync", "--nml", str(elsewhere.path))
    assert code == 0, out
    assert "Imported 120 tracks (120 files not found)" in out
    code, out = _run(tmp_path, "library", "missing", "--json")
    listed = json.loads(out)
    assert listed["count"] == 120 and len(listed["tracks"]) == 120
    assert all(t["missing_since"] and t["last_seen"] is None for t in listed["tracks"])

    roots = ("--search-root", str(elsewhere.files_dir))
    code, out = _run(tmp_path, "traktor", "suggest-mappings", *roots, "--json")
    assert code == 0, out
    suggested = json.loads(out)
    volumes = {prefix: str(Path(folder)) for prefix, folder in elsewhere.path_mappings.items()}
    found = {(s["nml_prefix"], s["local_prefix"]): s["finds"] for s in suggested["suggestions"]}
    assert set(found) == set(volumes.items())  # one suggestion per drive, pointing at its folder here
    assert sum(found.values()) == suggested["missing"] == 120
    assert suggested["suggestions"][0]["text"].endswith(f"finds {max(found.values())} of 120")

    left = 120
    for _ in volumes:
        code, out = _run(tmp_path, "traktor", "suggest-mappings", *roots, "--apply", "--nml", str(elsewhere.path))
        assert code == 0, out
        with Library.open(tmp_path / "lib.db") as library:
            now = library.missing_count()
        assert now < left
        left = now
    assert left == 0
    with Library.open(tmp_path / "lib.db") as library:
        assert dict(library.settings().path_mappings) == volumes
        assert library.stats().tracks == 120
    code, out = _run(tmp_path, "library", "missing")
    assert "No missing files" in out


def test_a_search_root_that_is_not_a_folder_is_refused(tmp_path: Path) -> None:
    code, out = _run(tmp_path, "traktor", "suggest-mappings", "--search-root", str(tmp_path / "nope"))
    assert code != 0 and "not a folder" in out
