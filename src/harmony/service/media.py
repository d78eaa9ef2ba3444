"""The player's media: a library track's audio file (or a copy a browser can play), its overview waveform and
its embedded cover art.

Only the file of a track in the library is ever read: the caller names a track id, never a path. Files are
only read; a format the browser cannot play (AIFF, ALAC in M4A, …) is decoded into a 16-bit FLAC copy, and
waveforms are measured, on the sync pool (:mod:`harmony.jobs.waveform`). Both results are kept in the user's
cache folder (``platformdirs.user_cache_dir("harmony")``), each kind under its own size bound: the least
recently used entries are removed first. A cache entry is named after the file's path, size and modification
time, so an edited file is measured again.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import logging
import os
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from harmony.errors import HarmonyError
from harmony.jobs import compute_waveform, transcode_for_browser
from harmony.library import Library, NotFoundError
from harmony.service.cache_folder import default_cache_dir
from harmony.sync import MIN_AUDIO_BYTES
from harmony.words import plural
from harmony.workers import Job, WorkerManager

__all__ = ["BROWSER_TYPES", "MediaCache", "MediaService", "PlayableAudio", "UnreadableAudioError", "default_cache_dir"]


class UnreadableAudioError(HarmonyError):
    """The track's file is there, but its audio cannot be decoded (a damaged or placeholder file, an unknown
    format): said plainly instead of failing inside the worker."""


async def _decoded(manager: WorkerManager, job: Job, path: Path) -> Any:
    """Run a decoding ``job`` on the pool; a file the decoder refuses becomes :class:`UnreadableAudioError`."""
    import av

    try:
        return await manager.execute_sync(job)
    except (av.FFmpegError, ValueError) as error:
        # FFmpeg's own words without its error number and the full path ("[Errno 1094995529] …: '/…'").
        detail = str(getattr(error, "strerror", None) or error)
        raise UnreadableAudioError(
            f"Harmony cannot read the audio of {path.name}: {detail.rstrip('.')}. "
            "The file may be damaged, or not audio."
        ) from error


log = logging.getLogger(__name__)

#: Extensions a browser plays as they are, and the media type each is served with. M4A is here for AAC; an
#: ALAC one is found out by its codec and converted.
BROWSER_TYPES: dict[str, str] = {
    ".mp3": "audio/mpeg",
    ".m4a": "audio/mp4",
    ".mp4": "audio/mp4",
    ".aac": "audio/aac",
    ".flac": "audio/flac",
    ".wav": "audio/wav",
    ".ogg": "audio/ogg",
    ".oga": "audio/ogg",
    ".opus": "audio/ogg",
    ".webm": "audio/webm",
}
_MP4 = {".m4a", ".mp4"}

#: The cache's size bounds: converted audio is big (about 30 MB for six minutes of FLAC), waveforms small.
AUDIO_CACHE_BYTES = 2 * 1024**3
WAVEFORM_CACHE_BYTES = 64 * 1024**2
#: Bumped when the waveform's shape changes, so older cached ones are not served.
WAVEFORM_VERSION = 1


@dataclass(frozen=True, slots=True)
class PlayableAudio:
    """What the audio endpoint serves: a file and its media type."""

    path: Path
    media_type: str


class MediaCache:
    """A folder of files with a size bound; the least recently used go first."""

    def __init__(self, folder: Path, max_bytes: int) -> None:
        self.folder = folder
        self.max_bytes = max_bytes

    def path_for(self, source: Path, stat: os.stat_result, suffix: str, version: int = 1) -> Path:
        text = f"{source}\0{stat.st_size}\0{stat.st_mtime_ns}\0{version}"
        return self.folder / (hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()[:32] + suffix)

    def hit(self, path: Path) -> bool:
        """Whether ``path`` is cached; a hit counts as a use (its time is refreshed)."""
        try:
            os.utime(path)
        except OSError:
            return False
        return True

    def trim(self) -> None:
        """Remove the least recently used entries until the folder fits its bound."""
        entries = []
        for entry in os.scandir(self.folder):
            if entry.is_file() and not entry.name.endswith(".part"):
                info = entry.stat()
                entries.append((info.st_mtime, info.st_size, entry.path))
        used = sum(size for _, size, _ in entries)
        for _, size, path in sorted(entries):
            if used <= self.max_bytes:
                break
            try:
                os.unlink(path)
                used -= size
            except OSError:
                log.warning("could not remove cached %s", path)


def _needs_conversion(path: Path) -> bool:
    suffix = path.suffix.lower()
    if suffix not in BROWSER_TYPES:
        return True
    if suffix in _MP4:
        from mutagen.mp4 import MP4, MP4StreamInfoError

        try:
            codec = str(getattr(MP4(path).info, "codec", ""))  # type: ignore[no-untyped-call]
        except (MP4StreamInfoError, OSError, ValueError):
            return True  # unreadable as MP4: let FFmpeg decode whatever it is
        return not codec.startswith("mp4a")
    return False


class MediaService:
    """Finds a track's file and serves what the player needs from it, working on the sync pool."""

    def __init__(
        self,
        read: Callable[[Callable[[Library], Any]], Awaitable[Any]],
        manager: WorkerManager,
        cache_dir: Path | None = None,
        *,
        budget: float | None = None,
    ) -> None:
        self._read = read
        self._manager = manager
        root = cache_dir or default_cache_dir()
        self.audio_cache = MediaCache(root / "audio", AUDIO_CACHE_BYTES)
        self.waveform_cache = MediaCache(root / "waveforms", WAVEFORM_CACHE_BYTES)
        self._budget = budget
        self._running: dict[Path, asyncio.Future[Any]] = {}

    async def track_file(self, track_id: int) -> tuple[Path, os.stat_result]:
        """The audio file of library track ``track_id`` and its status; :class:`NotFoundError` when the track
        is not in the library or its file is not where the library says."""
        detail = await self._read(lambda library: library.get_track(track_id))
        path = Path(detail.track.values.path)

        def look() -> os.stat_result | None:
            try:
                found = path.stat()
            except OSError:
                return None
            return found if path.is_file() else None

        found = await asyncio.to_thread(look)
        if found is None:
            raise NotFoundError(
                f"The audio file of this track is missing: {path}. Reconnect its drive, or relocate the track."
            )
        return path, found

    async def audio_file(self, track_id: int) -> tuple[Path, os.stat_result]:
        """:meth:`track_file`, refusing a file too small to hold any audio with :class:`UnreadableAudioError`
        (a placeholder, an empty or unfinished copy): FFmpeg's words for it ("Invalid data found") and the
        browser's ("may be damaged") left the DJ guessing."""
        path, found = await self.track_file(track_id)
        if found.st_size < MIN_AUDIO_BYTES:
            raise UnreadableAudioError(
                f"{path.name} holds no audio: the file is only {plural(found.st_size, 'byte')} "
                "(a placeholder, or an empty or unfinished copy)."
            )
        return path, found

    async def _once(self, target: Path, make: Callable[[], Awaitable[Any]]) -> Any:
        """Run ``make`` once for ``target`` even when several requests ask for it at the same time."""
        running = self._running.get(target)
        if running is None:
            running = asyncio.ensure_future(make())
            self._running[target] = running
            running.add_done_callback(lambda _: self._running.pop(target, None))
        return await asyncio.shield(running)

    async def playable(self, track_id: int) -> PlayableAudio:
        """The file to play for track ``track_id``: its own, or a cached FLAC copy of a format the browser
        cannot play (converted now when it is not cached)."""
        path, found = await self.audio_file(track_id)
        if not await asyncio.to_thread(_needs_conversion, path):
            return PlayableAudio(path, BROWSER_TYPES[path.suffix.lower()])
        target = self.audio_cache.path_for(path, found, ".flac")
        if not await asyncio.to_thread(self.audio_cache.hit, target):

            async def convert() -> None:
                await asyncio.to_thread(target.parent.mkdir, parents=True, exist_ok=True)
                job = Job(transcode_for_browser, (str(path), str(target)), timeout=self._budget)
                await _decoded(self._manager, job, path)
                await asyncio.to_thread(self.audio_cache.trim)

            await self._once(target, convert)
        return PlayableAudio(target, "audio/flac")

    async def waveform(self, track_id: int) -> dict[str, Any]:
        """``{"duration_ms", "sample_rate", "peaks": [0–255, …]}`` of track ``track_id`` (see
        :class:`harmony.jobs.waveform.Waveform`), from the cache or measured now."""
        path, found = await self.audio_file(track_id)
        target = self.waveform_cache.path_for(path, found, ".json", WAVEFORM_VERSION)

        def cached() -> dict[str, Any] | None:
            if not self.waveform_cache.hit(target):
                return None
            try:
                data: dict[str, Any] = json.loads(target.read_text("utf-8"))
            except (OSError, ValueError):
                return None
            return data

        data = await asyncio.to_thread(cached)
        if data is not None:
            return data

        async def measure() -> dict[str, Any]:
            job = Job(compute_waveform, (str(path),), timeout=self._budget)
            result = await _decoded(self._manager, job, path)
            body = {"duration_ms": result.duration_ms, "sample_rate": result.sample_rate, "peaks": list(result.peaks)}

            def store() -> None:
                target.parent.mkdir(parents=True, exist_ok=True)
                part = target.with_suffix(f".{os.getpid()}.part")
                part.write_text(json.dumps(body, separators=(",", ":")), "utf-8")
                os.replace(part, target)
                self.waveform_cache.trim()

            await asyncio.to_thread(store)
            return body

        result: dict[str, Any] = await self._once(target, measure)
        return result

    async def cover(self, track_id: int) -> tuple[bytes, str] | None:
        """The track's embedded picture (the front cover when it says which) and its media type, or None."""
        path, _ = await self.track_file(track_id)
        return await asyncio.to_thread(embedded_cover, path)


def embedded_cover(path: Path) -> tuple[bytes, str] | None:
    """The first front cover (else the first picture) embedded in ``path``'s tags, read with mutagen."""
    import mutagen
    from mutagen.flac import Picture
    from mutagen.mp4 import MP4Cover

    try:
        audio = mutagen.File(path)
    except Exception:  # mutagen raises many kinds for a damaged file; no cover is the honest answer
        log.info("could not read the tags of %s", path, exc_info=True)
        return None
    if audio is None:
        return None
    pictures: list[tuple[bytes, str, bool]] = []
    for picture in getattr(audio, "pictures", None) or []:  # FLAC
        pictures.append((picture.data, picture.mime or "image/jpeg", picture.type == 3))
    tags = audio.tags
    if tags is not None:
        for key in list(tags.keys()):
            value = tags[key]
            if str(key).startswith("APIC"):  # ID3 (MP3, AIFF, WAV)
                pictures.append((value.data, value.mime or "image/jpeg", value.type == 3))
            elif key == "covr":  # MP4
                for cover in value:
                    mime = "image/png" if cover.imageformat == MP4Cover.FORMAT_PNG else "image/jpeg"
                    pictures.append((bytes(cover), mime, True))
            elif str(key).lower() == "metadata_block_picture":  # Ogg
                import base64

                for text in value:
                    picture = Picture(base64.b64decode(text))  # type: ignore[no-untyped-call]
                    pictures.append((picture.data, picture.mime or "image/jpeg", picture.type == 3))
    if not pictures:
        return None
    front = [p for p in pictures if p[2]]
    data, mime, _ = (front or pictures)[0]
    return data, mime
