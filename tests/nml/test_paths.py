"""Tests of harmony.nml.paths: Traktor LOCATION strings ↔ OS paths, playlist keys, comparison keys."""

from __future__ import annotations

import sys
import unicodedata

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from harmony.errors import NMLError
from harmony.nml.paths import (
    Location,
    Platform,
    comparison_key,
    current_platform,
    decode_name,
    dir_to_parts,
    encode_name,
    location_to_path,
    parts_to_dir,
    path_to_location,
    playlist_key,
    split_playlist_key,
)

NFD_ROSE = "ROSE\u0301"  # as found in a real Windows collection: E + combining acute, not É
HEBREW = "שלום"

# --- DIR strings ----------------------------------------------------------------------------------

DIRS = [
    ("/:", ()),
    ("/:Users/:me/:Music/:", ("Users", "me", "Music")),
    ("/:Music to Spin/:Beaucoup Fish/:", ("Music to Spin", "Beaucoup Fish")),
    ("/:a//b/:", ("a:b",)),
    ("/:a///:", ("a:",)),  # a name ending in ':' right before the separator
    ("/://x/:", (":x",)),  # a name starting with ':'
    ("/:///:", (":",)),
    ("/:A////B/:", ("A::B",)),
    (f"/:{NFD_ROSE}/:", (NFD_ROSE,)),
    (f"/:Musik/:{HEBREW}/:", ("Musik", HEBREW)),
    ("/: leading and trailing spaces /:", (" leading and trailing spaces ",)),
]


@pytest.mark.parametrize(("stored", "parts"), DIRS)
def test_dir_to_parts(stored: str, parts: tuple[str, ...]) -> None:
    assert dir_to_parts(stored) == parts


@pytest.mark.parametrize(("stored", "parts"), DIRS)
def test_parts_to_dir(stored: str, parts: tuple[str, ...]) -> None:
    assert parts_to_dir(parts) == stored
    assert parts_to_dir(list(parts)) == stored


def test_dir_to_parts_keeps_unicode_exactly() -> None:
    (name,) = dir_to_parts(f"/:{NFD_ROSE}/:")
    assert name == NFD_ROSE
    assert name != unicodedata.normalize("NFC", NFD_ROSE)


@pytest.mark.parametrize(
    ("stored", "parts"),
    [
        ("", ()),  # a missing DIR reads as the top of the volume
        ("/:Users/:me", ("Users", "me")),  # the final '/:' missing
    ],
)
def test_dir_to_parts_tolerates(stored: str, parts: tuple[str, ...]) -> None:
    assert dir_to_parts(stored) == parts


@pytest.mark.parametrize(
    "stored",
    [
        "Users/:me/:",  # no leading '/:'
        "C:\\Users\\me",
        "/:a:b/:",  # a bare ':' inside a name
        "/:/:",  # an empty folder name
        "/:Users/:/:me/:",
        "/:../:",
        "/:./:",
        "/:a//:",  # decodes to 'a/': no real name holds '/'
        "/:a/",
    ],
)
def test_dir_to_parts_rejects_malformed(stored: str) -> None:
    with pytest.raises(NMLError, match="folder"):
        dir_to_parts(stored)


@pytest.mark.parametrize("parts", [("",), ("a", ""), (".",), ("..",), ("a/b",), ("/",)])
def test_parts_to_dir_rejects_impossible_names(parts: tuple[str, ...]) -> None:
    with pytest.raises(NMLError):
        parts_to_dir(parts)


@pytest.mark.parametrize(
    ("name", "stored"),
    [("Shudder:King of Snake.m4a", "Shudder//King of Snake.m4a"), ("plain.mp3", "plain.mp3"), (":", "//")],
)
def test_encode_and_decode_name(name: str, stored: str) -> None:
    assert encode_name(name) == stored
    assert decode_name(stored) == name


def test_location_decoded_views() -> None:
    loc = Location("Music", "/:Music to Spin/:Felix//Housecat/:", "Voicemail w//Miss Kittin.mp3", "Music")
    assert loc.parts == ("Music to Spin", "Felix:Housecat")
    assert loc.name == "Voicemail w:Miss Kittin.mp3"


def test_location_is_frozen() -> None:
    loc = Location("C:", "/:", "a.mp3")
    with pytest.raises(AttributeError):
        loc.file = "b.mp3"  # type: ignore[misc]
    assert loc.volume_id == ""


# --- location ↔ path ------------------------------------------------------------------------------

# (platform, location, path): both directions hold for every row.
ROUND_TRIPS = [
    ("windows", Location("C:", "/:Users/:me/:Music/:", "a.mp3", "1caf2a4e"), "C:\\Users\\me\\Music\\a.mp3"),
    ("windows", Location("D:", "/:", "top.mp3"), "D:\\top.mp3"),
    (
        "windows",
        Location("D:", "/:Traktor_Library/:Neosignal/:", "Phace_-_Brainwave.aif", "00f95451"),
        "D:\\Traktor_Library\\Neosignal\\Phace_-_Brainwave.aif",
    ),
    ("windows", Location("E:", f"/:{HEBREW}/:", f"{NFD_ROSE} 1.mp3"), f"E:\\{HEBREW}\\{NFD_ROSE} 1.mp3"),
    ("macos", Location("Macintosh HD", "/:Users/:me/:Music/:", "a.aiff"), "/Users/me/Music/a.aiff"),
    ("macos", Location("Macintosh HD", "/:", "root.wav"), "/root.wav"),
    (
        "macos",
        Location("Music", "/:Music to Spin/:Beaucoup Fish/:", "Shudder//King of Snake.m4a", "Music"),
        "/Volumes/Music/Music to Spin/Beaucoup Fish/Shudder:King of Snake.m4a",
    ),
    (
        "macos",
        Location("TOSHIBA EXT", "/:DJ/:", f"{NFD_ROSE}.mp3", "TOSHIBA EXT"),
        f"/Volumes/TOSHIBA EXT/DJ/{NFD_ROSE}.mp3",
    ),
    ("macos", Location("SUNRISE PRO", "/:", "x//y.mp3"), "/Volumes/SUNRISE PRO/x:y.mp3"),
    ("linux", Location("Macintosh HD", "/:home/:me/:Music/:", "a//b.flac"), "/home/me/Music/a:b.flac"),
    ("linux", Location("Macintosh HD", f"/:{HEBREW}/:", f"{NFD_ROSE}.mp3"), f"/{HEBREW}/{NFD_ROSE}.mp3"),
]


@pytest.mark.parametrize(("platform", "loc", "path"), ROUND_TRIPS)
def test_location_to_path(platform: Platform, loc: Location, path: str) -> None:
    assert location_to_path(loc, platform) == path


@pytest.mark.parametrize(("platform", "loc", "path"), ROUND_TRIPS)
def test_path_to_location(platform: Platform, loc: Location, path: str) -> None:
    assert path_to_location(path, platform, volume_id=loc.volume_id) == loc


def test_location_to_path_other_startup_volume() -> None:
    loc = Location("Macintosh HD", "/:Users/:", "a.mp3")
    assert location_to_path(loc, "macos", startup_volume="Fast SSD") == "/Volumes/Macintosh HD/Users/a.mp3"
    ssd = Location("Fast SSD", "/:Users/:", "a.mp3")
    assert location_to_path(ssd, "macos", startup_volume="Fast SSD") == "/Users/a.mp3"
    assert path_to_location("/Users/a.mp3", "macos", startup_volume="Fast SSD") == ssd


def test_linux_ignores_the_volume() -> None:
    """On Linux every location lives on the root file system, whatever Traktor called the volume."""
    loc = Location("Music", "/:Sets/:", "a.mp3", "Music")
    assert location_to_path(loc, "linux") == "/Sets/a.mp3"
    expected = Location("Root", "/:Sets/:", "a.mp3")
    assert path_to_location("/Sets/a.mp3", "linux", startup_volume="Root") == expected


@pytest.mark.parametrize(
    ("platform", "path", "loc"),
    [
        ("windows", "c:\\a\\b.mp3", Location("C:", "/:a/:", "b.mp3")),  # Traktor writes drives in upper case
        ("windows", "C:/Users/me/a.mp3", Location("C:", "/:Users/:me/:", "a.mp3")),
        ("windows", "C:\\Users\\\\me\\.\\a.mp3", Location("C:", "/:Users/:me/:", "a.mp3")),
        ("windows", "\\\\?\\C:\\Users\\a.mp3", Location("C:", "/:Users/:", "a.mp3")),
        ("macos", "/Volumes/Macintosh HD/Users/a.mp3", Location("Macintosh HD", "/:Users/:", "a.mp3")),
        ("macos", "//Users///me/./a.mp3", Location("Macintosh HD", "/:Users/:me/:", "a.mp3")),
        ("macos", "/Volumes/USB/a.mp3", Location("USB", "/:", "a.mp3")),
        ("linux", "/Volumes/USB/a.mp3", Location("Macintosh HD", "/:Volumes/:USB/:", "a.mp3")),
    ],
)
def test_path_to_location_normalises_the_path_syntax(platform: Platform, path: str, loc: Location) -> None:
    assert path_to_location(path, platform) == loc


@pytest.mark.parametrize(
    ("platform", "path", "message"),
    [
        ("windows", "\\\\server\\share\\a.mp3", "network"),
        ("windows", "//server/share/a.mp3", "network"),
        ("windows", "\\\\?\\UNC\\server\\share\\a.mp3", "network"),
        ("windows", "Music\\a.mp3", "relative"),
        ("windows", "\\Music\\a.mp3", "relative"),
        ("windows", "C:Music\\a.mp3", "relative"),
        ("windows", "/home/me/a.mp3", "relative"),
        ("windows", "C:\\Music\\", "folder"),
        ("windows", "C:\\", "folder"),
        ("windows", "C:\\a\\..\\b.mp3", r"'\.\.'"),
        ("macos", "Music/a.mp3", "relative"),
        ("macos", "~/Music/a.mp3", "relative"),
        ("macos", "C:\\Music\\a.mp3", "relative"),
        ("macos", "", "relative"),
        ("macos", "/Users/me/", "folder"),
        ("macos", "/", "folder"),
        ("macos", "/Volumes/USB", "volume"),
        ("macos", "/Volumes/", "folder"),
        ("macos", "/a/../b.mp3", r"'\.\.'"),
        ("linux", "a.mp3", "relative"),
        ("linux", "/home/me/Music/", "folder"),
    ],
)
def test_path_to_location_rejects(platform: Platform, path: str, message: str) -> None:
    with pytest.raises(NMLError, match=message):
        path_to_location(path, platform)


@pytest.mark.parametrize(
    ("platform", "loc", "message"),
    [
        ("windows", Location("Macintosh HD", "/:Users/:", "a.mp3"), "not a Windows drive"),
        ("windows", Location("", "/:Users/:", "a.mp3"), "not a Windows drive"),
        ("windows", Location("C:", "/:a\\b/:", "a.mp3"), "Windows does not allow"),
        ("windows", Location("C:", "/:", ""), "not a valid"),
        ("macos", Location("", "/:Users/:", "a.mp3"), "not a macOS volume"),
        ("macos", Location("Macintosh HD", "Users", "a.mp3"), "folder"),
        ("linux", Location("x", "/:", ".."), "not a valid"),
    ],
)
def test_location_to_path_rejects(platform: Platform, loc: Location, message: str) -> None:
    with pytest.raises(NMLError, match=message):
        location_to_path(loc, platform)


def test_platform_defaults_to_the_current_one() -> None:
    loc = Location("C:" if current_platform() == "windows" else "Macintosh HD", "/:a/:", "b.mp3")
    assert location_to_path(loc) == location_to_path(loc, current_platform())
    assert path_to_location(location_to_path(loc)) == loc


@pytest.mark.parametrize(
    ("sys_platform", "expected"),
    [
        ("win32", "windows"),
        ("cygwin", "windows"),
        ("darwin", "macos"),
        ("linux", "linux"),
        ("freebsd14", "linux"),
    ],
)
def test_current_platform(monkeypatch: pytest.MonkeyPatch, sys_platform: str, expected: Platform) -> None:
    monkeypatch.setattr(sys, "platform", sys_platform)
    assert current_platform() == expected


# --- playlist keys --------------------------------------------------------------------------------

KEYS = [
    (
        Location("D:", "/:Traktor_Library/:Neosignal/:", "Phace_-_Brainwave.aif"),
        "D:/:Traktor_Library/:Neosignal/:Phace_-_Brainwave.aif",
    ),
    (Location("Macintosh HD", "/:Users/:a///:", "x//y.mp3"), "Macintosh HD/:Users/:a///:x//y.mp3"),
    (Location("C:", "/:", "top.mp3"), "C:/:top.mp3"),
    (Location("Music", f"/:{NFD_ROSE}/:", "b.mp3", "ignored"), f"Music/:{NFD_ROSE}/:b.mp3"),
]


@pytest.mark.parametrize(("loc", "key"), KEYS)
def test_playlist_key(loc: Location, key: str) -> None:
    assert playlist_key(loc) == key


@pytest.mark.parametrize(("loc", "key"), KEYS)
def test_split_playlist_key(loc: Location, key: str) -> None:
    assert split_playlist_key(key) == (loc.volume, loc.dir, loc.file)


@pytest.mark.parametrize("key", ["", "no separator", "track@https://example.com/stream"])
def test_split_playlist_key_rejects_non_track_keys(key: str) -> None:
    with pytest.raises(NMLError, match="not a VOLUME"):
        split_playlist_key(key)


# --- comparison keys ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "platform", "expected"),
    [
        (NFD_ROSE, "linux", "ROSÉ"),
        (NFD_ROSE, "windows", "rosé"),
        (NFD_ROSE, "macos", "rosé"),
        ("ABC.mp3", "linux", "ABC.mp3"),
        ("ABC.mp3", "windows", "abc.mp3"),
        ("Straße", "macos", "strasse"),
        (HEBREW, "windows", HEBREW),
        ("C:/:Users/:Me/:A.MP3", "windows", "c:/:users/:me/:a.mp3"),
    ],
)
def test_comparison_key(text: str, platform: Platform, expected: str) -> None:
    assert comparison_key(text, platform) == expected


def test_comparison_key_matches_the_forms_a_file_system_confuses() -> None:
    nfc_upper = "Macintosh HD/:Musik/:ROSÉ.MP3"
    nfd_lower = unicodedata.normalize("NFD", "Macintosh HD/:musik/:rosé.mp3")
    assert comparison_key(nfc_upper, "macos") == comparison_key(nfd_lower, "macos")
    assert comparison_key(nfc_upper, "windows") == comparison_key(nfd_lower, "windows")
    assert comparison_key(nfc_upper, "linux") != comparison_key(nfd_lower, "linux")
    nfd_upper = unicodedata.normalize("NFD", nfc_upper)
    assert comparison_key(nfc_upper, "linux") == comparison_key(nfd_upper, "linux")


# --- properties -----------------------------------------------------------------------------------

PLATFORMS: tuple[Platform, ...] = ("windows", "macos", "linux")
_name_chars = st.characters(
    codec="utf-8",  # no lone surrogates: they cannot be encoded into any file name
    exclude_characters="/\\",
)
names = st.text(
    alphabet=st.one_of(_name_chars, st.sampled_from(":é\u0301ß שİ ")),
    min_size=1,
    max_size=12,
).filter(lambda name: name not in (".", ".."))
folders = st.lists(names, max_size=5).map(tuple)
drives = st.sampled_from("ABCDEFGHIJKLMNOPQRSTUVWXYZ").map(lambda letter: letter + ":")
volume_ids = st.sampled_from(["", "1caf2a4e", "Macintosh HD", "USB Stick"])


@given(folders)
def test_parts_round_trip(parts: tuple[str, ...]) -> None:
    stored = parts_to_dir(parts)
    assert dir_to_parts(stored) == parts
    assert parts_to_dir(dir_to_parts(stored)) == stored


@given(drives, folders, names, volume_ids)
def test_windows_location_round_trip(volume: str, parts: tuple[str, ...], name: str, volume_id: str) -> None:
    loc = Location(volume, parts_to_dir(parts), encode_name(name), volume_id)
    path = location_to_path(loc, "windows")
    assert path_to_location(path, "windows", volume_id=volume_id) == loc
    assert location_to_path(path_to_location(path, "windows"), "windows") == path


@given(st.one_of(st.just("Macintosh HD"), names), folders, names, volume_ids)
def test_macos_location_round_trip(volume: str, parts: tuple[str, ...], name: str, volume_id: str) -> None:
    # A folder called Volumes at the top of the start-up disk is where macOS mounts the other volumes.
    assume(volume != "Macintosh HD" or not parts or parts[0] != "Volumes")
    loc = Location(volume, parts_to_dir(parts), encode_name(name), volume_id)
    path = location_to_path(loc, "macos")
    assert path_to_location(path, "macos", volume_id=volume_id) == loc
    assert location_to_path(path_to_location(path, "macos"), "macos") == path


@given(names, folders, names)
def test_linux_location_round_trip(startup: str, parts: tuple[str, ...], name: str) -> None:
    loc = Location(startup, parts_to_dir(parts), encode_name(name))
    path = location_to_path(loc, "linux", startup_volume=startup)
    assert path == "/" + "/".join([*parts, name])
    assert path_to_location(path, "linux", startup_volume=startup) == loc


@given(st.one_of(drives, names), folders, names)
def test_playlist_key_round_trip(volume: str, parts: tuple[str, ...], name: str) -> None:
    loc = Location(volume, parts_to_dir(parts), encode_name(name))
    assert split_playlist_key(playlist_key(loc)) == (loc.volume, loc.dir, loc.file)


@given(st.text(), st.sampled_from(PLATFORMS))
def test_comparison_key_is_stable(text: str, platform: Platform) -> None:
    key = comparison_key(text, platform)
    assert unicodedata.is_normalized("NFC", key)
    assert comparison_key(key, platform) == key
    for form in ("NFC", "NFD"):
        assert comparison_key(unicodedata.normalize(form, text), platform) == key
