"""Field mapping NML ↔ library, and the invariants of the three-way field merge (Hypothesis)."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from hypothesis import given
from hypothesis import strategies as st

from harmony import nml
from harmony.library import TrackValues
from harmony.nml.cue import CueData
from harmony.nml.paths import Location
from harmony.sync.import_fields import UNITS, agrees, is_empty, merge_fields
from harmony.sync.mapping import (
    cue_data_from_values,
    cue_values_from_nml,
    nml_fields_from_track_values,
    track_values_from_nml,
)

# fmt: off
TRAKTOR2_ENTRY = (
    b'<?xml version="1.0" encoding="UTF-8" standalone="no" ?>\n'
    b'<NML VERSION="15"><HEAD COMPANY="www.native-instruments.com" PROGRAM="Traktor"></HEAD>\n'
    b'<COLLECTION ENTRIES="1"><ENTRY MODIFIED_DATE="2012/1/1" MODIFIED_TIME="1" TITLE="T" ARTIST="A">'
    b'<LOCATION DIR="/:m/:" FILE="a.mp3" VOLUME="Music" VOLUMEID="Music"></LOCATION>\n'
    b'<INFO BITRATE="320000" RATING="second comment" KEY="e" PLAYTIME="321" RANKING="196" '
    b'RELEASE_DATE="2011/1/1" FILESIZE="9676"></INFO>\n'
    b'<TEMPO BPM="130" BPM_QUALITY="100"></TEMPO>\n'
    b'<MUSICAL_KEY VALUE="16"></MUSICAL_KEY>\n'
    b'<CUE_V2 NAME="n.n." DISPL_ORDER="0" TYPE="0" START="12.5" LEN="0" REPEATS="-1" HOTCUE="0"></CUE_V2>\n'
    b"</ENTRY>\n</COLLECTION>\n</NML>\n"
)
# fmt: on


def _data() -> nml.TrackData:
    [data] = nml.load(TRAKTOR2_ENTRY).iter_data()
    return data


def test_traktor2_entry_maps_without_rounding() -> None:
    mapped = track_values_from_nml(_data(), "/Volumes/Music/m/a.mp3")
    values = mapped.values
    assert not mapped.dropped
    assert (values.bpm, values.bpm_text, values.bpm_quality) == (130.0, "130", 100.0)
    assert (values.ranking, values.rating) == (196, 4)
    assert (values.release_date, values.year) == (date(2011, 1, 1), 2011)
    assert values.duration == 321.0  # no PLAYTIME_FLOAT: the whole seconds
    assert values.file_size == 9676 * 1024
    assert (values.comment2, values.key_text, values.musical_key) == ("second comment", "e", 16)
    assert values.lock is None
    [cue] = _data().cues
    assert cue_values_from_nml(cue).values == replace(
        cue_values_from_nml(cue).values,  # type: ignore[arg-type]
        name="n.n.",
        start=12.5,
        hotcue=0,
    )


def test_values_go_back_to_the_nml_exactly() -> None:
    values = track_values_from_nml(_data(), "/x/a.mp3").values
    collection = nml.Collection.new()
    track = collection.add_track(Location("Music", "/:m/:", "a.mp3"))
    track.set(**nml_fields_from_track_values(values))
    assert track.bpm_text == "130"  # the exact text, not 130.000000
    assert track.ranking == 196  # the raw ranking, not 204
    assert track_values_from_nml(track.to_data(), "/x/a.mp3").values == values


def test_edited_values_go_back_as_values() -> None:
    values = replace(track_values_from_nml(_data(), "/x/a.mp3").values, bpm=128.5, rating=5, year=1999)
    values = replace(values, release_date=None)
    fields = nml_fields_from_track_values(values)
    assert fields["bpm"] == 128.5 and "bpm_text" not in fields
    assert fields["rating"] == 5 and "ranking" not in fields
    assert fields["release_date"] == date(1999, 1, 1)
    assert fields["file_size"] == 9676 and fields["playtime"] == 321


def test_cue_values_round_trip() -> None:
    data = CueData(type=5, start=1.25, length=500.0, hotcue=3, name="Loop", display_order=2, repeats=-1)
    values = cue_values_from_nml(data).values
    assert values is not None and cue_data_from_values(values) == data


def test_cues_the_library_cannot_hold_are_refused_with_a_reason() -> None:
    assert "unknown type" in (cue_values_from_nml(CueData(type=7, start=0.0)).problem or "")
    assert "negative length" in (cue_values_from_nml(CueData(type=5, start=0.0, length=-1.0)).problem or "")
    assert cue_values_from_nml(CueData(type=0, start=0.0, color="red")).values.color is None  # type: ignore[union-attr]


# --- merge invariants ---------------------------------------------------------------------------------------

_TEXT = st.one_of(st.none(), st.sampled_from(["", " ", "a", "b", "House"]))
_NUMBER = st.one_of(st.none(), st.sampled_from([0, 1, 3, 5]))


@st.composite
def track_values(draw: st.DrawFn) -> TrackValues:
    ranking = draw(st.one_of(st.none(), st.sampled_from([0, 51, 196, 204, 255])))
    bpm = draw(st.one_of(st.none(), st.sampled_from([0.0, 120.0, 127.999939])))
    return TrackValues(
        path="/m/a.mp3",
        title=draw(_TEXT),
        artist=draw(_TEXT),
        genre=draw(_TEXT),
        comment2=draw(_TEXT),
        track_number=draw(_NUMBER),
        rating=None if ranking is None else (2 * ranking + 51) // 102,
        ranking=ranking,
        bpm=bpm,
        bpm_text=None if bpm is None else draw(st.sampled_from([str(bpm), f"{bpm:.6f}"])),
        musical_key=draw(st.one_of(st.none(), st.integers(0, 23))),
        release_date=draw(st.one_of(st.none(), st.sampled_from([date(2020, 1, 1), date(2021, 5, 6)]))),
        lock=draw(st.sampled_from([None, False, True])),
    )


_STRATEGY = st.sampled_from(["smart_merge", "traktor_wins", "harmony_wins"])


def _apply(values: TrackValues, changes: object) -> TrackValues:
    return replace(values, **changes)  # type: ignore[arg-type]


@given(track_values(), track_values(), _STRATEGY)
def test_unchanged_traktor_changes_nothing(harmony: TrackValues, base: TrackValues, strategy: str) -> None:
    result = merge_fields(harmony, base, base, strategy)  # type: ignore[arg-type]
    assert not result.changes and not result.conflicts


@given(track_values(), track_values(), _STRATEGY)
def test_unchanged_harmony_takes_every_traktor_value(base: TrackValues, traktor: TrackValues, strategy: str) -> None:
    result = merge_fields(base, traktor, base, strategy)  # type: ignore[arg-type]
    assert not result.conflicts
    assert agrees(_apply(base, result.changes), traktor)


@given(track_values(), track_values(), st.one_of(st.none(), track_values()), _STRATEGY)
def test_merge_is_idempotent(
    harmony: TrackValues, traktor: TrackValues, base: TrackValues | None, strategy: str
) -> None:
    first = merge_fields(harmony, traktor, base, strategy)  # type: ignore[arg-type]
    merged = _apply(harmony, first.changes)
    again = merge_fields(merged, traktor, traktor, strategy)  # the base is now what Traktor has
    assert not again.changes and not again.conflicts
    for field, value in first.changes.items():
        assert getattr(harmony, field) != value  # a field is only set when its value differs


@given(track_values(), track_values(), st.one_of(st.none(), track_values()), _STRATEGY)
def test_every_field_ends_as_one_side(
    harmony: TrackValues, traktor: TrackValues, base: TrackValues | None, strategy: str
) -> None:
    merged = _apply(harmony, merge_fields(harmony, traktor, base, strategy).changes)  # type: ignore[arg-type]
    for _, fields, _ in UNITS:
        ours = tuple(getattr(merged, f) for f in fields)
        assert ours in (tuple(getattr(harmony, f) for f in fields), tuple(getattr(traktor, f) for f in fields))


@given(track_values(), track_values())
def test_first_sync_strategies(harmony: TrackValues, traktor: TrackValues) -> None:
    smart = merge_fields(harmony, traktor, None, "smart_merge").changes
    # With no base, an empty value never wins and two filled ones keep Harmony's under both strategies.
    assert merge_fields(harmony, traktor, None, "harmony_wins").changes == smart
    for field in smart:  # smart_merge only fills what Harmony lacks, with something
        unit = next(name for name, fields, _ in UNITS if field in fields)
        assert is_empty(unit, getattr(harmony, unit)) and not is_empty(unit, getattr(traktor, unit))
    wins = merge_fields(harmony, traktor, None, "traktor_wins").changes
    for field in wins:  # traktor_wins never clears Harmony with an empty value
        unit = next(name for name, fields, _ in UNITS if field in fields)
        assert not is_empty(unit, getattr(traktor, unit))


@given(track_values(), track_values(), track_values(), _STRATEGY)
def test_conflicts_are_exactly_the_fields_changed_on_both_sides(
    harmony: TrackValues, traktor: TrackValues, base: TrackValues, strategy: str
) -> None:
    result = merge_fields(harmony, traktor, base, strategy)  # type: ignore[arg-type]
    conflicted = {c.field for c in result.conflicts}
    for name, fields, compared in UNITS:
        key = lambda v: (bool(v.lock),) if name == "lock" else tuple(getattr(v, f) for f in fields[:compared])  # noqa: E731, B023
        both = key(harmony) != key(base) and key(traktor) != key(base) and key(harmony) != key(traktor)
        assert (name in conflicted) is both
