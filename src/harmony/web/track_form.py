"""What the library page's track panel shows: the editable fields grouped like Traktor's Edit dialog, the 24 keys
in the DJ's notation, the track and cue colours, the cue types with their natural names.

The page renders the form from this description, and the limits it checks before saving come from the library's
table of editable fields, so the form and the library never disagree on a range.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Final

from harmony.library import EDITABLE_TRACK_FIELDS, key_display
from harmony.nml import CUE_COLOUR_VERSION, CUE_COLOURS, KEY_COUNT, CueType

__all__ = [
    "CUE_TYPE_LABELS",
    "FORM_GROUPS",
    "NOTATION_NAMES",
    "TRACK_COLOURS",
    "FormField",
    "key_choices",
    "panel_context",
]


@dataclass(frozen=True, slots=True)
class FormField:
    """One input of the track form: the library field it edits, its label, how it is typed, its limits."""

    name: str
    label: str
    input: str  # "text", "textarea", "int", "float", "date"
    minimum: float | None = None
    maximum: float | None = None
    wide: bool = False

    @property
    def range_text(self) -> str:
        """The limits in words, for the inline refusal ("Year must be from 0 to 9999")."""
        if self.minimum is not None and self.maximum is not None:
            return f"from {_number(self.minimum)} to {_number(self.maximum)}"
        if self.minimum is not None:
            return f"at least {_number(self.minimum)}"
        if self.maximum is not None:
            return f"at most {_number(self.maximum)}"
        return ""


def _number(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else str(value)


def _field(name: str, label: str, *, wide: bool = False) -> FormField:
    spec = EDITABLE_TRACK_FIELDS[name]
    kind = {"text": "text", "int": "int", "float": "float", "date": "date"}[spec.kind]
    if name in ("comment", "comment2", "key_lyrics"):
        kind = "textarea"
    return FormField(name, label, kind, spec.minimum, spec.maximum, wide)


#: The fields, grouped as Traktor's Edit dialog groups them. Rating, colour and key have controls of their own.
FORM_GROUPS: Final[tuple[tuple[str, tuple[FormField, ...]], ...]] = (
    (
        "Track",
        (
            _field("title", "Title", wide=True),
            _field("artist", "Artist", wide=True),
            _field("album", "Release (album)"),
            _field("track_number", "Track number"),
            _field("remixer", "Remixer"),
            _field("producer", "Producer"),
            _field("mix", "Mix"),
            _field("label", "Label"),
            _field("catalog_number", "Catalogue number"),
            _field("genre", "Genre"),
        ),
    ),
    (
        "Properties",
        (
            _field("bpm", "BPM"),
            _field("year", "Year"),
            _field("release_date", "Release date"),
        ),
    ),
    (
        "Comments",
        (
            _field("comment", "Comment", wide=True),
            _field("comment2", "Comment 2", wide=True),
            _field("key_lyrics", "Lyrics", wide=True),
        ),
    ),
)

#: Traktor's track colours (``INFO COLOR`` 1-7), with a swatch readable on the dark theme.
TRACK_COLOURS: Final[tuple[tuple[int, str, str], ...]] = (
    (1, "Red", "#e5484d"),
    (2, "Orange", "#f0883e"),
    (3, "Yellow", "#f5d90a"),
    (4, "Green", "#30a46c"),
    (5, "Blue", "#3b82f6"),
    (6, "Violet", "#8e4ec6"),
    (7, "Magenta", "#d6409f"),
)

#: Cue types as a DJ says them, in Traktor's order.
CUE_TYPE_LABELS: Final[tuple[tuple[int, str], ...]] = (
    (CueType.CUE, "Cue"),
    (CueType.FADE_IN, "Fade-in"),
    (CueType.FADE_OUT, "Fade-out"),
    (CueType.LOAD, "Load"),
    (CueType.LOOP, "Loop"),
    (CueType.GRID, "Grid"),
)

#: The names of the key notations a DJ can choose (the setting ``key_notation``).
NOTATION_NAMES: Final[Mapping[str, str]] = {"open_key": "Open Key", "camelot": "Camelot", "musical": "Musical"}


def key_choices(notation: str) -> list[tuple[int, str]]:
    """The 24 keys as ``(MUSICAL_KEY value, text)`` written as the table writes them in ``notation``, in the order
    a DJ looks for them: round the wheel for Open Key (1d, 1m, 2d…) and Camelot (1A, 1B, 2A…), by root for
    musical (C, Cm, Db, C#m…)."""
    written = [(value, key_display(value, None, notation) or "") for value in range(KEY_COUNT)]
    if notation == "musical":
        return sorted(written, key=lambda item: (item[0] % 12, item[0] >= 12))
    return sorted(written, key=lambda item: (int(item[1][:-1]), item[1][-1].lower()))


def panel_context(notation: str = "open_key") -> dict[str, object]:
    """What the page template needs to render the track panel."""
    return {
        "form_groups": FORM_GROUPS,
        "key_choices": key_choices(notation),
        "key_notation_name": NOTATION_NAMES.get(notation, notation),
        "track_colours": TRACK_COLOURS,
        "cue_types": CUE_TYPE_LABELS,
        "cue_colours": CUE_COLOURS,
        "cue_colour_version": CUE_COLOUR_VERSION,
    }
