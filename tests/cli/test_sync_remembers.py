"""An applied `harmony traktor sync --nml … --map …` makes that collection and those path mappings the library's
own, so the next sync without options (a bare CLI sync, the web app's, auto-sync's) reads the tracks the same way.

Before, the options were one-off: the next sync without them resolved every track's file at its Traktor path,
and every track of a collection made on another machine was marked missing."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from harmony.cli import app
from harmony.devtools.collection_gen import GeneratedCollection, generate_collection
from harmony.errors import SyncError
from harmony.library import Library, TraktorSettings
from harmony.service import ImportRequest
from harmony.service.remember import remembered_settings
from harmony.sync import PathMapping

runner = CliRunner()


def _maps(generated: GeneratedCollection) -> list[str]:
    return [arg for volume, folder in generated.path_mappings.items() for arg in ("--map", f"{volume}={folder}")]


@pytest.fixture
def collection(tmp_path: Path) -> GeneratedCollection:
    return generate_collection(tmp_path / "collection.nml", tracks=40, seed=5, files_dir=tmp_path / "files")


def _cli(tmp_path: Path, *args: str) -> tuple[int, str]:
    result = runner.invoke(app, ["--library", str(tmp_path / "lib.db"), *args])
    return result.exit_code, " ".join(result.stdout.split())  # the console wraps long lines


def _settings(tmp_path: Path) -> TraktorSettings:
    with Library.open(tmp_path / "lib.db") as library:
        return library.settings()


def _remembered(
    request: ImportRequest, settings: TraktorSettings, nml_path: Path
) -> tuple[TraktorSettings, tuple[PathMapping, ...]]:
    remembered = remembered_settings(request, settings, nml_path)
    assert remembered is not None  # the settings name this collection or none
    return remembered


def _missing(tmp_path: Path) -> int:
    with Library.open(tmp_path / "lib.db") as library:
        return len(library.missing_tracks())


def test_a_sync_with_options_is_remembered_and_a_bare_sync_then_finds_every_file(
    tmp_path: Path, collection: GeneratedCollection
) -> None:
    code, out = _cli(tmp_path, "traktor", "sync", "--nml", str(collection.path), *_maps(collection))
    assert code == 0, out
    assert "Imported 40 tracks" in out
    assert "now use this collection and these path mappings" in out
    settings = _settings(tmp_path)
    assert settings.nml_path == str(collection.path)
    assert dict(settings.path_mappings) == collection.path_mappings
    assert _missing(tmp_path) == 0

    # The next sync, with no option at all: the same collection read the same way, nothing changes.
    code, out = _cli(tmp_path, "traktor", "sync")
    assert code == 0, out
    assert "No changes needed" in out
    assert "now use" not in out  # nothing new to remember
    assert _missing(tmp_path) == 0


def test_settings_naming_another_collection_are_left_as_they_are(
    tmp_path: Path, collection: GeneratedCollection
) -> None:
    mine = TraktorSettings().updated(nml_path=str(tmp_path / "mine.nml"), path_mappings={"D:/Music": "/dj/Music"})
    with Library.open(tmp_path / "lib.db") as library:
        library.save_settings(mine)
    args = ["traktor", "sync", "--nml", str(collection.path), *_maps(collection)]
    code, out = _cli(tmp_path, *args)
    assert code == 0, out
    assert "Imported 40 tracks" in out
    assert "name another collection" in out and "`--nml` and `--map` again" in out
    assert _settings(tmp_path) == mine

    code, out = _cli(tmp_path, *args, "--json")
    assert code == 0, out
    assert json.loads(out)["settings_saved"] is False
    assert _settings(tmp_path) == mine


def test_a_dry_run_a_preview_and_a_failed_sync_remember_nothing(
    tmp_path: Path, collection: GeneratedCollection
) -> None:
    options = ["--nml", str(collection.path), *_maps(collection)]
    code, out = _cli(tmp_path, "traktor", "sync", *options, "--dry-run")
    assert code == 0 and "Dry run" in out, out
    code, out = _cli(tmp_path, "traktor", "preview", *options)
    assert code == 0 and "Would import 40 tracks" in out, out
    broken = tmp_path / "broken.nml"
    broken.write_text("<NML><COLLECTION>", encoding="utf-8")
    code, out = _cli(tmp_path, "traktor", "sync", "--nml", str(broken), *_maps(collection))
    assert code != 0
    assert _settings(tmp_path) == TraktorSettings()


def test_the_json_says_whether_the_settings_were_saved(tmp_path: Path, collection: GeneratedCollection) -> None:
    args = ["traktor", "sync", "--nml", str(collection.path), *_maps(collection), "--json"]
    code, out = _cli(tmp_path, *args)
    assert code == 0, out
    assert json.loads(out)["settings_saved"] is True
    code, out = _cli(tmp_path, *args)
    assert code == 0, out
    assert json.loads(out)["settings_saved"] is False  # the same again: already the library's


def test_a_relative_local_folder_is_remembered_absolute(
    tmp_path: Path, collection: GeneratedCollection, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The web app runs from another folder: "./files" would point elsewhere there.
    monkeypatch.chdir(tmp_path)
    files = Path(collection.files_dir)
    relative = [
        arg
        for volume, folder in collection.path_mappings.items()
        for arg in ("--map", f"{volume}=./{Path(folder).relative_to(tmp_path).as_posix()}")
    ]
    assert Path(next(iter(collection.path_mappings.values()))).is_relative_to(files)
    code, out = _cli(tmp_path, "traktor", "sync", "--nml", "collection.nml", *relative)
    assert code == 0, out
    assert _missing(tmp_path) == 0
    settings = _settings(tmp_path)
    assert settings.nml_path == str(collection.path)
    assert dict(settings.path_mappings) == collection.path_mappings


def test_a_mapping_given_again_replaces_the_stored_one_for_its_prefix_in_place(tmp_path: Path) -> None:
    folders = {name: tmp_path / name for name in ("old", "new", "sets", "more")}
    for folder in folders.values():
        folder.mkdir()
    stored = TraktorSettings().updated(
        nml_path="/dj/collection.nml",
        path_mappings=(("C:/Music", str(folders["old"])), ("D:/Sets", str(folders["sets"]))),
    )
    request = ImportRequest(path_mappings=(("c:/music", str(folders["new"])), ("E:/More", str(folders["more"]))))
    remembered, left_out = _remembered(request, stored, Path("/dj/collection.nml"))
    # The prefix is matched as the planner matches it (case-folded names); the order of the rest is kept.
    expected = (("c:/music", str(folders["new"])), ("D:/Sets", str(folders["sets"])), ("E:/More", str(folders["more"])))
    assert remembered.path_mappings == expected and left_out == ()
    assert remembered.nml_path == "/dj/collection.nml"
    # The planner's own mappings are the same ones, in the same order.
    assert [(m.nml_prefix, m.local_prefix) for m in request.options(stored).path_mappings] == list(expected)
    # Nothing new: the settings come back as they are.
    assert _remembered(ImportRequest(), remembered, Path("/dj/collection.nml"))[0] is remembered


def test_a_prefix_typed_in_another_unicode_form_is_the_same_prefix(tmp_path: Path) -> None:
    # "Música" pasted from macOS is decomposed (NFD); the stored one is composed (NFC). One prefix: the new
    # folder replaces the old one, for the planner as for the settings.
    new = tmp_path / "new"
    new.mkdir()
    stored = TraktorSettings().updated(path_mappings=(("D:/M\u00fasica", "/old"),))
    request = ImportRequest(path_mappings=(("D:/Mu\u0301sica", str(new)),))
    remembered, _ = _remembered(request, stored, tmp_path / "collection.nml")
    assert remembered.path_mappings == (("D:/Mu\u0301sica", str(new)),)
    assert [m.local_prefix for m in request.options(stored).path_mappings] == [str(new)]


def test_a_local_folder_under_home_is_anchored_there(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.chdir(tmp_path / "..")
    request = ImportRequest(path_mappings=("C:/Music=~/Music", "D:/Sets=/dj/Sets", "E:/x=rel/x")).anchored()
    assert request.path_mappings == (
        ("C:/Music", str(tmp_path / "Music")),
        "D:/Sets=/dj/Sets",
        ("E:/x", str(tmp_path.parent / "rel" / "x")),
    )


def test_a_map_to_a_folder_that_is_not_here_is_warned_of_and_not_remembered(
    tmp_path: Path, collection: GeneratedCollection
) -> None:
    good = _maps(collection)
    code, out = _cli(tmp_path, "traktor", "sync", "--nml", str(collection.path), *good)
    assert code == 0, out
    remembered = _settings(tmp_path)
    volume, folder = next(iter(collection.path_mappings.items()))
    typo = f"{folder}-typo"
    typed = [f"{volume}={typo}" if arg == f"{volume}={folder}" else arg for arg in good]
    result = runner.invoke(
        app, ["--library", str(tmp_path / "lib.db"), "traktor", "sync", "--nml", str(collection.path), *typed]
    )
    assert result.exit_code == 0, result.output
    warnings = " ".join(result.stderr.split())
    # Before the work: what the typo will do; after it: that it was not remembered.
    assert f"there is no folder {typo} here, so the tracks under {volume} will be marked missing" in warnings
    assert f"--map {volume}={typo} was used but not remembered: there is no folder {typo} here" in warnings
    assert warnings.count("warning") == 2  # the other mappings' folders are there
    assert _missing(tmp_path) > 0  # it ran: those tracks are marked missing, as it said
    assert _settings(tmp_path) == remembered  # the DJ's good mapping is kept
    code, out = _cli(tmp_path, "traktor", "sync")  # and the next bare sync finds every file again
    assert code == 0, out
    assert _missing(tmp_path) == 0


def test_a_bare_sync_leaves_the_newest_traktors_collection_to_be_found_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # With no collection configured, a sync reads the newest Traktor's: writing that file down would keep
    # Harmony on it after a Traktor upgrade makes a newer one.
    home = tmp_path / "home"
    monkeypatch.setenv("HOME", str(home))
    folder = home / "Documents" / "Native Instruments" / "Traktor 3.10.0"
    folder.mkdir(parents=True)
    generated = generate_collection(folder / "collection.nml", tracks=10, seed=2, files_dir=tmp_path / "files")
    code, out = _cli(tmp_path, "traktor", "sync", *_maps(generated))
    assert code == 0, out
    assert "Imported 10 tracks" in out
    settings = _settings(tmp_path)
    assert settings.nml_path is None  # still "the newest Traktor's"
    assert dict(settings.path_mappings) == generated.path_mappings  # the mappings are remembered
    assert _missing(tmp_path) == 0


def test_settings_that_cannot_be_saved_are_warned_of_and_the_sync_stands(
    tmp_path: Path, collection: GeneratedCollection, monkeypatch: pytest.MonkeyPatch
) -> None:
    from harmony.errors import LibraryError

    def refuse(self: Library, settings: TraktorSettings) -> None:
        raise LibraryError("The library is locked by another program.")

    monkeypatch.setattr(Library, "save_settings", refuse)
    args = ["--library", str(tmp_path / "lib.db"), "traktor", "sync", "--nml", str(collection.path)]
    result = runner.invoke(app, [*args, *_maps(collection), "--json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["settings_saved"] is False
    assert "the settings were not saved: The library is locked by another program." in result.stderr
    monkeypatch.undo()
    assert _settings(tmp_path) == TraktorSettings()
    with Library.open(tmp_path / "lib.db") as library:
        assert library.stats().tracks == 40  # the sync itself applied


def test_a_home_folder_of_a_user_that_does_not_exist_is_one_line(
    tmp_path: Path, collection: GeneratedCollection
) -> None:
    args = ["--library", str(tmp_path / "lib.db"), "traktor", "preview", "--nml", str(collection.path)]
    result = runner.invoke(app, [*args, "--map", "C:=~nosuchuser-harmony/Music"])
    assert result.exit_code != 0
    assert "Cannot use the local folder of path mapping" in str(result.exception)
    assert isinstance(result.exception, SyncError)


def test_a_sync_with_only_nml_says_so(tmp_path: Path, collection: GeneratedCollection) -> None:
    code, out = _cli(tmp_path, "traktor", "sync", "--nml", str(collection.path))
    assert code == 0, out
    assert "now use this collection" in out and "path mappings" not in out.split("now use")[1]
    assert _settings(tmp_path).nml_path == str(collection.path)
