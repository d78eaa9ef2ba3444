"""Finding the default collection.nml: the newest ``Traktor x.y.z`` folder under Documents/Native Instruments."""

from __future__ import annotations

from pathlib import Path

import pytest

from harmony.errors import SyncError
from harmony.nml.paths import Platform
from harmony.nmlfile.locate import default_nml_path, find_collections, native_instruments_folder


def make_collection(folder: Path, name: str, *, with_nml: bool = True) -> Path:
    """A Traktor version folder, with an (empty) collection.nml unless ``with_nml`` is false."""
    version_folder = folder / name
    version_folder.mkdir(parents=True)
    nml = version_folder / "collection.nml"
    if with_nml:
        nml.write_text("<NML/>")
    return nml


@pytest.mark.parametrize("platform", ["windows", "macos", "linux"])
def test_the_folder_is_documents_native_instruments_on_every_platform(tmp_path: Path, platform: Platform) -> None:
    folder = native_instruments_folder(platform, home=tmp_path)
    assert folder == tmp_path / "Documents" / "Native Instruments"


def test_an_unknown_platform_is_refused(tmp_path: Path) -> None:
    with pytest.raises(SyncError, match="Unknown platform 'beos'"):
        native_instruments_folder("beos", home=tmp_path)  # type: ignore[arg-type]


def test_without_a_home_the_users_documents_folder_is_used(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / ".config"))
    monkeypatch.delenv("USERPROFILE", raising=False)
    assert native_instruments_folder("linux") == tmp_path / "Documents" / "Native Instruments"


def test_versions_sort_as_numbers_newest_first(tmp_path: Path) -> None:
    ni = tmp_path / "Native Instruments"
    v3_9 = make_collection(ni, "Traktor 3.9.2")
    v3_10 = make_collection(ni, "Traktor 3.10.0")
    v3_11 = make_collection(ni, "Traktor 3.11.1")
    v4 = make_collection(ni, "Traktor 4.0.2")
    v2 = make_collection(ni, "Traktor 2.11.3")
    assert find_collections(ni) == [v4, v3_11, v3_10, v3_9, v2]


def test_folders_without_a_collection_and_junk_names_are_ignored(tmp_path: Path) -> None:
    ni = tmp_path / "Native Instruments"
    kept = make_collection(ni, "Traktor 3.11.1")
    make_collection(ni, "Traktor 4.0.2", with_nml=False)  # installed, never started
    make_collection(ni, "Traktor 5.0.0 copy")
    make_collection(ni, "Traktor Kontrol S4")
    make_collection(ni, "Traktor")
    make_collection(ni, "Traktor 6")
    make_collection(ni, "Traktor 7.x.1")
    make_collection(ni, "Maschine 2.0.0")
    (ni / "Traktor 9.9.9").write_text("a file, not a folder")
    (ni / "Traktor 8.0.0" / "collection.nml").mkdir(parents=True)  # a folder named like the file
    assert find_collections(ni) == [kept]


def test_a_missing_folder_has_no_collections(tmp_path: Path) -> None:
    assert find_collections(tmp_path / "nowhere") == []


def test_the_newest_collection_is_the_default(tmp_path: Path) -> None:
    ni = native_instruments_folder("macos", home=tmp_path)
    make_collection(ni, "Traktor 3.9.2")
    newest = make_collection(ni, "Traktor 3.10.0")
    make_collection(ni, "Traktor 4.0.0", with_nml=False)
    assert default_nml_path(None, "macos", home=tmp_path) == newest
    assert default_nml_path("", "macos", home=tmp_path) == newest


def test_a_configured_path_wins(tmp_path: Path) -> None:
    make_collection(native_instruments_folder("windows", home=tmp_path), "Traktor 3.11.1")
    configured = tmp_path / "elsewhere" / "collection.nml"
    assert default_nml_path(str(configured), "windows", home=tmp_path) == configured


def test_a_configured_path_is_used_even_without_a_native_instruments_folder(tmp_path: Path) -> None:
    assert default_nml_path("/dj/collection.nml", "linux", home=tmp_path) == Path("/dj/collection.nml")


def test_nothing_found_says_where_it_looked_and_how_to_set_one(tmp_path: Path) -> None:
    ni = native_instruments_folder("linux", home=tmp_path)
    make_collection(ni, "Traktor 3.11.1", with_nml=False)
    with pytest.raises(SyncError) as caught:
        default_nml_path(None, "linux", home=tmp_path)
    message = str(caught.value)
    assert "\n" not in message
    assert str(ni) in message
    assert "harmony traktor config set nml_path PATH" in message
    assert "on the Traktor page of the web app" in message  # the same words reach the web app's pages
    assert "--nml" in message
