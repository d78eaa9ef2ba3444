"""One synthetic collection ENTRY: a plausible track, its tags, its analysis and its cue points.

:class:`TrackMaker` draws every value from one seeded ``random.Random`` in a fixed order, so the same seed
always yields the same entries. The distributions follow what real Traktor files show (reference B.5–B.9):
most tracks analysed (AUDIO_ID, TEMPO, LOUDNESS, MUSICAL_KEY, an AutoGrid marker), a few hot cues and loops
each, ratings in steps of 51 with a few odd ID3 values, Open Key text mostly, unpadded ``Y/M/D`` dates and
UTC seconds of the day.
"""

from __future__ import annotations

import base64
import datetime as dt
import random
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass

from harmony.devtools import key_text, word_lists
from harmony.devtools.traktor_style import element, fmt_float
from harmony.devtools.volumes import Volume, encode_component, encode_dir
from harmony.nml import CUE_COLOURS

CUE_TYPE_NAMES: dict[int, str] = {0: "cue", 1: "fade_in", 2: "fade_out", 3: "load", 4: "grid", 5: "loop"}
"""Traktor's CUE_V2 ``TYPE`` numbers and the names Harmony reports them under."""

# File types by share, with the bit rates (bits per second) Traktor reports for them.
_EXTENSIONS: tuple[str, ...] = ("mp3", "flac", "wav", "aiff", "m4a")
_EXTENSION_WEIGHTS: tuple[float, ...] = (0.60, 0.12, 0.08, 0.08, 0.12)

# Typical tempo range per genre; anything not listed dances between 100 and 130 BPM.
_BPM_RANGES: dict[str, tuple[float, float]] = {
    "Techno": (124.0, 142.0),
    "Minimal": (120.0, 128.0),
    "Drum & Bass": (168.0, 178.0),
    "Jungle": (160.0, 172.0),
    "Dubstep": (138.0, 142.0),
    "Trance": (130.0, 140.0),
    "Hip-Hop": (84.0, 100.0),
    "R&B": (70.0, 100.0),
    "Downtempo": (80.0, 110.0),
    "Ambient": (60.0, 100.0),
    "Reggaeton": (88.0, 100.0),
    "Latin": (90.0, 130.0),
    "Breaks": (125.0, 140.0),
    "Garage": (128.0, 136.0),
    "Disco": (110.0, 125.0),
    "Funk": (95.0, 115.0),
}

_STANDARD_RANKINGS = (0, 51, 102, 153, 204, 255)
_ODD_RANKINGS = (1, 64, 128, 196, 230)  # what ID3 POPM tags leave behind
_TRACK_COLOURS = ("1", "2", "3", "4", "5", "6", "7")
_CUE_COLOURS = tuple(colour for colour, _ in CUE_COLOURS)

_EPOCH = dt.date(2010, 1, 1).toordinal()
_LAST_DAY = dt.date(2026, 10, 31).toordinal()


@dataclass(frozen=True, slots=True)
class GeneratedTrack:
    """What the rest of the generator needs to know about an entry it has written."""

    xml: str
    """The whole ``<ENTRY>…</ENTRY>\\n`` text."""
    key: str
    """The playlist key: VOLUME + DIR + FILE, unescaped."""
    volume: Volume
    dir_parts: tuple[str, ...]
    """The folder names from the volume's root down (decoded: ``:`` is ``:`` here)."""
    file_name: str
    """The file name (decoded)."""
    genre: str | None
    cue_types: tuple[int, ...]
    """The CUE_V2 TYPE of each cue written, in file order."""


@dataclass(slots=True)
class _Artist:
    name: str
    albums: list[str]


class TrackMaker:
    """Makes the collection's entries one by one, streaming-friendly: it keeps only the artist pool and the
    locations already used (so that no two entries share a file).

    ``make(index, kind)`` with ``kind`` ``loop`` or ``recording`` makes one of Traktor's own files instead of a
    music track: a loop sample (for ``_LOOPS``) or a recording (for ``_RECORDINGS``), WAV files in the Traktor
    folder.
    """

    def __init__(
        self,
        rng: random.Random,
        extras_rng: random.Random,
        volumes: Sequence[Volume],
        *,
        tracks: int,
        version: int,
    ) -> None:
        self._rng = rng
        # Version-20 extras (cue colours, flexible grids) draw from their own stream, so a VERSION 19 and a
        # VERSION 20 file from the same seed hold the same tracks.
        self._extras = extras_rng
        self._volumes = tuple(volumes)
        self._volume_weights = tuple(volume.weight for volume in self._volumes)
        self._version = version
        self._artists = self._make_artists(max(8, tracks // 6))
        self._seen_keys: set[str] = set()

    # -- the pool of artists and their albums, drawn once -----------------------------------------

    def _make_artists(self, count: int) -> list[_Artist]:
        rng = self._rng
        artists: list[_Artist] = []
        seen: set[str] = set()
        while len(artists) < count:
            name = f"{rng.choice(word_lists.ARTIST_FIRST)} {rng.choice(word_lists.ARTIST_SECOND)}"
            if rng.random() < 0.25:
                name = rng.choice(word_lists.ARTIST_FIRST)
            fold = name.casefold()
            if fold in seen:
                name = f"{name} {len(artists)}"
                fold = name.casefold()
            seen.add(fold)
            albums: list[str] = []
            for _ in range(rng.randint(1, 3)):
                album = rng.choice(word_lists.ALBUM_PATTERNS).format(
                    a=rng.choice(word_lists.TITLE_WORDS),
                    b=rng.choice(word_lists.TITLE_WORDS),
                    n=rng.randint(1, 12),
                )
                if album.casefold() not in (existing.casefold() for existing in albums):
                    albums.append(album)
            artists.append(_Artist(name, albums))
        return artists

    # -- one entry --------------------------------------------------------------------------------

    def make(self, index: int, kind: str = "music") -> GeneratedTrack:
        """The entry for track number ``index``; ``kind`` is ``music``, ``loop`` or ``recording``."""
        rng = self._rng
        # The first tracks visit every volume once, so even a tiny collection spans all of them.
        if index < len(self._volumes):
            volume = self._volumes[index]
        else:
            volume = rng.choices(self._volumes, self._volume_weights)[0]
        artist = rng.choice(self._artists)
        genre = rng.choice(word_lists.GENRES) if rng.random() < 0.92 else None
        title = self._title()
        album = rng.choice(artist.albums) if rng.random() < 0.85 else None
        track_number = rng.randint(1, 16) if album is not None and rng.random() < 0.6 else None

        if kind == "music":
            extension = rng.choices(_EXTENSIONS, _EXTENSION_WEIGHTS)[0]
            dir_parts, file_stem = self._music_location(volume, artist.name, album, genre, title, track_number)
        else:
            extension = "wav"
            dir_parts, file_stem = self._traktor_location(volume, kind)
            artist, title, album, genre, track_number = _Artist("", []), file_stem, None, None, None
        file_name = self._unique_file_name(volume, dir_parts, file_stem, extension)
        if not volume.decomposed and rng.random() < 0.01:
            # A file copied from a Mac: only its name arrived decomposed (seen in real Windows files).
            file_name = unicodedata.normalize("NFD", file_name)
        dir_text = encode_dir(dir_parts)
        file_text = encode_component(file_name)
        key = volume.name + dir_text + file_text

        analysed = kind != "music" or rng.random() < 0.9
        import_day = rng.randint(_EPOCH, _LAST_DAY - 30)
        playtime = rng.uniform(2.0, 30.0) if kind == "loop" else rng.uniform(95.0, 620.0)
        bpm = self._bpm(genre) if analysed else None
        musical_key = rng.randrange(24) if analysed and rng.random() < 0.9 else None
        locked = rng.random()

        children = [
            element(
                "LOCATION",
                {"DIR": dir_text, "FILE": file_text, "VOLUME": volume.name, "VOLUMEID": volume.volume_id},
            ),
        ]
        if album is not None or track_number is not None:
            children.append(self._album(album, track_number))
        children.append(element("MODIFICATION_INFO", {"AUTHOR_TYPE": "user" if rng.random() < 0.8 else "importer"}))
        children.append(self._info(extension, genre, analysed, musical_key, playtime, import_day, locked))
        cue_types: tuple[int, ...] = ()
        if bpm is not None:
            children.append(self._tempo(bpm))
            children.append(self._loudness())
        if musical_key is not None:
            children.append(element("MUSICAL_KEY", {"VALUE": str(musical_key)}))
        if kind == "loop":
            children.append(element("LOOPINFO", {"SAMPLE_TYPE_INFO": "1"}))
        if bpm is not None:
            cue_xml, cue_types = self._cues(bpm, playtime)
            children.extend(cue_xml)

        modified_day = rng.randint(import_day, _LAST_DAY)
        entry_attributes: dict[str, str | None] = {
            "MODIFIED_DATE": _date_text(modified_day),
            "MODIFIED_TIME": str(rng.randint(50, 86380)),
            "AUDIO_ID": base64.b64encode(rng.randbytes(258)).decode("ascii")
            if analysed and rng.random() < 0.95
            else None,
            "TITLE": title if rng.random() < 0.995 else None,
            "ARTIST": artist.name if artist.name and rng.random() < 0.96 else None,
        }
        if locked < 0.05:
            entry_attributes["LOCK"] = "1" if locked < 0.03 else "0"
            entry_attributes["LOCK_MODIFICATION_TIME"] = _lock_time(rng, import_day)
        return GeneratedTrack(
            xml=element("ENTRY", entry_attributes, children),
            key=key,
            volume=volume,
            dir_parts=dir_parts,
            file_name=file_name,
            genre=genre,
            cue_types=cue_types,
        )

    # -- names and places -------------------------------------------------------------------------

    def _title(self) -> str:
        rng = self._rng
        words = word_lists.TITLE_WORDS
        return rng.choice(word_lists.TITLE_PATTERNS).format(
            a=rng.choice(words), b=rng.choice(words), c=rng.choice(words)
        )

    def _music_location(
        self,
        volume: Volume,
        artist: str,
        album: str | None,
        genre: str | None,
        title: str,
        track_number: int | None,
    ) -> tuple[tuple[str, ...], str]:
        """Folders ``root/genre/artist/album`` (or a flat download folder) and a file stem."""
        rng = self._rng
        if album is not None and rng.random() < 0.75:
            parts: tuple[str, ...] = (genre or "Unsorted", artist, album)
        else:
            parts = (rng.choice(("Downloads", "Promos", genre or "Unsorted", "Vinyl Rips")),)
        stem = f"{artist} - {title}"
        if track_number is not None:
            stem = f"{track_number:02d} {stem}"
        return volume.root + tuple(volume.clean_component(part) for part in parts), stem

    def _traktor_location(self, volume: Volume, kind: str) -> tuple[tuple[str, ...], str]:
        """Traktor's own Samples and Recordings folders, with the date-stamped names Traktor gives them."""
        rng = self._rng
        when = dt.datetime.fromordinal(rng.randint(_EPOCH, _LAST_DAY)) + dt.timedelta(seconds=rng.randrange(86400))
        folder = "Samples" if kind == "loop" else "Recordings"
        label = rng.choice(word_lists.TITLE_WORDS) if kind == "loop" else "Recording"
        stem = f"{label} {when:%Y-%m-%d %H-%M-%S}"
        return (*volume.root, "Traktor", folder), volume.clean_component(stem)

    def _unique_file_name(self, volume: Volume, dir_parts: tuple[str, ...], stem: str, extension: str) -> str:
        """A file name no other entry uses in that folder, compared as a case-insensitive disk would."""
        stem = volume.clean_component(stem)
        folder = volume.name + "/".join(dir_parts).casefold()
        name = f"{stem}.{extension}"
        number = 1
        while (fold := unicodedata.normalize("NFC", f"{folder}/{name}".casefold())) in self._seen_keys:
            number += 1
            name = f"{stem} ({number}).{extension}"
        self._seen_keys.add(fold)
        return name

    def _album(self, album: str | None, track_number: int | None) -> str:
        rng = self._rng
        of_tracks = str(rng.randint(track_number, 16)) if track_number and rng.random() < 0.4 else None
        track = str(track_number) if track_number else None
        return element("ALBUM", {"OF_TRACKS": of_tracks, "TRACK": track, "TITLE": album})

    def _tempo(self, bpm: float) -> str:
        rng = self._rng
        coherence = fmt_float(bpm) if rng.random() < 0.08 else None  # written by older analysis only
        quality = "100.000000" if rng.random() < 0.95 else fmt_float(rng.choice((0.0, 50.0, 75.0)))
        return element("TEMPO", {"BPM_TRANSIENTCOHERENCE": coherence, "BPM": fmt_float(bpm), "BPM_QUALITY": quality})

    def _loudness(self) -> str:
        rng = self._rng
        perceived = rng.uniform(-9.0, 2.0)
        peak = rng.uniform(-3.0, 1.5)
        analysed = perceived if rng.random() < 0.9 else perceived + rng.uniform(-0.5, 0.5)
        return element(
            "LOUDNESS",
            {"PEAK_DB": fmt_float(peak), "PERCEIVED_DB": fmt_float(perceived), "ANALYZED_DB": fmt_float(analysed)},
        )

    # -- tags and analysis ------------------------------------------------------------------------

    def _bpm(self, genre: str | None) -> float:
        low, high = _BPM_RANGES.get(genre or "", (100.0, 130.0))
        return self._rng.uniform(low, high)

    def _info(
        self,
        extension: str,
        genre: str | None,
        analysed: bool,
        musical_key: int | None,
        playtime: float,
        import_day: int,
        locked: float,
    ) -> str:
        rng = self._rng
        bitrate = _bitrate(rng, extension)
        play_count = rng.randint(1, 60) if rng.random() < 0.35 else None
        remixed = rng.random() < 0.12
        flags = (
            (0x04 | (0x08 if musical_key is not None else 0) | (0x02 if rng.random() < 0.3 else 0))
            if analysed
            else rng.choice((0, 2))
        )
        if locked < 0.03:
            flags |= 0x10
        ranking_draw = rng.random()
        if ranking_draw < 0.4:
            ranking: str | None = str(rng.choice(_STANDARD_RANKINGS))
        elif ranking_draw < 0.41:
            ranking = str(rng.choice(_ODD_RANKINGS))
        else:
            ranking = None
        release_draw = rng.random()
        release: str | None = None
        if release_draw < 0.55:
            year = rng.randint(1972, 2026)
            release = f"{year}/{rng.randint(1, 12)}/{rng.randint(1, 28)}" if release_draw < 0.4 else f"{year}/1/1"
        return element(
            "INFO",
            {
                "BITRATE": str(bitrate) if analysed else None,
                "GENRE": genre,
                "LABEL": rng.choice(word_lists.LABELS) if rng.random() < 0.45 else None,
                "COMMENT": rng.choice(word_lists.COMMENTS) if rng.random() < 0.25 else None,
                "KEY_LYRICS": "oh-oh, feel the night" if rng.random() < 0.01 else None,
                "RATING": rng.choice(word_lists.COMMENTS_2) if rng.random() < 0.10 else None,
                "REMIXER": f"{rng.choice(word_lists.ARTIST_FIRST)}" if remixed else None,
                "PRODUCER": rng.choice(word_lists.ARTIST_FIRST) if rng.random() < 0.06 else None,
                "COVERARTID": f"{rng.randrange(1000):03d}/{_cover_hash(rng)}" if rng.random() < 0.3 else None,
                "MIX": ("Remix" if remixed else rng.choice(word_lists.MIXES))
                if remixed or rng.random() < 0.2
                else None,
                "CATALOG_NO": f"{rng.choice(('LNT', 'NSA', 'CST', 'ORB'))}{rng.randint(1, 999):03d}"
                if rng.random() < 0.2
                else None,
                "KEY": _key_text(rng, musical_key, analysed),
                "PLAYCOUNT": str(play_count) if play_count else None,
                "PLAYTIME": str(int(playtime) + 1) if analysed else None,
                "PLAYTIME_FLOAT": fmt_float(playtime) if analysed and rng.random() < 0.7 else None,
                "RANKING": ranking,
                "IMPORT_DATE": _date_text(import_day),
                "LAST_PLAYED": _date_text(rng.randint(import_day, _LAST_DAY)) if play_count else None,
                "RELEASE_DATE": release,
                "FLAGS": str(flags),
                "FILESIZE": str(int(bitrate * playtime / 8 / 1024) + rng.randint(4, 900)),
                "COLOR": rng.choice(_TRACK_COLOURS) if rng.random() < 0.08 else None,
            },
        )

    # -- cue points -------------------------------------------------------------------------------

    def _cues(self, bpm: float, playtime: float) -> tuple[list[str], tuple[int, ...]]:
        """About three cues per track: a grid marker, hot cues on free pads, loops, now and then fades."""
        rng = self._rng
        beat = 60_000.0 / bpm
        length_ms = playtime * 1000.0
        phrase = beat * 16
        phase = rng.uniform(0.0, beat)
        cues: list[tuple[int, float, float, int, str]] = []  # (type, start, len, hotcue, name)
        free_pads = list(range(8))
        if rng.random() < 0.92:
            grid_pad = 0 if rng.random() < 0.15 else -1  # "Store Beatmarker as Hotcue"
            if grid_pad == 0:
                free_pads.remove(0)
            cues.append((4, phase, 0.0, grid_pad, "AutoGrid"))
        phrases = max(1, int((length_ms - phase) // phrase))
        for _ in range(min(len(free_pads), rng.choice((0, 0, 0, 1, 1, 1, 2, 2, 2, 3, 4, 8)))):
            pad = free_pads.pop(rng.randrange(len(free_pads)))
            name = rng.choice(word_lists.CUE_NAMES) if rng.random() < 0.25 else "n.n."
            kind = 3 if rng.random() < 0.04 else 0
            cues.append((kind, phase + phrase * rng.randrange(phrases), 0.0, pad, name))
        for _ in range(rng.choice((0, 0, 0, 0, 0, 1, 1, 2))):
            pad = free_pads.pop(rng.randrange(len(free_pads))) if free_pads and rng.random() < 0.7 else -1
            start = phase + phrase * rng.randrange(phrases)
            loop_length = min(beat * rng.choice((1, 2, 4, 8, 16, 32)), max(beat, length_ms - start))
            cues.append((5, start, loop_length, pad, "n.n."))
        if rng.random() < 0.05:
            cues.append((1, phase, 0.0, -1, "n.n."))
        if rng.random() < 0.05:
            cues.append((2, max(phase, length_ms - phrase * 2), 0.0, -1, "n.n."))
        if rng.random() < 0.04:
            cues.append((3, phase + phrase, 0.0, -1, "n.n."))
        if self._version >= 20 and cues and cues[0][0] == 4 and phrases > 1 and self._extras.random() < 0.03:
            # Traktor 4 flexible grid: more beat markers further in, each with its own tempo.
            for _ in range(self._extras.randint(1, 2)):
                cues.append((4, phase + phrase * self._extras.randrange(1, phrases), 0.0, -1, "Beat Marker"))

        cues.sort(key=lambda cue: cue[1])  # Traktor lists a track's cues by position
        xml: list[str] = []
        for cue_type, start, length, hotcue, name in cues:
            attributes = {
                "NAME": name,
                "DISPL_ORDER": "0",
                "TYPE": str(cue_type),
                "START": fmt_float(start),
                "LEN": fmt_float(length),
                "REPEATS": "-1",
                "HOTCUE": str(hotcue),
            }
            grid: list[str] = []
            if self._version >= 20:
                if hotcue >= 0 and cue_type != 4:
                    attributes["COLOR"] = self._extras.choice(_CUE_COLOURS)
                if cue_type == 4:
                    grid_bpm = bpm if name == "AutoGrid" else bpm + self._extras.uniform(-2.0, 2.0)
                    grid.append(element("GRID", {"BPM": fmt_float(grid_bpm)}))
            xml.append(element("CUE_V2", attributes, grid))
        return xml, tuple(cue[0] for cue in cues)


def _bitrate(rng: random.Random, extension: str) -> int:
    if extension == "mp3":
        return (
            rng.choice((320000, 320000, 320000, 256000, 192000, 128000))
            if rng.random() < 0.9
            else rng.randrange(160000, 310000, 8)
        )
    if extension == "m4a":
        return rng.choice((256000, 320000))
    if extension == "flac":
        return rng.randrange(700000, 1100000, 8)
    return 1411200 if rng.random() < 0.9 else 2116800


def _key_text(rng: random.Random, musical_key: int | None, analysed: bool) -> str | None:
    """INFO KEY: Open Key from Traktor's analysis mostly; tag-written Camelot or musical names on some."""
    if musical_key is None:
        # Untouched by analysis: some tags still carry a key.
        return key_text.musical(rng.randrange(24)) if not analysed and rng.random() < 0.2 else None
    draw = rng.random()
    if draw < 0.12:
        return None
    if draw < 0.80:
        return key_text.open_key(musical_key)
    if draw < 0.90:
        return key_text.camelot(musical_key)
    return key_text.musical(musical_key)


def _cover_hash(rng: random.Random) -> str:
    return "".join(rng.choices("ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789", k=28))


def _date_text(ordinal: int) -> str:
    """Traktor's date style: ``Y/M/D`` without zero padding."""
    day = dt.date.fromordinal(ordinal)
    return f"{day.year}/{day.month}/{day.day}"


def _lock_time(rng: random.Random, day: int) -> str:
    """LOCK_MODIFICATION_TIME: an ISO timestamp without zone (``2021-03-04T12:13:14``)."""
    moment = dt.datetime.fromordinal(day) + dt.timedelta(seconds=rng.randrange(86400))
    return moment.strftime("%Y-%m-%dT%H:%M:%S")
