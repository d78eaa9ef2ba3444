"""Tracks: typed views over the ``ENTRY`` elements of ``COLLECTION``.

Every field reads its attribute when asked and writes it back in place: the element keeps every attribute and
child Harmony does not model, in its original order and with its original text. A field set to its current
value changes nothing; a real change re-stamps the entry's ``MODIFIED_DATE``/``MODIFIED_TIME`` (UTC) and tells
the collection that this entry must be written anew. ``AUDIO_ID`` and ``FLAGS`` are read-only: Traktor owns them.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from datetime import date
from functools import lru_cache
from typing import TYPE_CHECKING, Any, Generic, NamedTuple, TypeVar

from lxml import etree

from harmony.errors import NMLError
from harmony.nml.canonical import (
    ENTRY_CHILD_ORDER,
    attributes_of,
    check_xml_text,
    insert_child,
    remove_attribute,
    set_attribute,
)
from harmony.nml.cue import Cue, CueData, new_cue_element
from harmony.nml.paths import Location, Platform, location_to_path, playlist_key
from harmony.nml.values import (
    format_date,
    format_float,
    modified_stamp,
    parse_date,
    parse_float,
    parse_int,
    ranking_to_stars,
    stars_to_ranking,
)

if TYPE_CHECKING:
    from harmony.nml.collection import Collection

T = TypeVar("T")

# Sub-elements that only exist to hold track fields: when an edit removes their last attribute they go too.
_FIELD_HOLDERS = frozenset({"ALBUM", "INFO", "TEMPO", "MUSICAL_KEY"})


class _Codec(Generic[T]):
    """How a field's value is read from and written to attribute text."""

    def __init__(self, read: Callable[[str], T | None], write: Callable[[Track, T], str]) -> None:
        self.read = read
        self.write = write


def _write_int(_: Track, value: int) -> str:
    if isinstance(value, bool) or not isinstance(value, int):
        raise NMLError(f"expected a whole number, got {value!r}")
    return str(value)


def _write_float(track: Track, value: float) -> str:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise NMLError(f"expected a number, got {value!r}")
    return format_float(float(value), six_decimals=track.six_decimals)


def _write_text(_: Track, value: str) -> str:
    if not isinstance(value, str):
        raise NMLError(f"expected text, got {value!r}")
    return value


def _write_date(_: Track, value: date) -> str:
    if not isinstance(value, date):
        raise NMLError(f"expected a date, got {value!r}")
    return format_date(value)


TEXT: _Codec[str] = _Codec(lambda text: text, _write_text)
INT: _Codec[int] = _Codec(parse_int, _write_int)
FLOAT: _Codec[float] = _Codec(parse_float, _write_float)
# Dates repeat across a collection (import days, release years): remembering them saves most of the parsing.
DATE: _Codec[date] = _Codec(lru_cache(maxsize=8192)(parse_date), _write_date)


class Field(Generic[T]):
    """A track field stored in one attribute of the ENTRY (``tag`` None) or of one of its children."""

    def __init__(self, tag: str | None, attribute: str, codec: _Codec[T], *, read_only: bool = False) -> None:
        self.tag = tag
        self.attribute = attribute
        self.codec = codec
        # Text fields need no conversion: None skips the call on the hot path.
        self.read: Callable[[str], T | None] | None = None if codec is TEXT else codec.read
        self.read_only = read_only
        self.name = attribute.lower()

    def __set_name__(self, owner: type, name: str) -> None:
        self.name = name

    def __get__(self, track: Track, owner: type | None = None) -> T | None:
        # The hot path of reading a collection field by field: two dict lookups.
        parts = track._parts if track._parts is not None else track._index_parts()
        attributes = parts.get(self.tag)
        if attributes is None:
            return None
        text = attributes.get(self.attribute)
        if text is None or self.read is None:
            return text  # type: ignore[return-value]  # a text field: T is str
        return self.read(text)

    def __set__(self, track: Track, value: T | None) -> None:
        if self.read_only:
            raise NMLError(f"{self.name} is kept exactly as Traktor wrote it and cannot be changed")
        text = None if value is None else self.codec.write(track, value)
        track.set_attribute(self.tag, self.attribute, text)


class Track:
    """A live view of one ``ENTRY`` of the collection. Obtain tracks from :attr:`Collection.tracks`."""

    __slots__ = ("__weakref__", "_collection", "_element", "_parts", "slot")

    title = Field(None, "TITLE", TEXT)
    artist = Field(None, "ARTIST", TEXT)
    album = Field("ALBUM", "TITLE", TEXT)
    track_number = Field("ALBUM", "TRACK", INT)
    of_tracks = Field("ALBUM", "OF_TRACKS", INT)
    genre = Field("INFO", "GENRE", TEXT)
    label = Field("INFO", "LABEL", TEXT)
    comment = Field("INFO", "COMMENT", TEXT)
    comment2 = Field("INFO", "RATING", TEXT)  # shown as "Comment 2" in Traktor; not a star rating
    remixer = Field("INFO", "REMIXER", TEXT)
    producer = Field("INFO", "PRODUCER", TEXT)
    mix = Field("INFO", "MIX", TEXT)
    catalog_number = Field("INFO", "CATALOG_NO", TEXT)
    key_lyrics = Field("INFO", "KEY_LYRICS", TEXT)
    key_text = Field("INFO", "KEY", TEXT)
    cover_art_id = Field("INFO", "COVERARTID", TEXT)
    play_count = Field("INFO", "PLAYCOUNT", INT)
    playtime = Field("INFO", "PLAYTIME", INT)
    playtime_float = Field("INFO", "PLAYTIME_FLOAT", FLOAT)
    ranking = Field("INFO", "RANKING", INT)
    import_date = Field("INFO", "IMPORT_DATE", DATE)
    last_played = Field("INFO", "LAST_PLAYED", DATE)
    release_date = Field("INFO", "RELEASE_DATE", DATE)
    bitrate = Field("INFO", "BITRATE", INT)
    file_size = Field("INFO", "FILESIZE", INT)
    color = Field("INFO", "COLOR", INT)
    flags = Field("INFO", "FLAGS", INT, read_only=True)
    bpm = Field("TEMPO", "BPM", FLOAT)
    bpm_text = Field("TEMPO", "BPM", TEXT)
    bpm_quality = Field("TEMPO", "BPM_QUALITY", FLOAT)
    musical_key = Field("MUSICAL_KEY", "VALUE", INT)
    peak_db = Field("LOUDNESS", "PEAK_DB", FLOAT)
    perceived_db = Field("LOUDNESS", "PERCEIVED_DB", FLOAT)
    analyzed_db = Field("LOUDNESS", "ANALYZED_DB", FLOAT)
    audio_id = Field(None, "AUDIO_ID", TEXT, read_only=True)
    modified_date = Field(None, "MODIFIED_DATE", DATE, read_only=True)
    modified_time = Field(None, "MODIFIED_TIME", INT, read_only=True)

    def __init__(self, collection: Collection, slot: int, element: etree._Element) -> None:
        self._collection = collection
        self._element = element
        self._parts: dict[str | None, dict[str, str]] | None = None
        self.slot = slot

    def _index_parts(self) -> dict[str | None, dict[str, str]]:
        """The attributes of the entry and of its first child of each tag, copied once (one C call per
        element) and read by every field until the next edit."""
        self._parts = self._read_parts()
        return self._parts

    def _read_parts(self) -> dict[str | None, dict[str, str]]:
        parts: dict[str | None, dict[str, str]] = {None: attributes_of(self._element)}
        for child in self._element:
            tag = child.tag
            if isinstance(tag, str) and tag not in parts:
                parts[tag] = attributes_of(child)
        return parts

    # -- plumbing shared by the fields --

    @property
    def element(self) -> etree._Element:
        """The underlying ``ENTRY`` element (for what Harmony does not model). Edit it through the fields, or
        call :meth:`mark_changed` after changing it directly."""
        return self._element

    @property
    def six_decimals(self) -> bool:
        """Whether numbers are written ``%.6f`` (Traktor 3/4) or short (Traktor 2), as the file does."""
        return self._collection.six_decimals

    def _child(self, tag: str | None, create: bool = False) -> etree._Element | None:
        if tag is None:
            return self._element
        child = self._element.find(tag)
        if child is None and create:
            child = etree.Element(tag)
            insert_child(self._element, child, ENTRY_CHILD_ORDER)
            self._parts = None
        return child

    def attribute(self, tag: str | None, name: str) -> str | None:
        """The raw text of attribute ``name`` on the ENTRY (``tag`` None) or its first ``tag`` child."""
        element = self._element if tag is None else self._element.find(tag)
        return None if element is None else element.get(name)

    def set_attribute(self, tag: str | None, name: str, text: str | None) -> None:
        """Set (or with None, remove) an attribute's raw text; re-stamps the entry if anything changed."""
        if text is None:
            element = self._child(tag)
            if element is None or not remove_attribute(element, name):
                return
            if tag in _FIELD_HOLDERS and not element.attrib and len(element) == 0:
                self._element.remove(element)
                self._parts = None
        else:
            element = self._child(tag, create=True)
            assert element is not None
            if not set_attribute(element, name, text):
                return
        self.mark_changed()

    def mark_changed(self) -> None:
        """Record that this entry's content changed: new modification stamp, written anew on save."""
        self._parts = None  # the copied attributes are stale now
        stamp_date, stamp_time = modified_stamp(self._collection.clock())
        set_attribute(self._element, "MODIFIED_DATE", stamp_date)
        set_attribute(self._element, "MODIFIED_TIME", stamp_time)
        self._collection.entry_changed(self)

    # -- fields that need more than one attribute --

    @property
    def location(self) -> Location:
        """Where the file is, as Traktor stores it (volume, dir, file, volume id)."""
        parts = self._parts if self._parts is not None else self._index_parts()
        loc = parts.get("LOCATION") or {}
        return Location(loc.get("VOLUME", ""), loc.get("DIR", ""), loc.get("FILE", ""), loc.get("VOLUMEID", ""))

    @location.setter
    def location(self, value: Location) -> None:
        old_key = self.key
        for name, text in (("DIR", value.dir), ("FILE", value.file), ("VOLUME", value.volume)):
            self.set_attribute("LOCATION", name, text)
        self.set_attribute("LOCATION", "VOLUMEID", value.volume_id)
        if self.key != old_key:
            self._collection.key_changed(self, old_key)

    @property
    def key(self) -> str:
        """The playlist key of this track: VOLUME + DIR + FILE, exactly as stored."""
        return playlist_key(self.location)

    def path(self, platform: Platform | None = None) -> str:
        """The file's path on ``platform`` (default: this machine's), per the location rules."""
        return location_to_path(self.location, platform)

    @property
    def rating(self) -> int | None:
        """Stars 0–5 from ``RANKING`` (by ranges, half up), or None when the track has no ranking."""
        ranking = self.ranking
        return None if ranking is None else ranking_to_stars(ranking)

    @rating.setter
    def rating(self, stars: int | None) -> None:
        if stars is not None and (isinstance(stars, bool) or not isinstance(stars, int) or not 0 <= stars <= 5):
            raise NMLError(f"a rating is 0 to 5 stars, not {stars!r}")
        if stars is not None and self.ranking is not None and ranking_to_stars(self.ranking) == stars:
            return  # the same stars: keep Traktor's exact ranking (e.g. 196 from a tag)
        self.ranking = None if stars is None else stars_to_ranking(stars)

    @property
    def lock(self) -> bool:
        """Whether the track is locked against analysis in Traktor."""
        return self._element.get("LOCK") == "1"

    @lock.setter
    def lock(self, value: bool) -> None:
        if self.lock == bool(value):
            return
        self.set_attribute(None, "LOCK", "1" if value else "0")
        now = self._collection.clock()
        self.set_attribute(None, "LOCK_MODIFICATION_TIME", now.strftime("%Y-%m-%dT%H:%M:%S"))

    # -- cues --

    @property
    def cues(self) -> list[Cue]:
        """The track's cue points, loops and grid markers in document order (live views)."""
        return [Cue(self, element) for element in self._element.iterfind("CUE_V2")]

    def add_cue(self, data: CueData) -> Cue:
        """Add a cue after the existing ones, with every attribute Traktor writes."""
        element = new_cue_element(data, self.six_decimals)
        insert_child(self._element, element, ENTRY_CHILD_ORDER)
        self.mark_changed()
        return Cue(self, element)

    def remove_cue(self, cue: Cue) -> None:
        """Remove one cue of this track."""
        if cue.element.getparent() is not self._element:
            raise NMLError("that cue does not belong to this track")
        self._element.remove(cue.element)
        self.mark_changed()

    def set_cues(self, cues: Iterable[CueData]) -> None:
        """Make the track's cues equal ``cues``, in that order.

        Cues whose values already match keep their elements untouched (and any attribute Harmony does not
        model); if nothing differs, the entry is not changed at all.
        """
        wanted = list(cues)
        current = self.cues
        if [cue.to_data() for cue in current] == wanted:
            return
        for index, data in enumerate(wanted):
            if index < len(current):
                current[index].update(data)
            else:
                self.add_cue(data)
        for cue in current[len(wanted) :]:
            self.remove_cue(cue)

    def to_data(self) -> TrackData:
        """Every field and cue at once, detached from the document. The attributes read are not kept for the
        fields (a view read whole once would hold a copy of them: about 7 KB a track, while the export holds the
        views of every track it changes)."""
        parts = self._parts if self._parts is not None else self._read_parts()
        return track_data(parts, tuple(cue.to_data() for cue in self.cues))

    def fields(self) -> dict[str, Any]:
        """Every typed field, by name (see ``TRACK_FIELDS``)."""
        data = self.to_data()
        return {name: getattr(data, name) for name in TRACK_FIELDS}

    def set(self, **values: Any) -> None:
        """Set several fields at once: ``track.set(title="…", rating=4)``. All or nothing: every value is
        checked before the first is written."""
        for name, value in values.items():
            self.check_value(name, value)
        for name, value in values.items():
            setattr(self, name, value)

    def check_value(self, name: str, value: Any) -> None:
        """Raise :class:`NMLError` if ``value`` cannot be written to field ``name``; write nothing."""
        if name not in WRITABLE_FIELDS:
            raise NMLError(f"unknown or read-only track field {name!r}")
        if value is None:
            return
        field = type(self).__dict__.get(name)
        if isinstance(field, Field):
            check_xml_text(field.attribute, field.codec.write(self, value))
        elif name == "rating" and (isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= 5):
            raise NMLError(f"a rating is 0 to 5 stars, not {value!r}")
        elif name == "location":
            if not isinstance(value, Location):
                raise NMLError(f"a location is a Location(volume, dir, file, volume_id), not {value!r}")
            for text in (value.volume, value.dir, value.file, value.volume_id):
                check_xml_text("LOCATION", text)

    def __repr__(self) -> str:
        return f"Track({self.key!r}, title={self.title!r})"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Track) and other._element is self._element

    def __hash__(self) -> int:
        return id(self._element)


def track_data(parts: Mapping[str | None, Mapping[str, str]], cues: tuple[CueData, ...]) -> TrackData:
    """A :class:`TrackData` from the attributes of an ENTRY (key None) and of its first child of each tag.

    Shared by :meth:`Track.to_data` and the streaming reader, so both read a track the same way. This is the
    inner loop of a whole-collection read (100,000 tracks × 45 values): the values go straight into their
    positions, with no per-field function call where the text needs no conversion."""
    row: list[Any] = [None] * _FIELD_COUNT
    for tag, found in parts.items():
        fields = _FIELDS_BY_TAG.get(tag)
        if fields is None:
            continue
        for attribute, text in found.items():  # only the attributes present: most tracks lack many fields
            for index, read in fields.get(attribute, ()):  # TEMPO BPM feeds both bpm and bpm_text
                row[index] = text if read is None else read(text)
    location = parts.get("LOCATION") or {}
    volume, folder, file = location.get("VOLUME", ""), location.get("DIR", ""), location.get("FILE", "")
    row[_LOCATION] = Location(volume, folder, file, location.get("VOLUMEID", ""))
    row[_KEY] = volume + folder + file
    ranking = row[_RANKING]
    row[_RATING] = None if ranking is None else ranking_to_stars(ranking)
    entry = parts.get(None)
    row[_LOCK] = entry is not None and entry.get("LOCK") == "1"
    row[_CUES] = cues
    return TrackData(*row)


TRACK_FIELDS: tuple[str, ...] = (
    "location",
    "key",
    "title",
    "artist",
    "album",
    "track_number",
    "of_tracks",
    "genre",
    "label",
    "comment",
    "comment2",
    "remixer",
    "producer",
    "mix",
    "catalog_number",
    "key_lyrics",
    "bpm",
    "bpm_text",
    "bpm_quality",
    "musical_key",
    "key_text",
    "rating",
    "ranking",
    "color",
    "play_count",
    "last_played",
    "import_date",
    "release_date",
    "playtime",
    "playtime_float",
    "bitrate",
    "file_size",
    "peak_db",
    "perceived_db",
    "analyzed_db",
    "cover_art_id",
    "lock",
    "flags",
    "audio_id",
    "modified_date",
    "modified_time",
)

READ_ONLY_FIELDS = frozenset({"key", "flags", "audio_id", "modified_date", "modified_time"})
WRITABLE_FIELDS = frozenset(TRACK_FIELDS) - READ_ONLY_FIELDS


class TrackData(NamedTuple):
    """A track's typed fields as plain values (see :class:`Track` for their meaning).

    A NamedTuple, like :class:`~harmony.nml.cue.CueData`, because it is built once per track of a full read."""

    location: Location
    key: str
    title: str | None
    artist: str | None
    album: str | None
    track_number: int | None
    of_tracks: int | None
    genre: str | None
    label: str | None
    comment: str | None
    comment2: str | None
    remixer: str | None
    producer: str | None
    mix: str | None
    catalog_number: str | None
    key_lyrics: str | None
    bpm: float | None
    bpm_text: str | None
    bpm_quality: float | None
    musical_key: int | None
    key_text: str | None
    rating: int | None
    ranking: int | None
    color: int | None
    play_count: int | None
    last_played: date | None
    import_date: date | None
    release_date: date | None
    playtime: int | None
    playtime_float: float | None
    bitrate: int | None
    file_size: int | None
    peak_db: float | None
    perceived_db: float | None
    analyzed_db: float | None
    cover_art_id: str | None
    lock: bool
    flags: int | None
    audio_id: str | None
    modified_date: date | None
    modified_time: int | None
    cues: tuple[CueData, ...] = ()


assert TrackData._fields[:-1] == TRACK_FIELDS


_DATA_FIELDS = TrackData._fields
_FIELD_COUNT = len(_DATA_FIELDS)
_LOCATION, _KEY, _RATING, _RANKING, _LOCK, _CUES = (
    _DATA_FIELDS.index(name) for name in ("location", "key", "rating", "ranking", "lock", "cues")
)


def _plain_by_tag() -> tuple[tuple[str | None, tuple[tuple[int, str, Callable[[str], Any] | None], ...]], ...]:
    """The fields stored in one attribute each, grouped by the element that holds them: (position in
    TrackData, attribute, converter or None for text)."""
    groups: dict[str | None, list[tuple[int, str, Callable[[str], Any] | None]]] = {}
    for name in TRACK_FIELDS:
        field = Track.__dict__[name]
        if isinstance(field, Field):
            groups.setdefault(field.tag, []).append((_DATA_FIELDS.index(name), field.attribute, field.read))
    return tuple((tag, tuple(group)) for tag, group in groups.items())


_PLAIN_BY_TAG = _plain_by_tag()
# The same, as lookups: tag → attribute → the (position in TrackData, converter or None) it feeds.
_FIELDS_BY_TAG: dict[str | None, dict[str, tuple[tuple[int, Callable[[str], Any] | None], ...]]] = {
    tag: {
        attribute: tuple((index, read) for index, name, read in group if name == attribute) for _, attribute, _ in group
    }
    for tag, group in _PLAIN_BY_TAG
}
# The ENTRY children whose attributes hold track fields.
PART_TAGS = frozenset(tag for tag, _ in _PLAIN_BY_TAG if tag is not None) | {"LOCATION"}
