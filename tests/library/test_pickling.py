"""Plan values cross from the worker to the app pickled by their fields: they come back equal."""

from __future__ import annotations

import pickle
from dataclasses import dataclass
from datetime import date

from harmony.library.plan import CueAdd, CueUpdate, EntryRef, NewTrack, TrackBase, TrackBaseSet, TrackUpdate
from harmony.library.values import CueValues, TrackValues, pickled_by_fields


def test_plan_values_come_back_equal() -> None:
    values = TrackValues("/m/a.mp3", title="A", bpm=128.000001, release_date=date(2020, 2, 29), lock=True)
    cues = (CueValues(0, 1234.5, hotcue=2, name="Drop", color="#FF0000"), CueValues(4, 5.0))
    items = [
        values,
        *cues,
        TrackBase("vol/:m/:a.mp3", values, cues, "d1g35t"),
        TrackBaseSet(TrackBase("k", values), "ref"),
        NewTrack("ref", values, cues, TrackBase("k", values, cues)),
        TrackUpdate(3, {"title": "B"}),
        CueAdd(3, cues[0]),
        CueUpdate(7, {"name": None}),
        EntryRef(nml_key="k"),
    ]
    again = pickle.loads(pickle.dumps(items, protocol=pickle.HIGHEST_PROTOCOL))
    assert again == items
    assert [type(item) for item in again] == [type(item) for item in items]


def test_a_dataclass_of_one_field_too() -> None:
    @pickled_by_fields
    @dataclass(frozen=True, slots=True)
    class One:
        value: tuple[int, int]

    assert One.__reduce__(One((1, 2))) == (One, ((1, 2),))  # type: ignore[arg-type]
