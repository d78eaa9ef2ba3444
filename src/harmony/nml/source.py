"""Opening a collection file: the one place that decides whether a path can be read as a collection.nml.

Every command and endpoint that takes a collection path comes through here (``nml.load``, the import and export
jobs through :func:`~harmony.nmlfile.read_with_fingerprint`, the settings, the backups and the web app's
badges), so a path the operating system refuses (a name too long, a NUL character, no permission), or one
that is not a regular file (a folder, a device, a FIFO that would block the read forever, a socket), is the DJ's
error everywhere, with the same one-line reason.

Reading is bounded: the size is checked against :data:`~harmony.nml.limits.MAX_COLLECTION_BYTES` before a byte
is read, the first bytes must look like XML, and the file is streamed once through a small buffer looking for
NUL bytes (which XML never holds, and which pad damaged files) before it is read whole. So 2 GB of zeros, or a
collection padded with NULs to 2 GB, is refused in milliseconds and with a few megabytes of memory.
"""

from __future__ import annotations

import errno
import os
import stat
from pathlib import Path
from typing import Final

from harmony.errors import NMLError
from harmony.nml.limits import check_collection_size
from harmony.nml.scan import UTF8_BOM, check_xml_start

__all__ = ["CollectionPathError", "check_collection_path", "read_collection_file", "shown_path"]

_CHUNK: Final = 1 << 20
_NOT_FILE: Final = {
    stat.S_IFDIR: "a folder",
    stat.S_IFIFO: "a FIFO (named pipe)",
    stat.S_IFCHR: "a device",
    stat.S_IFBLK: "a device",
    stat.S_IFSOCK: "a socket",
}
_REASONS: Final = {
    errno.ENOENT: "does not exist",
    errno.ENAMETOOLONG: "has a name too long for the file system",
    errno.EACCES: "cannot be read: permission denied",
    errno.EPERM: "cannot be read: permission denied",
    errno.ENOTDIR: "does not exist (a part of the path is a file, not a folder)",
    errno.ELOOP: "cannot be opened: too many symbolic links",
}


class CollectionPathError(NMLError):
    """A path that cannot be read as a collection file. ``kind`` says why: ``missing`` (nothing there, or a name
    no file can have), ``forbidden`` (no permission), ``not_a_file`` (a folder, a device, a FIFO, a socket) or
    ``refused`` (anything else the OS refuses)."""

    def __init__(self, message: str, kind: str = "refused") -> None:
        super().__init__(message)
        self.kind = kind

    def __reduce__(self) -> tuple[object, ...]:  # it travels from the workers by pickle
        return (CollectionPathError, (str(self), self.kind))

    @property
    def missing(self) -> bool:
        return self.kind == "missing"


_KINDS: Final = {
    errno.ENOENT: "missing",
    errno.ENOTDIR: "missing",
    errno.ENAMETOOLONG: "missing",
    errno.EACCES: "forbidden",
    errno.EPERM: "forbidden",
}


def shown_path(path: str | os.PathLike[str]) -> str:
    """``path`` as a one-line message shows it: a long one cut in the middle, with its length."""
    text = os.fspath(path)
    return text if len(text) <= 120 else f"{text[:60]}…{text[-40:]} ({len(text):,} characters)"


def _os_error(path: str | os.PathLike[str], error: OSError) -> CollectionPathError:
    reason = _REASONS.get(error.errno or 0) or f"cannot be read: {error.strerror or error}"
    return CollectionPathError(f"{shown_path(path)} {reason}", _KINDS.get(error.errno or 0, "refused"))


def _kind_error(path: str | os.PathLike[str], mode: int) -> CollectionPathError | None:
    if stat.S_ISREG(mode):
        return None
    kind = _NOT_FILE.get(stat.S_IFMT(mode), "not a regular file")
    return CollectionPathError(f"{shown_path(path)} is {kind}, not a collection.nml file", "not_a_file")


def check_collection_path(path: str | os.PathLike[str], *, must_exist: bool = True) -> Path:
    """``path`` as a :class:`Path` if it names a regular file (or, with ``must_exist=False``, nothing yet);
    else :class:`CollectionPathError` with the reason in one line. Never opens the file."""
    text = os.fspath(path)
    if not text:
        raise CollectionPathError("the collection path is empty")
    if "\x00" in text:
        raise CollectionPathError("a collection path cannot contain a NUL character")
    try:
        mode = os.stat(text).st_mode
    except FileNotFoundError:
        if must_exist:
            raise _os_error(text, FileNotFoundError(errno.ENOENT, "")) from None
        return Path(text)
    except OSError as error:
        raise _os_error(text, error) from None
    except ValueError as error:  # e.g. a path the platform cannot encode
        raise CollectionPathError(f"{shown_path(text)} is not a valid path: {error}") from None
    refused = _kind_error(text, mode)
    if refused is not None:
        raise refused
    return Path(text)


def read_collection_file(path: str | os.PathLike[str]) -> tuple[bytes, os.stat_result]:
    """The bytes of the collection file at ``path`` and its state before the read.

    Refuses, each in one line: a path the OS refuses or that is not a regular file, a file larger than the
    stated limit, a file that does not start like XML, and a file holding NUL bytes (found while streaming
    through a small buffer, before the file is read whole)."""
    check_collection_path(path)
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0)
    try:
        descriptor = os.open(path, flags)  # non-blocking: a FIFO put there since the check cannot hang us
    except OSError as error:
        raise _os_error(path, error) from None
    with os.fdopen(descriptor, "rb", buffering=0) as file:
        try:
            before = os.fstat(descriptor)
            refused = _kind_error(path, before.st_mode)
            if refused is not None:
                raise refused
            check_collection_size(before.st_size)
            _check_stream(file)
            file.seek(0)
            data = file.read()
        except OSError as error:
            raise _os_error(path, error) from None
    if not isinstance(data, bytes):  # a non-blocking read with nothing to give; cannot happen for a regular file
        raise CollectionPathError(f"{shown_path(path)} cannot be read right now; try again")
    check_collection_size(len(data))  # it may have grown since the check
    return data, before


def _check_stream(file: object) -> None:
    """Stream the file once through a small buffer: it must start like XML and hold no NUL byte."""
    read = file.read  # type: ignore[attr-defined]
    first = True
    offset = 0
    while True:
        chunk = read(_CHUNK)
        if not chunk:
            return
        if first:
            check_xml_start(chunk[len(UTF8_BOM) :] if chunk.startswith(UTF8_BOM) else chunk)
            first = False
        nul = chunk.find(b"\x00")
        if nul >= 0:
            raise NMLError(
                f"the collection file holds a NUL byte at offset {offset + nul:,}, which XML never contains; "
                "the file is damaged (part of it may be zeros)"
            )
        offset += len(chunk)
