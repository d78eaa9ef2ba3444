"""The track panel's description: the key picker in each notation, the limits the form checks, every editable
field of the library on the form, the cue types' natural names."""

from __future__ import annotations

import pytest

from harmony.library import EDITABLE_TRACK_FIELDS
from harmony.web.track_form import CUE_TYPE_LABELS, FORM_GROUPS, key_choices


@pytest.mark.parametrize(
    ("notation", "first", "a_minor"),
    [
        ("open_key", ["1d", "1m", "2d", "2m"], "1m"),
        ("camelot", ["1A", "1B", "2A", "2B"], "8A"),
        ("musical", ["C", "Cm", "Db", "C#m"], "Am"),
    ],
)
def test_the_key_picker_lists_the_24_keys_in_the_chosen_notation(notation: str, first: list[str], a_minor: str) -> None:
    choices = key_choices(notation)
    assert sorted(value for value, _ in choices) == list(range(24))
    assert len({text for _, text in choices}) == 24
    assert [text for _, text in choices[:4]] == first
    assert dict(choices)[21] == a_minor  # MUSICAL_KEY 21 is A minor


def test_the_form_shows_every_editable_text_and_number_field_with_the_library_limits() -> None:
    fields = {f.name: f for _, group in FORM_GROUPS for f in group}
    # Rating, colour and key have controls of their own; the twins follow their partner (ranking, BPM text, key
    # text); lock and "of tracks" are not in Traktor's Edit dialog. Everything else is on the form.
    elsewhere = {"rating", "color", "musical_key", "ranking", "bpm_text", "key_text", "lock", "of_tracks"}
    assert set(EDITABLE_TRACK_FIELDS) - elsewhere == set(fields)
    assert fields["year"].range_text == "from 0 to 9999"
    assert fields["bpm"].range_text == f"from 0 to {int(EDITABLE_TRACK_FIELDS['bpm'].maximum or 0)}"
    assert fields["title"].range_text == ""
    assert fields["comment2"].input == "textarea"


def test_cue_types_have_the_names_a_dj_writes() -> None:
    assert dict(CUE_TYPE_LABELS) == {0: "Cue", 1: "Fade-in", 2: "Fade-out", 3: "Load", 5: "Loop", 4: "Grid"}
