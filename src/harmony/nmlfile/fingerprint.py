"""The fingerprint of a collection.nml as it was read: path, size, modification time and SHA-256.

An import records it and an export compares it, so Harmony can tell whether Traktor saved the file since.
:class:`NmlFingerprint` is a plain value: the import plan and the library's sync state carry it."""

from __future__ import annotations

import hashlib
import os
import threading
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from harmony.background import Background, started
from harmony.errors import NMLError
from harmony.nml import read_collection_file

__all__ = [
    "NmlFingerprint",
    "TornReadError",
    "changed_on_disk",
    "fingerprint_of",
    "read_fingerprinting",
    "read_with_fingerprint",
]


@dataclass(frozen=True, slots=True)
class NmlFingerprint:
    """One state of a collection.nml file, to tell whether it changed since it was read or written."""

    path: str
    size: int
    mtime_ns: int
    sha256: str


class TornReadError(NMLError):
    """The file changed while it was being read (Traktor saving it): the bytes read are not one version of it."""


def fingerprint_of(path: Path, data: bytes, stat: os.stat_result) -> NmlFingerprint:
    """The fingerprint of ``data``, read from ``path`` whose state before the read was ``stat``."""
    return NmlFingerprint(str(path), stat.st_size, stat.st_mtime_ns, hashlib.sha256(data).hexdigest())


def read_with_fingerprint(path: Path) -> tuple[bytes, NmlFingerprint]:
    """Read the whole file and fingerprint exactly those bytes (:func:`read_fingerprinting`, waited for)."""
    data, fingerprint = read_fingerprinting(path)
    return data, fingerprint.result()


def read_fingerprinting(path: Path) -> tuple[bytes, Background[NmlFingerprint]]:
    """Read the whole file; its fingerprint, of exactly those bytes, is taken meanwhile on a thread (``result()``
    waits for it). hashlib lets go of the interpreter while it hashes a big buffer, so the caller can parse the
    same bytes meanwhile on another core: at 100,000 tracks the hash is 0.13 s of an import's or export's read.

    The size and time are taken before the read and checked after it: a file Traktor rewrote half-way through
    our read is refused rather than planned from (a torn read would look like a collection that lost
    tracks)."""
    data, before = read_collection_file(path)  # refuses what cannot be a collection, before reading it all
    try:
        after = path.stat()
    except OSError as error:
        raise TornReadError(f"{path} changed while it was being read ({error.strerror or error}); try again") from None
    if (before.st_size, before.st_mtime_ns) != (after.st_size, after.st_mtime_ns) or len(data) != after.st_size:
        raise TornReadError(f"{path} changed while it was being read (is Traktor saving it?); try again")
    return data, started("harmony-fingerprint", fingerprint_of, path, data, after)


def changed_on_disk(known: NmlFingerprint | None, path: Path) -> datetime | None:
    """When the file at ``path`` was saved (UTC, naive, as the library keeps times), if it no longer holds what
    ``known`` describes: Traktor saved changes, or something else replaced it, since Harmony last read or wrote it.
    None when it holds those bytes, when nothing is known yet (no sync ever ran) or when there is no file.

    A ``stat`` first: the size and time an import records. Traktor rewrites its collection when it quits, with
    the same bytes when nothing changed: a file of the same size saved again is hashed (once per save, see
    :func:`_same_bytes`) so that it does not ask for a sync that would find nothing to do."""
    if known is None:
        return None
    try:
        now = path.stat()
    except OSError:
        return None
    same_file = os.path.realpath(known.path) == os.path.realpath(path)
    same_size = same_file and now.st_size == known.size
    if same_size and (now.st_mtime_ns == known.mtime_ns or _same_bytes(path, now, known.sha256)):
        return None
    return datetime.fromtimestamp(now.st_mtime_ns / 1e9, UTC).replace(tzinfo=None)


#: The last answer of :func:`_same_bytes`: (path, size, times, inode, hash compared with) -> whether they matched.
#: The pages ask the status whenever the DJ comes back to them; a 150 MB file is read and hashed once per save.
#: The change time and inode are in the key as well as the modification time: a USB drive's FAT keeps that to
#: 2 s, and two saves of one size within them must not share an answer (where the OS gives them: on Windows the
#: "change time" is the creation time and the inode may be 0).
_last_compared: dict[tuple[str, int, int, int, int, str], bool] = {}
_compared_lock = threading.Lock()  # the status is asked on several threads at once


def _same_bytes(path: Path, stat: os.stat_result, sha256: str) -> bool:
    """Whether the file (as ``stat`` found it) hashes to ``sha256``; a file that cannot be read, or that changes
    while it is read, is not the same."""
    key = (str(path), stat.st_size, stat.st_mtime_ns, stat.st_ctime_ns, stat.st_ino, sha256)
    with _compared_lock:  # one hash per save, however many pages ask at once
        known = _last_compared.get(key)
        if known is not None:
            return known
        try:
            with open(path, "rb") as file:  # hashed as it streams by: the web app's memory stays flat
                digest = hashlib.file_digest(file, "sha256").hexdigest()
            after = path.stat()
        except OSError:
            return False
        same = digest == sha256 and (after.st_size, after.st_mtime_ns, after.st_ctime_ns, after.st_ino) == key[1:5]
        _last_compared.clear()
        _last_compared[key] = same
        return same
