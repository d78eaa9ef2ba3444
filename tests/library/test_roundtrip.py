"""Every field of a track, a cue and a sync base goes into the library and comes back unchanged."""

from __future__ import annotations

import itertools
import math
from datetime import date
from pathlib import Path

from hypothesis import HealthCheck, given
from hypothesis import strategies as st

from harmony.library import (
    CueValues,
    ImportPlan,
    Library,
    NewTrack,
    TrackBase,
    TrackValues,
)
from harmony.library.fields import CUE_FIELDS, TRACK_FIELDS, FieldSpec

from ..runs import quick_and_full

_counter = itertools.count()


#: Any text a collection can hold (harmony.xml_text): the library refuses the rest, as the collection would.
HOLDABLE = st.characters(
    exclude_categories=("Cs",),
    exclude_characters="".join(map(chr, (*range(9), 11, 12, *range(14, 32), 0xFFFE, 0xFFFF))),
)


def _strategy(spec: FieldSpec) -> st.SearchStrategy[object]:
    if spec.kind == "text":
        if spec.name == "color":
            return st.from_regex(r"\A#[0-9A-Fa-f]{6}\Z")
        return st.text(HOLDABLE)
    if spec.kind == "bool":
        return st.booleans()
    if spec.kind == "date":
        return st.dates(min_value=date(1, 1, 1), max_value=date(9999, 12, 31))
    lo = None if spec.minimum is None else spec.minimum
    hi = None if spec.maximum is None else spec.maximum
    if spec.kind == "int":
        return st.integers(
            min_value=int(lo) if lo is not None else -(2**63),
            max_value=int(hi) if hi is not None else 2**63 - 1,
        )
    return st.floats(min_value=lo, max_value=hi, allow_nan=False, allow_infinity=False)


def _values(specs: dict[str, FieldSpec], skip: tuple[str, ...] = ()) -> st.SearchStrategy[dict[str, object]]:
    parts = {}
    for name, spec in specs.items():
        if name in skip:
            continue
        strategy = _strategy(spec)
        parts[name] = strategy if not spec.nullable else st.none() | strategy
    return st.fixed_dictionaries(parts)


tracks = _values(TRACK_FIELDS, skip=("path", "path_key")).map(
    lambda v: TrackValues(path=f"/music/{next(_counter)}/x.mp3", path_key=None, **v)  # type: ignore[arg-type]
)
tracks_with_text_paths = st.tuples(tracks, st.text(min_size=1)).map(
    lambda pair: TrackValues(
        **{**pair[0].as_dict(), "path": pair[0].path + pair[1], "path_key": pair[1] + pair[0].path}
    )
)
cues = _values(CUE_FIELDS).map(lambda v: CueValues(**v))  # type: ignore[arg-type]


def _same(a: object, b: object) -> bool:
    """Equal, with -0.0 and 0.0 counted the same (SQLite stores an integral REAL as an integer)."""
    if isinstance(a, float) and isinstance(b, float):
        return a == b and not math.isnan(a)
    return a == b and type(a) is type(b)


def _assert_track_equal(stored: TrackValues, original: TrackValues) -> None:
    for name, value in original.as_dict().items():
        if name == "path_key" and value is None:
            continue
        assert _same(getattr(stored, name), value), (name, getattr(stored, name), value)


def _assert_cues_equal(stored: tuple[CueValues, ...], original: tuple[CueValues, ...]) -> None:
    assert len(stored) == len(original)
    for got, want in zip(stored, original, strict=True):
        for name, value in want.as_dict().items():
            assert _same(getattr(got, name), value), (name, getattr(got, name), value)


def _test_track_and_cues_round_trip(library: Library, values: TrackValues, track_cues: list[CueValues]) -> None:
    track_id = library.add_track(values, track_cues)
    detail = library.get_track(track_id)
    _assert_track_equal(detail.track.values, values)
    # get_track orders cues by start; compare in that order.
    expected = tuple(sorted(track_cues, key=lambda c: c.start))
    got = tuple(c.values for c in detail.cues)
    _assert_cues_equal(tuple(sorted(got, key=lambda c: c.start)), expected)


test_track_and_cues_round_trip, test_track_and_cues_round_trip_full = quick_and_full(
    given(values=tracks_with_text_paths, track_cues=st.lists(cues, max_size=4)),
    _test_track_and_cues_round_trip,
    examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)


def _test_every_field_can_be_updated(library: Library, values: TrackValues, changed: TrackValues) -> None:
    track_id = library.add_track(values)
    changes = {name: value for name, value in changed.as_dict().items() if name not in ("path", "path_key")}
    library.update_track(track_id, changes)
    stored = library.get_track(track_id).track.values
    for name, value in changes.items():
        assert _same(getattr(stored, name), value), name


test_every_field_can_be_updated, test_every_field_can_be_updated_full = quick_and_full(
    given(values=tracks, changed=tracks),
    _test_every_field_can_be_updated,
    examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)


def _test_sync_base_round_trips_through_an_import_and_a_reader(
    library: Library, values: TrackValues, base_values: TrackValues, base_cues: list[CueValues], nml_key: str
) -> None:
    base = TrackBase(nml_key=f"{values.path}:{nml_key}", values=base_values, cues=tuple(base_cues))
    result = library.apply_import(ImportPlan(new_tracks=(NewTrack(ref="t", values=values, base=base),)))
    track_id = result.track_ids["t"]
    with library.reader() as reader:
        found = [t for t in reader.iter_tracks() if t.track.id == track_id]
    assert len(found) == 1
    stored = found[0].base
    assert stored is not None
    assert stored.nml_key == base.nml_key
    _assert_track_equal(stored.values, base_values)
    _assert_cues_equal(stored.cues, base.cues)
    _assert_track_equal(found[0].track.values, values)


(
    test_sync_base_round_trips_through_an_import_and_a_reader,
    test_sync_base_round_trips_through_an_import_and_a_reader_full,
) = quick_and_full(
    given(values=tracks, base_values=tracks, base_cues=st.lists(cues, max_size=3), nml_key=st.text(min_size=1)),
    _test_sync_base_round_trips_through_an_import_and_a_reader,
    examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)


def test_round_trip_across_a_reopen(library_path: Path) -> None:
    """Values survive closing and reopening the file (not just a cache)."""
    values = TrackValues(
        path="/Música/Café del Mar/01 — Ñu.flac",
        title="Ñu \x00 nul",
        bpm=123.000061,
        bpm_text="123.000061",
        duration=351.2345678901234,
        release_date=date(1, 1, 1),
        lock=False,
        ranking=0,
        musical_key=0,
    )
    cue = CueValues(type=5, start=-12.000000001, length=1e-9, hotcue=7, color="#00ff7F", grid_bpm=1e300)
    with Library.open(library_path) as library:
        track_id = library.add_track(values, [cue])
    with Library.open(library_path) as library:
        detail = library.get_track(track_id)
    _assert_track_equal(detail.track.values, values)
    _assert_cues_equal(tuple(c.values for c in detail.cues), (cue,))
