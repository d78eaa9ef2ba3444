"""The count's reader (``iter_cue_types``: each track's cue types only) reads the types exactly as the full typed
read does, and so ``summarize`` counts as it did when it read every value."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from harmony import nml
from harmony.nml.stream import iter_cue_types
from harmony.nml.summary import CUE_TYPE_NAMES, summarize

from .test_real_files import COLLECTIONS

#: TYPE texts a file may hold: Traktor's six, missing, not a number, padded, negative, past the small numbers.
TYPES = st.sampled_from([None, "0", "1", "2", "3", "4", "5", "7", "abc", "", " 3", "007", "-1", "1e3", "99999999999"])
cue = st.tuples(TYPES, st.booleans())  # its TYPE, and whether it sits one level too deep (inside an INFO)


def _entry(number: int, cues: list[tuple[str | None, bool]]) -> str:
    parts = []
    for type_text, nested in cues:
        attributes = "" if type_text is None else f' TYPE="{type_text}"'
        element = f'<CUE_V2 NAME="n&gt;{number}"{attributes} START="1.5"><GRID BPM="120"></GRID></CUE_V2>'
        parts.append(f"<INFO>{element}</INFO>" if nested else element)
    location = f'<LOCATION DIR="/:Music/:" FILE="{number}.mp3" VOLUME="C:"></LOCATION>'
    return f'<ENTRY TITLE="t{number}">{location}{"".join(parts)}</ENTRY>'


def _collection(entries: list[list[tuple[str | None, bool]]]) -> bytes:
    body = "".join(_entry(number, cues) for number, cues in enumerate(entries))
    return (
        '<?xml version="1.0" encoding="UTF-8" standalone="no" ?>\n<NML VERSION="19"><HEAD></HEAD>'
        f'<COLLECTION ENTRIES="{len(entries)}">{body}</COLLECTION>'
        '<PLAYLISTS><NODE TYPE="FOLDER" NAME="$ROOT"><SUBNODES COUNT="0"></SUBNODES></NODE></PLAYLISTS></NML>'
    ).encode()


def _typed(collection: nml.Collection) -> list[tuple[int, ...]]:
    return [tuple(cue.type for cue in track.cues) for track in collection.iter_data()]


@settings(max_examples=80, deadline=None)
@given(entries=st.lists(st.lists(cue, max_size=4), max_size=8), edited=st.sets(st.integers(0, 7), max_size=3))
def test_the_types_are_read_as_the_full_read_reads_them(
    entries: list[list[tuple[str | None, bool]]], edited: set[int]
) -> None:
    collection = nml.load(_collection(entries))
    for position in sorted(edited):
        if position < len(entries):  # an entry edited in memory is read from its element
            collection.tracks[position].title = "edited"
    assert list(iter_cue_types(collection)) == _typed(collection)


@pytest.mark.parametrize("name", COLLECTIONS)
def test_the_real_files_count_as_every_value_read_counts(real_fixtures: Path, name: str) -> None:
    collection = nml.load(real_fixtures / name)
    by_type: dict[str, int] = {}
    for types in _typed(collection):
        for cue_type in types:
            named = CUE_TYPE_NAMES.get(cue_type, "other")
            by_type[named] = by_type.get(named, 0) + 1
    summary = summarize(collection)
    assert summary.tracks == len(collection.tracks)
    assert {name: count for name, count in summary.cue_points.items() if count and name != "total"} == by_type
    assert summary.cue_points["total"] == sum(by_type.values())
