"""The synthetic collection generator: deterministic, well-formed, Traktor-styled, honest about its counts."""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from pathlib import Path

import pytest
from lxml import etree

from harmony.devtools.collection_gen import GeneratedCollection, generate_collection
from harmony.errors import HarmonyError

PROLOG = '<?xml version="1.0" encoding="UTF-8" standalone="no" ?>\n'

# Reference B.4, typed out here independently of the generator's own table.
CANONICAL_ATTRIBUTES = {
    "ENTRY": "MODIFIED_DATE MODIFIED_TIME LOCK LOCK_MODIFICATION_TIME AUDIO_ID TITLE ARTIST",
    "LOCATION": "DIR FILE VOLUME VOLUMEID",
    "ALBUM": "OF_TRACKS TRACK TITLE",
    "INFO": "BITRATE GENRE LABEL COMMENT KEY_LYRICS RATING REMIXER PRODUCER COVERARTID MIX CATALOG_NO KEY "
    "PLAYCOUNT PLAYTIME PLAYTIME_FLOAT RANKING IMPORT_DATE LAST_PLAYED RELEASE_DATE FLAGS FILESIZE COLOR",
    "TEMPO": "BPM_TRANSIENTCOHERENCE BPM BPM_QUALITY",
    "LOUDNESS": "PEAK_DB PERCEIVED_DB ANALYZED_DB",
    "CUE_V2": "NAME DISPL_ORDER TYPE START LEN REPEATS HOTCUE COLOR",
    "LOOPINFO": "ORIGINAL_TITLE ORIGINAL_TRACKID ORIGINAL_LOOP_SIZE ORIGINAL_LOOP_START SAMPLE_TYPE_INFO",
    "PLAYLIST": "ENTRIES TYPE UUID",
    "HEAD": "COMPANY PROGRAM",
    "NODE": "TYPE NAME",
    "PRIMARYKEY": "TYPE KEY",
    "SEARCH_EXPRESSION": "VERSION QUERY",
    "CRITERIA": "ATTRIBUTE DIRECTION",
}
ENTRY_CHILDREN = [
    "LOCATION", "ALBUM", "MODIFICATION_INFO", "INFO", "TEMPO", "LOUDNESS", "MUSICAL_KEY", "LOOPINFO",
    "CUE_V2",
    "STEMS",
]  # fmt: skip
TOP_LEVEL = ["HEAD", "MUSICFOLDERS", "COLLECTION", "SETS", "PLAYLISTS", "INDEXING"]
FLOAT_ATTRIBUTES = {
    "BPM", "BPM_QUALITY", "BPM_TRANSIENTCOHERENCE", "PEAK_DB", "PERCEIVED_DB", "ANALYZED_DB", "START", "LEN",
    "PLAYTIME_FLOAT",
}  # fmt: skip
DATE_ATTRIBUTES = {"MODIFIED_DATE", "IMPORT_DATE", "LAST_PLAYED", "RELEASE_DATE"}
# MUSICAL_KEY value -> Open Key, as reference B.8 lists it (majors 0-11, then minors).
OPEN_KEY = [
    "1d", "8d", "3d", "10d", "5d", "12d", "7d", "2d", "9d", "4d", "11d", "6d",
    "10m", "5m", "12m", "7m", "2m", "9m", "4m", "11m", "6m", "1m", "8m", "3m",
]  # fmt: skip
CUE_TYPES = {"0": "cue", "1": "fade_in", "2": "fade_out", "3": "load", "4": "grid", "5": "loop"}


def parse(path: Path) -> etree._Element:
    parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=True)
    return etree.parse(str(path), parser).getroot()


def entries(root: etree._Element) -> list[etree._Element]:
    return root.findall("COLLECTION/ENTRY")


def location_key(entry: etree._Element) -> str:
    location = entry.find("LOCATION")
    assert location is not None
    return location.get("VOLUME", "") + location.get("DIR", "") + location.get("FILE", "")


def traktor_serialisation(root: etree._Element) -> str:
    """How Traktor would write this tree: an independent re-serialiser the generated text must equal."""
    pieces = [PROLOG]

    def escape(value: str) -> str:
        return value.replace("&", "&amp;").replace("<", "&lt;").replace('"', "&quot;")

    def emit(element: etree._Element) -> None:
        assert element.text is None, f"unexpected text in {element.tag}"
        attributes = "".join(f' {name}="{escape(value)}"' for name, value in element.attrib.items())
        pieces.append(f"<{element.tag}{attributes}>")
        for child in element:
            emit(child)
        pieces.append(f"</{element.tag}>\n")

    emit(root)
    return "".join(pieces)


def assert_in_order(names: list[str], order: list[str], where: str) -> None:
    unknown = [name for name in names if name not in order]
    assert not unknown, f"{where}: names outside the canonical order: {unknown}"
    positions = [order.index(name) for name in names]
    assert positions == sorted(positions), f"{where}: {names} is not in canonical order"


# -- determinism -----------------------------------------------------------------------------------


def test_same_seed_gives_the_same_bytes(tmp_path: Path) -> None:
    first = generate_collection(tmp_path / "a.nml", tracks=300, seed=5)
    second = generate_collection(tmp_path / "b.nml", tracks=300, seed=5)
    assert (tmp_path / "a.nml").read_bytes() == (tmp_path / "b.nml").read_bytes()
    assert first.cues_by_type == second.cues_by_type


def test_another_seed_gives_another_collection(tmp_path: Path) -> None:
    generate_collection(tmp_path / "a.nml", tracks=300, seed=5)
    generate_collection(tmp_path / "b.nml", tracks=300, seed=6)
    assert (tmp_path / "a.nml").read_bytes() != (tmp_path / "b.nml").read_bytes()


def test_creating_files_does_not_change_the_collection(tmp_path: Path) -> None:
    generate_collection(tmp_path / "a.nml", tracks=200, seed=2)
    generate_collection(tmp_path / "b.nml", tracks=200, seed=2, files_dir=tmp_path / "audio")
    assert (tmp_path / "a.nml").read_bytes() == (tmp_path / "b.nml").read_bytes()


def test_version_20_holds_the_same_tracks_as_version_19(
    collection_v19: GeneratedCollection, collection_v20: GeneratedCollection
) -> None:
    keys_19 = [location_key(entry) for entry in entries(parse(collection_v19.path))]
    keys_20 = [location_key(entry) for entry in entries(parse(collection_v20.path))]
    assert keys_19 == keys_20


# -- well-formed, and the counts it reports are the counts in the file


@pytest.mark.parametrize("fixture", ["collection_v19", "collection_v20"])
def test_reported_counts_match_the_file(fixture: str, request: pytest.FixtureRequest) -> None:
    result: GeneratedCollection = request.getfixturevalue(fixture)
    root = parse(result.path)
    assert root.tag == "NML"
    assert root.get("VERSION") == str(result.version)
    collection = root.find("COLLECTION")
    assert collection is not None
    found = entries(root)
    assert len(found) == result.tracks == int(collection.get("ENTRIES", "-1"))

    cue_types = Counter(CUE_TYPES[cue.get("TYPE", "")] for entry in found for cue in entry.findall("CUE_V2"))
    assert {name: cue_types[name] for name in CUE_TYPES.values()} == result.cues_by_type
    assert result.cues == sum(cue_types.values())

    nodes = list(root.iter("NODE"))
    top = root.find("PLAYLISTS/NODE")
    assert top is not None and top.get("NAME") == "$ROOT" and top.get("TYPE") == "FOLDER"
    assert sum(node.get("TYPE") == "PLAYLIST" for node in nodes) == result.playlists
    assert sum(node.get("TYPE") == "FOLDER" for node in nodes) == result.folders  # $ROOT included
    assert sum(node.get("TYPE") == "SMARTLIST" for node in nodes) == result.smart_lists
    assert len(root.findall("PLAYLISTS//PLAYLIST/ENTRY")) == result.playlist_entries
    assert result.size_bytes == result.path.stat().st_size


def test_counts_in_attributes_are_true(collection_v19: GeneratedCollection) -> None:
    root = parse(collection_v19.path)
    for playlist in root.iter("PLAYLIST"):
        assert int(playlist.get("ENTRIES", "-1")) == len(playlist.findall("ENTRY"))
    for subnodes in root.iter("SUBNODES"):
        assert int(subnodes.get("COUNT", "-1")) == len(subnodes.findall("NODE"))
    sets = root.find("SETS")
    assert sets is not None and int(sets.get("ENTRIES", "-1")) == len(sets)


def test_scale_of_a_realistic_collection(collection_v19: GeneratedCollection) -> None:
    # About three cues per track and one playlist per 200 tracks, plus Traktor's three own lists.
    assert 2.5 <= collection_v19.cues / collection_v19.tracks <= 4.0
    assert collection_v19.playlists == collection_v19.tracks // 200 + 3
    assert all(count > 0 for count in collection_v19.cues_by_type.values())
    assert collection_v19.smart_lists >= 2
    assert collection_v19.folders >= 3  # $ROOT and two nested folders at least


def test_an_empty_collection_is_still_a_valid_collection(tmp_path: Path) -> None:
    result = generate_collection(tmp_path / "empty.nml", tracks=0)
    root = parse(result.path)
    assert entries(root) == []
    assert root.find("COLLECTION").get("ENTRIES") == "0"  # type: ignore[union-attr]
    assert result.playlist_entries == 0
    playlists = [node.get("NAME") for node in root.iter("NODE") if node.get("TYPE") == "PLAYLIST"]
    assert playlists == ["Preparation", "_LOOPS", "_RECORDINGS"]
    assert all(playlist.get("ENTRIES") == "0" for playlist in root.iter("PLAYLIST"))


# -- Traktor's style -------------------------------------------------------------------------------


@pytest.mark.parametrize("fixture", ["collection_v19", "collection_v20"])
def test_text_is_exactly_traktor_style(fixture: str, request: pytest.FixtureRequest) -> None:
    result: GeneratedCollection = request.getfixturevalue(fixture)
    text = result.path.read_bytes().decode("utf-8")
    assert text.startswith(PROLOG)
    assert "/>" not in text.replace('"/>', "")  # no self-closing tag anywhere
    assert "\r" not in text
    assert not re.search(r"\n[ \t]", text), "indentation found"
    for entity in ("&gt;", "&apos;", "&#"):
        assert entity not in text
    # Everything else (first child inline, <X></X>, one newline per closing tag, double quotes, only & < "
    # escaped) is checked by re-serialising the parsed tree the way Traktor does and comparing the text.
    assert text == traktor_serialisation(parse(result.path))


def test_raw_characters_traktor_leaves_alone_are_present(collection_v19: GeneratedCollection) -> None:
    text = collection_v19.path.read_bytes().decode("utf-8")
    for needle in ("&amp;", "&lt;", "&quot;", "'", "> "):
        assert needle in text


@pytest.mark.parametrize("fixture", ["collection_v19", "collection_v20"])
def test_attributes_and_children_are_in_canonical_order(fixture: str, request: pytest.FixtureRequest) -> None:
    result: GeneratedCollection = request.getfixturevalue(fixture)
    root = parse(result.path)
    assert [child.tag for child in root] == TOP_LEVEL
    orders = {tag: names.split() for tag, names in CANONICAL_ATTRIBUTES.items()}
    for element in root.iter():
        if element.tag in orders:
            assert_in_order(list(element.attrib), orders[element.tag], element.tag)
    for entry in entries(root):
        assert_in_order([child.tag for child in entry], ENTRY_CHILDREN, "ENTRY children")


def test_numbers_and_dates_are_written_as_traktor_does(collection_v19: GeneratedCollection) -> None:
    root = parse(collection_v19.path)
    for element in root.iter():
        for name, value in element.attrib.items():
            if name in FLOAT_ATTRIBUTES:
                assert re.fullmatch(r"-?\d+\.\d{6}", value), f"{element.tag}@{name}={value}"
            if name in DATE_ATTRIBUTES:
                assert re.fullmatch(r"\d{4}/[1-9]\d?/[1-9]\d?", value), f"{element.tag}@{name}={value}"
            if name == "MODIFIED_TIME":
                assert 0 <= int(value) < 86400


# -- content ---------------------------------------------------------------------------------------


def test_tracks_live_on_several_volumes(collection_v19: GeneratedCollection) -> None:
    locations = [entry.find("LOCATION") for entry in entries(parse(collection_v19.path))]
    volumes = {(location.get("VOLUME"), location.get("VOLUMEID")) for location in locations if location is not None}
    names = {volume for volume, _ in volumes}
    assert {"C:", "D:", "Macintosh HD"} <= names
    assert len(names) == 4  # plus an external macOS drive
    for volume, volume_id in volumes:
        if re.fullmatch(r"[A-Z]:", volume or ""):
            assert re.fullmatch(r"[0-9a-f]{8}", volume_id or "")
        else:
            assert volume_id == volume


def test_locations_hold_the_awkward_names_real_ones_do(collection_v19: GeneratedCollection) -> None:
    found = entries(parse(collection_v19.path))
    keys = [location_key(entry) for entry in found]
    assert len(set(keys)) == len(keys)
    for entry in found:
        location = entry.find("LOCATION")
        assert location is not None
        folders = location.get("DIR", "")
        assert folders.startswith("/:") and folders.endswith("/:")
        for part in [*folders[2:-2].split("/:"), location.get("FILE", "")]:
            assert part and "/" not in part.replace("//", ""), f"stray '/' in {part!r}"
    assert any("//" in key.split("/:")[-1] for key in keys), "no ':' (stored as //) in a file name"
    assert any(not unicodedata.is_normalized("NFC", key) for key in keys), "no NFD name"
    assert any(re.search("[\u0590-\u05ff]", key) for key in keys), "no Hebrew name"
    assert any(re.search("[\u3040-\u30ff\u4e00-\u9fff]", key) for key in keys), "no Japanese name"
    assert any(re.search("[À-ÿ]", key) for key in keys), "no accented name"
    titles = [entry.get("TITLE", "") for entry in found]
    for character in "&<\"'>:":
        assert any(character in title for title in titles), f"no {character!r} in a title"


def test_info_fields_look_real(collection_v19: GeneratedCollection) -> None:
    found = entries(parse(collection_v19.path))
    infos = [entry.find("INFO") for entry in found]
    assert all(info is not None for info in infos)
    present = Counter(name for info in infos if info is not None for name in info.attrib)
    for name in CANONICAL_ATTRIBUTES["INFO"].split():
        assert present[name] > 0, f"INFO {name} never written"
    rankings = [int(info.get("RANKING", "0")) for info in infos if info is not None and info.get("RANKING")]
    assert sum(ranking % 51 == 0 for ranking in rankings) > 0.9 * len(rankings)
    assert any(ranking % 51 for ranking in rankings), "no odd (ID3) ranking"
    assert {info.get("COLOR") for info in infos if info is not None} - {None} <= set("1234567")
    assert any(entry.get("LOCK") == "1" for entry in found)
    assert sum(entry.get("AUDIO_ID") is not None for entry in found) > 0.7 * len(found)


def test_key_text_agrees_with_the_musical_key(collection_v19: GeneratedCollection) -> None:
    notations = Counter()
    for entry in entries(parse(collection_v19.path)):
        musical_key = entry.find("MUSICAL_KEY")
        info = entry.find("INFO")
        text = info.get("KEY") if info is not None else None
        if musical_key is None or text is None:
            continue
        value = int(musical_key.get("VALUE", "-1"))
        open_key = OPEN_KEY[value]
        number = int(open_key[:-1])
        camelot = f"{(number + 6) % 12 + 1}{'B' if value < 12 else 'A'}"
        if text == open_key:
            notations["open"] += 1
        elif text == camelot:
            notations["camelot"] += 1
        else:
            roots = {0: "C", 2: "D", 4: "E", 5: "F", 7: "G", 9: "A", 11: "B"}
            if value % 12 in roots:
                assert text.rstrip("m") == roots[value % 12], (value, text)
            assert text.endswith("m") == (value >= 12), (value, text)
            notations["musical"] += 1
    assert notations["open"] > notations["camelot"] > 0
    assert notations["musical"] > 0


def test_cues_follow_traktor_rules(collection_v19: GeneratedCollection) -> None:
    for entry in entries(parse(collection_v19.path)):
        cues = entry.findall("CUE_V2")
        starts = [float(cue.get("START", "nan")) for cue in cues]
        assert starts == sorted(starts)
        pads = [int(cue.get("HOTCUE", "")) for cue in cues if cue.get("HOTCUE") != "-1"]
        assert len(pads) == len(set(pads)) and all(0 <= pad <= 7 for pad in pads)
        for cue in cues:
            length = float(cue.get("LEN", "nan"))
            assert (length > 0) == (cue.get("TYPE") == "5")
            assert cue.get("COLOR") is None and cue.find("GRID") is None  # Traktor 4 only
            if cue.get("TYPE") == "4":
                assert cue.get("NAME") == "AutoGrid"


def test_version_20_adds_grids_and_cue_colours(collection_v20: GeneratedCollection) -> None:
    root = parse(collection_v20.path)
    head = root.find("HEAD")
    assert head is not None and head.get("PROGRAM") == "Traktor Pro 4"
    grids = [cue for cue in root.iter("CUE_V2") if cue.get("TYPE") == "4"]
    assert grids and all(len(cue.findall("GRID")) == 1 for cue in grids)
    for cue in grids:
        assert re.fullmatch(r"\d+\.\d{6}", cue.find("GRID").get("BPM", ""))  # type: ignore[union-attr]
    assert any(cue.get("NAME") == "Beat Marker" for cue in grids), "no flexible grid"
    coloured = [cue for cue in root.iter("CUE_V2") if cue.get("COLOR")]
    assert coloured and all(re.fullmatch(r"#[0-9A-F]{6}", cue.get("COLOR", "")) for cue in coloured)
    assert all(cue.find("GRID") is None for cue in root.iter("CUE_V2") if cue.get("TYPE") != "4")


def test_playlists_refer_to_tracks_of_the_collection(collection_v19: GeneratedCollection) -> None:
    root = parse(collection_v19.path)
    keys = {location_key(entry) for entry in entries(root)}
    playlists = root.findall(".//NODE[@TYPE='PLAYLIST']")
    for node in playlists:
        playlist = node.find("PLAYLIST")
        assert playlist is not None
        assert playlist.get("TYPE") == "LIST"
        assert re.fullmatch(r"[0-9a-f]{32}", playlist.get("UUID", ""))
        for primary_key in playlist.findall("ENTRY/PRIMARYKEY"):
            assert primary_key.get("TYPE") == "TRACK"
            assert primary_key.get("KEY") in keys
    names = [node.get("NAME") for node in root.findall("PLAYLISTS/NODE/SUBNODES/NODE")]
    assert names[-3:] == ["Preparation", "_LOOPS", "_RECORDINGS"]
    by_name = {node.get("NAME"): node for node in playlists}
    loops = by_name["_LOOPS"].findall("PLAYLIST/ENTRY/PRIMARYKEY")
    assert loops, "no loop samples in _LOOPS"
    loop_keys = {key.get("KEY") for key in loops}
    loop_entries = [entry for entry in entries(root) if location_key(entry) in loop_keys]
    assert all(entry.find("LOOPINFO") is not None for entry in loop_entries)
    assert any(
        len(node.findall("PLAYLIST/ENTRY")) > len({key.get("KEY") for key in node.iter("PRIMARYKEY")})
        for node in playlists
    ), "no playlist holds a track twice"


def test_folders_nest_and_smart_lists_hold_a_query(collection_v19: GeneratedCollection) -> None:
    root = parse(collection_v19.path)
    assert root.findall("PLAYLISTS/NODE/SUBNODES/NODE[@TYPE='FOLDER']/SUBNODES/NODE[@TYPE='FOLDER']")
    smart_lists = root.findall(".//NODE[@TYPE='SMARTLIST']")
    assert smart_lists
    for node in smart_lists:
        smart_list = node.find("SMARTLIST")
        assert smart_list is not None and re.fullmatch(r"[0-9a-f]{32}", smart_list.get("UUID", ""))
        expression = smart_list.find("SEARCH_EXPRESSION")
        assert expression is not None and expression.get("VERSION") == "1"
        assert expression.get("QUERY", "").startswith("$")


def test_indexing_sorts_the_collection_and_some_playlists(collection_v19: GeneratedCollection) -> None:
    root = parse(collection_v19.path)
    paths = [info.get("PATH") for info in root.findall("INDEXING/SORTING_INFO")]
    assert paths[:2] == ["$COLLECTION", "$HASH"]
    criteria = root.find("INDEXING/SORTING_INFO/CRITERIA")
    assert criteria is not None and criteria.get("ATTRIBUTE") and criteria.get("DIRECTION")


# -- placeholder audio files -----------------------------------------------------------------------

SIGNATURES = {
    ".mp3": b"ID3",
    ".flac": b"fLaC",
    ".wav": b"RIFF",
    ".aiff": b"FORM",
    ".m4a": b"\x00\x00\x00\x14ftyp",
}


def test_every_location_resolves_through_the_path_mappings(
    collection_with_files: GeneratedCollection,
) -> None:
    result = collection_with_files
    assert result.files_dir is not None
    assert result.files_created == result.tracks
    found = entries(parse(result.path))
    assert set(result.path_mappings) == {entry.find("LOCATION").get("VOLUME") for entry in found}  # type: ignore[union-attr]
    for entry in found:
        location = entry.find("LOCATION")
        assert location is not None
        folder = Path(result.path_mappings[location.get("VOLUME", "")])
        assert folder.is_relative_to(result.files_dir)
        parts = [part.replace("//", ":") for part in location.get("DIR", "").split("/:") if part]
        path = folder.joinpath(*parts, location.get("FILE", "").replace("//", ":"))
        assert path.is_file(), path
        assert path.read_bytes().startswith(SIGNATURES[path.suffix])
        assert path.stat().st_size < 64
    on_disk = [path for path in result.files_dir.rglob("*") if path.is_file()]
    assert len(on_disk) == result.tracks


# -- errors ----------------------------------------------------------------------------------------


def test_refuses_a_negative_track_count(tmp_path: Path) -> None:
    with pytest.raises(HarmonyError, match="0 or more"):
        generate_collection(tmp_path / "x.nml", tracks=-1)
    assert not (tmp_path / "x.nml").exists()


def test_refuses_an_unknown_nml_version(tmp_path: Path) -> None:
    with pytest.raises(HarmonyError, match=r"19 .* or 20"):
        generate_collection(tmp_path / "x.nml", tracks=5, version=15)


def test_unwritable_output_is_a_harmony_error_and_leaves_nothing_behind(tmp_path: Path) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where a folder should be")
    with pytest.raises(HarmonyError, match="Cannot write"):
        generate_collection(blocker / "collection.nml", tracks=5)
    existing = tmp_path / "keep.nml"
    existing.write_text("old")
    with pytest.raises(HarmonyError, match="placeholder"):
        generate_collection(existing, tracks=5, files_dir=blocker)
    assert existing.read_text() == "old", "a failed run replaced the output"
    assert sorted(path.name for path in tmp_path.iterdir()) == ["keep.nml", "not-a-folder"]


def test_a_smart_list_searches_what_its_name_says() -> None:
    """ "Title has Love" searched the titles for another word: the generator drew the word twice."""
    import random

    from harmony.devtools.playlist_gen import _smart_list

    named = [_smart_list(random.Random(seed)) for seed in range(300)]
    titles = [(name, query) for name, query in named if name.startswith("Title has ")]
    assert titles
    for name, query in titles:
        assert query == f'$TITLE % "{name.removeprefix("Title has ")}"'
