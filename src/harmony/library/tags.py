"""Reading one audio file's tags and stream facts with mutagen into :class:`TrackValues`.

Three tag families cover the formats Harmony adds: ID3 (MP3, AIFF, WAV), Vorbis comments (FLAC, Ogg Vorbis,
Opus) and MP4 atoms (M4A/AAC). Each has its own names for the same fields, mapped here. A file mutagen cannot
read raises :class:`TagReadError` with the reason, and the scan moves on to the next file.
"""

from __future__ import annotations

import logging
import os
import re
from collections.abc import Callable, Mapping
from datetime import date
from pathlib import Path
from typing import Any, cast

import mutagen
from mutagen.id3 import ID3
from mutagen.mp4 import MP4Tags

from harmony.errors import LibraryError
from harmony.library.paths import path_key
from harmony.library.values import TrackValues
from harmony.nml import parse_key_text
from harmony.xml_text import xml_holdable

log = logging.getLogger(__name__)

#: File name endings the scan treats as audio (lower case).
AUDIO_EXTENSIONS = frozenset(
    {".mp3", ".flac", ".m4a", ".aac", ".mp4", ".aif", ".aiff", ".wav", ".ogg", ".oga", ".opus"}
)


class TagReadError(LibraryError):
    """An audio file that cannot be read (damaged, truncated, or not really audio)."""


def _first_text(value: Any) -> str | None:
    """The first non-empty text of a tag value (mutagen returns lists, frames or atoms)."""
    if value is None:
        return None
    if hasattr(value, "text"):  # an ID3 frame
        value = value.text
    if isinstance(value, list | tuple):
        for item in value:
            text = _first_text(item)
            if text:
                return text
        return None
    if isinstance(value, bytes):  # an MP4 freeform atom
        value = value.decode("utf-8", errors="replace")
    # A tag may hold control characters (a stray NUL, an old separator); the collection cannot, nor the library.
    text = xml_holdable(str(value)).strip()
    return text or None


def _id3_fields(tags: ID3) -> dict[str, str | None]:
    def frame(name: str) -> str | None:
        return _first_text(cast(Any, tags).get(name))

    comment = None
    for key in tags:
        if key.startswith("COMM"):
            comm = tags[key]
            if comm.desc == "" or comment is None:
                comment = _first_text(comm)
                if comm.desc == "":
                    break
    return {
        "title": frame("TIT2"),
        "artist": frame("TPE1"),
        "album": frame("TALB"),
        "genre": frame("TCON"),
        "label": frame("TPUB"),
        "comment": comment,
        "date": frame("TDRC") or frame("TYER"),
        "bpm": frame("TBPM"),
        "key": frame("TKEY"),
        "track": frame("TRCK"),
        "remixer": frame("TPE4"),
        "catalog_number": frame("TXXX:CATALOGNUMBER"),
    }


def _first_of(tags: Mapping[str, Any] | MP4Tags, names: tuple[str, ...]) -> str | None:
    """The first non-empty text among the tags ``names``, in that order of preference."""
    for name in names:
        if name in tags:
            text = _first_text(tags[name])
            if text:
                return text
    return None


def _vorbis_fields(tags: Mapping[str, Any]) -> dict[str, str | None]:
    def first(*names: str) -> str | None:
        return _first_of(tags, names)

    track = first("tracknumber")
    total = first("totaltracks", "tracktotal")
    if track and total and "/" not in track:
        track = f"{track}/{total}"
    return {
        "title": first("title"),
        "artist": first("artist"),
        "album": first("album"),
        "genre": first("genre"),
        "label": first("label", "organization", "publisher"),
        "comment": first("comment", "description"),
        "date": first("date", "year"),
        "bpm": first("bpm", "tempo"),
        "key": first("initialkey", "key"),
        "track": track,
        "remixer": first("remixer", "mixartist"),
        "catalog_number": first("catalognumber"),
    }


def _mp4_fields(tags: MP4Tags) -> dict[str, str | None]:
    def atom(*names: str) -> str | None:
        return _first_of(tags, names)

    track = None
    atoms = cast(Any, tags)
    if atoms.get("trkn"):
        number, total = tags["trkn"][0]
        track = f"{number}/{total}" if total else str(number)
    tempo = atoms.get("tmpo")
    return {
        "title": atom("©nam"),
        "artist": atom("©ART"),
        "album": atom("©alb"),
        "genre": atom("©gen"),
        "label": atom("----:com.apple.iTunes:LABEL", "----:com.apple.iTunes:label"),
        "comment": atom("©cmt"),
        "date": atom("©day"),
        "bpm": str(tempo[0]) if tempo else None,
        "key": atom("----:com.apple.iTunes:initialkey", "----:com.apple.iTunes:KEY"),
        "track": track,
        "remixer": atom("----:com.apple.iTunes:REMIXER"),
        "catalog_number": atom("----:com.apple.iTunes:CATALOGNUMBER"),
    }


def _fields(tags: Any) -> dict[str, str | None]:
    if tags is None:
        return {}
    if isinstance(tags, ID3):
        return _id3_fields(tags)
    if isinstance(tags, MP4Tags):
        return _mp4_fields(tags)
    # Vorbis comments (and APEv2) look up keys without regard to case.
    return _vorbis_fields(tags)


_YEAR = re.compile(r"^\s*(\d{4})")


def _parse_date(text: str | None) -> tuple[int | None, date | None]:
    if not text:
        return None, None
    match = _YEAR.match(text)
    year = int(match.group(1)) if match else None
    try:
        full = date.fromisoformat(text.strip()[:10]) if len(text.strip()) >= 10 else None
    except ValueError:
        full = None
    return year, full


def _parse_number(text: str | None, convert: Callable[[str], Any]) -> Any:
    if not text:
        return None
    try:
        return convert(text.strip().replace(",", "."))
    except ValueError:
        return None


def _parse_bpm(text: str | None) -> float | None:
    bpm = _parse_number(text, float)
    return bpm if bpm is not None and 0 < bpm < 1000 else None


def _parse_track(text: str | None) -> tuple[int | None, int | None]:
    if not text:
        return None, None
    number, _, total = text.partition("/")
    parsed_number = _parse_number(number, int)
    parsed_total = _parse_number(total, int) if total else None
    return (
        parsed_number if parsed_number is None or parsed_number >= 0 else None,
        parsed_total if parsed_total is None or parsed_total >= 0 else None,
    )


def read_track(path: Path, today: date | None = None) -> TrackValues:
    """Read ``path`` into track values (``date_added`` = ``today``). Raises :class:`TagReadError`."""
    try:
        audio = mutagen.File(str(path))
    except Exception as error:  # mutagen raises many types for damaged files; every one means "unreadable"
        raise TagReadError(f"{path.name}: cannot read the file ({error or type(error).__name__})") from error
    if audio is None:
        raise TagReadError(f"{path.name}: not an audio format Harmony can read")
    info = audio.info
    fields = _fields(audio.tags)
    year, release_date = _parse_date(fields.get("date"))
    track_number, of_tracks = _parse_track(fields.get("track"))
    key_text = fields.get("key")
    length = getattr(info, "length", None)
    bitrate = getattr(info, "bitrate", None)
    text = str(path)
    return TrackValues(
        path=text,
        path_key=path_key(text),
        title=fields.get("title"),
        artist=fields.get("artist"),
        album=fields.get("album"),
        track_number=track_number,
        of_tracks=of_tracks,
        genre=fields.get("genre"),
        label=fields.get("label"),
        comment=fields.get("comment"),
        remixer=fields.get("remixer"),
        catalog_number=fields.get("catalog_number"),
        year=year if year is None or 0 <= year <= 9999 else None,
        release_date=release_date,
        duration=float(length) if length and length > 0 else None,
        bitrate=int(bitrate) if bitrate and bitrate > 0 else None,
        file_size=os.stat(path).st_size,
        bpm=_parse_bpm(fields.get("bpm")),
        musical_key=parse_key_text(key_text) if key_text else None,
        key_text=key_text,
        date_added=today or date.today(),
    )
