"""Cue points, loops and grid markers: typed views over ``CUE_V2`` elements, and plain cue values.

A :class:`Cue` reads and writes its ``CUE_V2`` element in place; :class:`CueData` is a frozen value (for
comparing, for crossing process boundaries, for replacing a track's cues in one go).
"""

from __future__ import annotations

from collections.abc import Mapping
from enum import IntEnum
from typing import TYPE_CHECKING, NamedTuple

from lxml import etree

from harmony.errors import NMLError
from harmony.nml.canonical import attributes_of, remove_attribute, set_attribute
from harmony.nml.values import SMALL_INTS, format_float, parse_float, parse_int

if TYPE_CHECKING:
    from harmony.nml.track import Track


class CueType(IntEnum):
    """``CUE_V2 TYPE``: what kind of marker a cue is."""

    CUE = 0
    FADE_IN = 1
    FADE_OUT = 2
    LOAD = 3
    GRID = 4
    LOOP = 5


DEFAULT_CUE_NAME = "n.n."


class CueData(NamedTuple):
    """A cue as plain values.

    A NamedTuple rather than the frozen dataclass the conventions prefer: the same immutable, typed, picklable
    value, but built in C; a full read of a big collection builds hundreds of thousands of them (measured: the
    whole read 12 % faster). ``start`` and ``length`` are in milliseconds; ``hotcue`` is -1 or a pad 0–7."""

    type: int
    start: float
    length: float = 0.0
    hotcue: int = -1
    name: str = DEFAULT_CUE_NAME
    display_order: int = 0
    repeats: int = -1
    color: str | None = None
    grid_bpm: float | None = None


CUE_FIELDS: tuple[str, ...] = CueData._fields

#: The NML version from which Traktor stores a cue's colour (``CUE_V2 COLOR``, Traktor 4); older versions
#: have no cue colours at all.
CUE_COLOUR_VERSION = 20
#: The cue colours Harmony offers, as ``(#RRGGBB, name)``: Traktor 4's hot cue palette.
CUE_COLOURS: tuple[tuple[str, str], ...] = (
    ("#FF0000", "Red"),
    ("#FF8000", "Orange"),
    ("#FFFF00", "Yellow"),
    ("#00FF00", "Green"),
    ("#0080FF", "Blue"),
    ("#8000FF", "Violet"),
    ("#FF00FF", "Magenta"),
    ("#FFFFFF", "White"),
)


def _check_hotcue(hotcue: int) -> None:
    if not -1 <= hotcue <= 7:
        raise NMLError(f"a hotcue slot is -1 (none) or 0–7, not {hotcue}")


def _check_color(color: str) -> None:
    if len(color) != 7 or color[0] != "#" or any(c not in "0123456789abcdefABCDEF" for c in color[1:]):
        raise NMLError(f"a cue colour is written #RRGGBB, not {color!r}")


class Cue:
    """A live view of one ``CUE_V2`` element of a track. Setting a field edits the element and marks the track
    changed (only when the value really changes)."""

    __slots__ = ("_element", "_track")

    def __init__(self, track: Track, element: etree._Element) -> None:
        self._track = track
        self._element = element

    @property
    def element(self) -> etree._Element:
        """The underlying ``CUE_V2`` element (for attributes Harmony does not model)."""
        return self._element

    def _get(self, name: str) -> str | None:
        return self._element.get(name)

    def _set(self, name: str, text: str | None) -> None:
        if text is None:
            changed = remove_attribute(self._element, name)
        else:
            changed = set_attribute(self._element, name, text)
        if changed:
            self._track.mark_changed()

    def _float_text(self, value: float) -> str:
        return format_float(value, six_decimals=self._track.six_decimals)

    @property
    def type(self) -> int:
        """0 cue, 1 fade-in, 2 fade-out, 3 load, 4 grid, 5 loop (see :class:`CueType`); unknown types kept."""
        return cue_type(self._get("TYPE"))

    @type.setter
    def type(self, value: int) -> None:
        self._set("TYPE", str(int(value)))

    @property
    def start(self) -> float:
        """Position in milliseconds."""
        return _float_or_zero(self._get("START"))

    @start.setter
    def start(self, value: float) -> None:
        self._set("START", self._float_text(value))

    @property
    def length(self) -> float:
        """Length in milliseconds (above zero for loops)."""
        return _float_or_zero(self._get("LEN"))

    @length.setter
    def length(self, value: float) -> None:
        self._set("LEN", self._float_text(value))

    @property
    def hotcue(self) -> int:
        """-1 when the cue is on no pad, else the pad 0–7."""
        return _int_or(self._get("HOTCUE"), -1)

    @hotcue.setter
    def hotcue(self, value: int) -> None:
        _check_hotcue(value)
        self._set("HOTCUE", str(value))

    @property
    def name(self) -> str:
        return self._get("NAME") or ""

    @name.setter
    def name(self, value: str) -> None:
        self._set("NAME", value)

    @property
    def display_order(self) -> int:
        return _int_or(self._get("DISPL_ORDER"), 0)

    @display_order.setter
    def display_order(self, value: int) -> None:
        self._set("DISPL_ORDER", str(value))

    @property
    def repeats(self) -> int:
        return _int_or(self._get("REPEATS"), -1)

    @repeats.setter
    def repeats(self, value: int) -> None:
        self._set("REPEATS", str(value))

    @property
    def color(self) -> str | None:
        """``#RRGGBB`` (Traktor 4), or None."""
        return self._get("COLOR")

    @color.setter
    def color(self, value: str | None) -> None:
        if value is not None:
            _check_color(value)
        self._set("COLOR", value)

    @property
    def grid_bpm(self) -> float | None:
        """The tempo from ``<GRID BPM>`` of a Traktor 4 grid marker, or None."""
        grid = self._element.find("GRID") if len(self._element) else None
        text = None if grid is None else grid.get("BPM")
        return None if text is None else parse_float(text)

    @grid_bpm.setter
    def grid_bpm(self, value: float | None) -> None:
        grid = self._element.find("GRID")
        if value is None:
            if grid is not None:
                self._element.remove(grid)
                self._track.mark_changed()
            return
        if grid is None:
            grid = etree.SubElement(self._element, "GRID")
            self._track.mark_changed()
        if set_attribute(grid, "BPM", self._float_text(value)):
            self._track.mark_changed()

    def to_data(self) -> CueData:
        """The cue's values, detached from the document."""
        grid = self._element.find("GRID") if len(self._element) else None
        return cue_data(attributes_of(self._element), None if grid is None else grid.get("BPM"))

    def update(self, data: CueData) -> None:
        """Set every field from ``data``; untouched attributes keep their text when the value is the same."""
        if self.type != data.type:
            self.type = data.type
        if self.start != data.start:
            self.start = data.start
        if self.length != data.length:
            self.length = data.length
        if self.hotcue != data.hotcue:
            self.hotcue = data.hotcue
        if self.name != data.name:
            self.name = data.name
        if self.display_order != data.display_order:
            self.display_order = data.display_order
        if self.repeats != data.repeats:
            self.repeats = data.repeats
        if self.color != data.color:
            self.color = data.color
        if self.grid_bpm != data.grid_bpm:
            self.grid_bpm = data.grid_bpm

    def __repr__(self) -> str:
        return f"Cue({self.to_data()!r})"


def _int_or(text: str | None, default: int) -> int:
    if text is None:
        return default
    value = SMALL_INTS.get(text)
    if value is None:
        value = parse_int(text)
    return default if value is None else value


def _float_or_zero(text: str | None) -> float:
    value = None if text is None else parse_float(text)
    return 0.0 if value is None else value


def cue_type(text: str | None) -> int:
    """A ``CUE_V2``'s type from its TYPE text (0, a plain cue, when it is missing or not a number): the one rule
    of the views, :func:`cue_data` and the readers that need only the types."""
    if text is None:
        return 0
    found = SMALL_INTS.get(text)
    return _int_or(text, 0) if found is None else found


def cue_data(attributes: Mapping[str, str], grid_bpm: str | None) -> CueData:
    """A :class:`CueData` from a ``CUE_V2``'s attributes and its ``GRID BPM`` text (shared by the views and the
    streaming reader, so both read cues the same way). The small whole numbers are looked up, not parsed: a
    big collection has over a million of them."""
    get = attributes.get
    small = SMALL_INTS.get
    hotcue = small(get("HOTCUE", "-1"))
    display_order = small(get("DISPL_ORDER", "0"))
    repeats = small(get("REPEATS", "-1"))
    return CueData(
        cue_type(get("TYPE")),
        _float_or_zero(get("START")),
        _float_or_zero(get("LEN")),
        _int_or(get("HOTCUE"), -1) if hotcue is None else hotcue,
        get("NAME", ""),
        _int_or(get("DISPL_ORDER"), 0) if display_order is None else display_order,
        _int_or(get("REPEATS"), -1) if repeats is None else repeats,
        get("COLOR"),
        None if grid_bpm is None else parse_float(grid_bpm),
    )


def new_cue_element(data: CueData, six_decimals: bool) -> etree._Element:
    """A ``CUE_V2`` element with all seven attributes Traktor always writes (plus COLOR and GRID when set)."""
    _check_hotcue(data.hotcue)
    element = etree.Element("CUE_V2")
    element.set("NAME", data.name)
    element.set("DISPL_ORDER", str(data.display_order))
    element.set("TYPE", str(int(data.type)))
    element.set("START", format_float(data.start, six_decimals=six_decimals))
    element.set("LEN", format_float(data.length, six_decimals=six_decimals))
    element.set("REPEATS", str(data.repeats))
    element.set("HOTCUE", str(data.hotcue))
    if data.color is not None:
        _check_color(data.color)
        element.set("COLOR", data.color)
    if data.grid_bpm is not None:
        grid = etree.SubElement(element, "GRID")
        grid.set("BPM", format_float(data.grid_bpm, six_decimals=six_decimals))
    return element
