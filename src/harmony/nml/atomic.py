"""Writing a file so that a crash at any instant leaves either the old file or the complete new one.

:func:`write_atomically` does it in one call. The export's safe write (:mod:`harmony.nmlfile.safe_write`) needs
to check the temporary file between writing and replacing, so the three steps are also public:
:func:`write_temporary`, :func:`replace_with` and :func:`fsync_folder`.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Iterable
from pathlib import Path

from harmony.errors import NMLError

TEMPORARY_SUFFIX = ".tmp"
"""Temporary files are named ``.<target name>.<random>.tmp`` beside the target (see :func:`temporary_prefix`)."""


def temporary_prefix(target: str | os.PathLike[str]) -> str:
    """The name every temporary file for ``target`` starts with: hidden, and naming the file it stands in for."""
    return f".{Path(target).name}."


def write_atomically(path: str | os.PathLike[str], chunks: Iterable[bytes | memoryview]) -> None:
    """Write ``chunks`` to ``path`` through a temporary file in the same folder: write, flush, fsync,
    ``os.replace``, then fsync the folder so the rename itself survives a power cut.

    The new file gets the old file's permission bits. On any failure the temporary file is removed and the
    original file is left exactly as it was.
    """
    target = Path(path)
    temporary = write_temporary(target, chunks)
    replace_with(temporary, target)
    fsync_folder(_folder_of(target))


def write_temporary(path: str | os.PathLike[str], chunks: Iterable[bytes | memoryview]) -> Path:
    """Write ``chunks`` to a new temporary file in ``path``'s folder, flushed and fsynced, and return its path.

    The target itself is not touched. On failure the temporary file is removed and :class:`NMLError` raised
    (any other exception, such as a cancellation raised by ``chunks``, passes through after the clean-up)."""
    target = Path(path)
    folder = _folder_of(target)
    try:
        descriptor, name = tempfile.mkstemp(prefix=temporary_prefix(target), suffix=TEMPORARY_SUFFIX, dir=folder)
    except OSError as error:
        raise NMLError(f"cannot write into {folder}: {error.strerror or error}") from error
    temporary = Path(name)
    try:
        with os.fdopen(descriptor, "wb") as handle:
            for chunk in chunks:
                handle.write(chunk)
            handle.flush()
            os.fsync(handle.fileno())
    except BaseException as error:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temporary)
        if isinstance(error, OSError):
            raise NMLError(f"cannot write {target}: {error.strerror or error}") from error
        raise
    return temporary


def replace_with(temporary: str | os.PathLike[str], path: str | os.PathLike[str]) -> None:
    """Give the temporary file the target's permission bits and rename it over the target in one step.

    On failure the temporary file is removed, the target is left as it was and :class:`NMLError` raised."""
    target = Path(path)
    try:
        with contextlib.suppress(FileNotFoundError):
            os.chmod(temporary, target.stat().st_mode & 0o7777)
        os.replace(temporary, target)
    except BaseException as error:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temporary)
        if isinstance(error, OSError):
            raise NMLError(f"cannot write {target}: {error.strerror or error}") from error
        raise


def fsync_folder(folder: str | os.PathLike[str]) -> None:
    """Flush a folder's entries (a rename, a new file) to disk, so they survive a power cut."""
    if os.name != "posix":  # Windows cannot open a folder for fsync; NTFS journals the rename
        return
    descriptor = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


def _folder_of(target: Path) -> Path:
    return target.parent if str(target.parent) else Path(".")
