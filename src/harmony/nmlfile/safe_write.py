"""Writing a new collection.nml so that nothing (a crash, a power cut, Traktor, a second export) can cost the
DJ their collection.

:func:`write_collection` goes through these steps (3–4 on a thread, beside 5–6: see ``docs/export.md``); each
failure names its step, and every failure before ``replace`` leaves the file exactly as it was:

1. ``check Traktor``: refuse while Traktor runs (it rewrites the file when it quits); ``force`` goes on with a
   warning.
2. ``lock``: one writer per file, in this process and across processes (:mod:`harmony.nmlfile.lock`).
3. ``check unchanged``: the file is still the one the export was planned from (size, mtime and SHA-256 of
   ``expected``); if Traktor saved it since, the plan is stale: import first.
4. ``back up``: a copy of exactly the bytes just checked, in ``Backup/Harmony/``; the backups are pruned to
   ``keep`` once the new file is in place. A write that does not happen deletes its backup again while the
   file is still the bytes it copied, and prunes none.
5. ``write temporary file``: the new bytes into a temporary file in the same folder, flushed and fsynced.
6. ``verify``: the temporary file re-read from disk, streamed: well-formed XML throughout (libxml2), a
   collection (its skeleton loaded), with the expected counts of tracks and playlists; its SHA-256 is taken
   from the same read, so the fingerprint returned is of the bytes on disk.
7. ``replace``: the file's size and time are checked once more, then ``os.replace`` swaps in the new file in
   one atomic step.
8. ``fsync folder``: the rename itself is flushed, so it survives a power cut.
"""

from __future__ import annotations

import contextlib
import filecmp
import hashlib
import logging
import os
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from harmony.background import started
from harmony.errors import NMLError
from harmony.nml import TEMPORARY_SUFFIX, fsync_folder, replace_with, temporary_prefix, write_temporary
from harmony.nmlfile.backups import DEFAULT_KEEP, backup_folder, prune_backups, write_backup
from harmony.nmlfile.errors import BackupError, NmlChangedError, SafeWriteError, TraktorRunningError
from harmony.nmlfile.fingerprint import NmlFingerprint
from harmony.nmlfile.lock import DEFAULT_LOCK_TIMEOUT, nml_lock
from harmony.nmlfile.readback import read_back
from harmony.nmlfile.target import real_collection_path
from harmony.nmlfile.traktor_process import TraktorProcess, running_traktor
from harmony.progress import ProgressReporter

logger = logging.getLogger(__name__)

__all__ = ["PHASE", "STEPS", "Counts", "WriteResult", "remove_stale_temp_files", "write_collection"]

PHASE = "writing"
"""The progress phase every report of the write carries."""

STEPS = (
    "check Traktor",
    "lock",
    "check unchanged",
    "back up",
    "write temporary file",
    "verify",
    "replace",
    "fsync folder",
)
"""The steps of the safe write, in order, as :attr:`SafeWriteError.step` names them."""

Counts = tuple[int, int]
"""``(tracks, playlists)``: ``len(collection.tracks)`` and the PLAYLIST nodes as ``summarize`` counts them."""

Payload = bytes | Sequence[bytes | memoryview]
"""The new file: its bytes, or its pieces in order (``Collection.chunks()`` as a list: never joined, so a big
collection is not held twice in memory)."""

# The size of the pieces files are read and hashed in: big enough for full disk speed, small in memory.
_PIECE = 1 << 20

# mkstemp's random part: 8 characters from [a-z0-9_].
_TEMPORARY_RANDOM = r"[a-z0-9_]{8}"


@dataclass(frozen=True, slots=True)
class WriteResult:
    """A completed write: the backup made first (None without one), the new file's fingerprint (to record as
    "the NML as Harmony last wrote it") and warnings for the DJ (Traktor was running but ``force`` was given)."""

    backup_path: Path | None
    fingerprint: NmlFingerprint
    warnings: tuple[str, ...] = ()


def write_collection(
    nml_path: str | os.PathLike[str],
    data: Payload,
    *,
    expected: NmlFingerprint | None,
    backup: bool = True,
    keep: int = DEFAULT_KEEP,
    force: bool = False,
    expected_counts: Counts | None = None,
    progress: ProgressReporter | None = None,
    lock_timeout: float = DEFAULT_LOCK_TIMEOUT,
) -> WriteResult:
    """Replace the collection file at ``nml_path`` with ``data``, safely (the steps are in the module docs).

    ``expected`` is the fingerprint of the file the export was planned from (None: do not check, e.g. a
    restore or a first export to a new file). ``expected_counts`` is ``(tracks, playlists)`` the new file must
    hold (None: only check that it parses). Raises :class:`SafeWriteError` (or :class:`TraktorRunningError`,
    :class:`NmlBusyError`, :class:`NmlChangedError`) naming the step that failed.

    ``progress`` receives phase ``"writing"`` reports up to the replace; it may raise (a cancellation), which
    stops the write cleanly. There is no report after the replace: the write can no longer be undone there.

    A symbolic link is followed: the file it points to is written, in its own folder, and the link stays."""
    return _write_collection(
        Path(nml_path),
        data,
        expected=expected,
        backup=backup,
        keep=keep,
        force=force,
        expected_counts=expected_counts,
        progress=progress,
        lock_timeout=lock_timeout,
    )


def remove_stale_temp_files(
    nml_path: str | os.PathLike[str], *, lock_timeout: float = DEFAULT_LOCK_TIMEOUT
) -> list[Path]:
    """Delete the temporary files a killed write left beside the NML and in its backup folder; return them.

    A write killed by SIGKILL or a power cut cannot remove its own temporary file. Such files are hidden and
    named after the file they stood in for (``.collection.nml.k3j9x0qa.tmp``), so they are recognised by name
    alone. Takes the lock, so the temporary file of a write in progress is never touched; every
    :func:`write_collection` does this first too."""
    path = real_collection_path(nml_path)
    with nml_lock(path, lock_timeout):
        return _remove_stale_temp_files(path)


def _remove_stale_temp_files(path: Path) -> list[Path]:
    suffix = re.escape(TEMPORARY_SUFFIX)
    beside = re.compile(re.escape(temporary_prefix(path)) + _TEMPORARY_RANDOM + suffix)
    # Backups are written through temporary files too: ".collection_2026-11-28T13-00-09.123456Z.nml.xxxx.tmp".
    in_backups = re.compile(
        re.escape(f".{path.stem}_") + r"[0-9T.\-]+Z" + re.escape(path.suffix) + r"\." + _TEMPORARY_RANDOM + suffix
    )
    removed: list[Path] = []
    for folder, pattern in ((path.parent, beside), (backup_folder(path), in_backups)):
        try:
            names = os.listdir(folder)
        except OSError:
            continue
        for name in names:
            if pattern.fullmatch(name):
                with contextlib.suppress(FileNotFoundError):
                    (folder / name).unlink()
                    removed.append(folder / name)
    if removed:
        logger.warning("removed %d temporary file(s) left by an interrupted write of %s", len(removed), path)
    return removed


def _write_collection(
    path: Path,
    data: Payload,
    *,
    expected: NmlFingerprint | None,
    backup: bool,
    keep: int,
    force: bool,
    expected_counts: Counts | None,
    progress: ProgressReporter | None,
    lock_timeout: float,
    protect: Path | None = None,
) -> WriteResult:
    """:func:`write_collection`, with ``protect``: a backup pruning must not delete (the one being restored)."""
    given, path = path, real_collection_path(path)
    report = _reporter(progress)
    report(0, "checking that Traktor is not running")
    warnings = _check_traktor(force)
    report(5, f"waiting for other exports of {path.name}")
    with nml_lock(path, lock_timeout):
        _remove_stale_temp_files(path)

        report(10, f"checking that {path.name} is unchanged")
        if backup and path.exists():
            report(20, f"checking and backing up {path.name}")
        # The check (and the backup) reads and copies the old file while the new one is written and verified:
        # both are mostly file I/O and hashing, which let go of the interpreter, so on two cores they overlap.
        # Nothing replaces the file before the check has passed, and the file's state is taken first: a save
        # that lands before the check reads the file is caught as surely as one after.
        before = _state_of(path)
        checking = started(
            "harmony-check-unchanged", _check_unchanged, path, expected, backup=backup, keep=keep, protect=protect
        )
        temporary: Path | None = None
        try:
            report(40, f"writing the new {path.name}")
            try:
                temporary = write_temporary(path, [data] if isinstance(data, bytes) else data)
            except NMLError as error:
                raise SafeWriteError("write temporary file", str(error)) from error
            report(60, "checking the written file")
            size, sha256 = _verify(temporary, expected_counts)
            state, backup_path = checking.result()
            report(90, f"replacing {path.name}")
            if state != before or _state_of(path) != state:
                raise NmlChangedError(path, "it was saved while the new file was being written")
            try:
                replace_with(temporary, path)
            except NMLError as error:
                raise SafeWriteError("replace", str(error)) from error
        except BaseException as failure:
            # The temporary file goes first: waiting for the check (a big backup on a slow disk) must not leave it
            # behind if the process is killed meanwhile.
            if temporary is not None:
                with contextlib.suppress(FileNotFoundError):
                    os.unlink(temporary)
            refused = checking.exception()  # never left running
            if refused is None:
                _drop_unused_backup(path, *checking.result())
            if refused is not None and refused is not failure:
                if isinstance(failure, SafeWriteError) and isinstance(refused, SafeWriteError):
                    # Both failed: the check's step comes first, and its failure is the one that says why.
                    raise refused from refused.__cause__
                logger.warning("the check of %s failed too, after %r: %s", path, failure, refused)
            raise

        try:
            fsync_folder(path.parent)
        except OSError as error:
            raise SafeWriteError(
                "fsync folder",
                f"cannot flush {path.parent} to disk ({error.strerror or error}); a power cut now could undo it",
                unchanged=False,
            ) from error
        if backup_path is not None:
            _prune_after_write(path, keep, protect)
        stat = path.stat()
        # Named as the caller named it (the link, if it is one): that is the path the settings and journal know.
        written = NmlFingerprint(str(given), stat.st_size, stat.st_mtime_ns, sha256)
    logger.info("wrote %s (%d bytes, backup %s)", path, size, backup_path)
    return WriteResult(backup_path=backup_path, fingerprint=written, warnings=tuple(warnings))


def _prune_after_write(path: Path, keep: int, protect: Path | None) -> None:
    """Prune the backups once the new file is in place and on disk. The write has happened: a backup folder
    that cannot be listed now is said in the log, never reported as a failed write (which a retry would then
    write again)."""
    try:
        prune_backups(path, keep, protect=protect)
    except (BackupError, OSError) as error:
        logger.warning("cannot prune the backups of %s: %s", path, error)


def _drop_unused_backup(path: Path, state: _State, backup_path: Path | None) -> None:
    """After a write that did not happen (cancelled, refused, failed), delete the backup made for it while the
    collection is still the very bytes it copied: the DJ would otherwise find a backup of an export that never
    was. A backup of a file Traktor has saved over since is kept (it is the only copy left of what the
    collection was), and so is one that cannot be compared. Never raises: the write's own failure is the one
    to report."""
    if backup_path is None:
        return
    try:
        # Size and time first (cheap); then the bytes, as a save within one tick of a coarse clock (FAT, a
        # network share) can leave both as they were.
        if _state_of(path) != state or not filecmp.cmp(path, backup_path, shallow=False):
            return
        backup_path.unlink()
    except Exception as error:  # kept: see above
        logger.warning("kept the backup %s of a write that did not happen: %s", backup_path, error)
    else:
        logger.info("deleted the backup %s: the write it was made for did not happen", backup_path)


def _reporter(progress: ProgressReporter | None) -> Callable[[float, str], None]:
    def report(percent: float, message: str) -> None:
        if progress is not None:
            progress(PHASE, percent, message)

    return report


def _check_traktor(force: bool) -> list[str]:
    try:
        running: list[TraktorProcess] = running_traktor()
    except OSError as error:
        raise SafeWriteError("check Traktor", f"cannot list the running programs: {error}") from error
    if not running:
        return []
    names = [f"{process.name} (pid {process.pid})" for process in running]
    if not force:
        raise TraktorRunningError(names)
    warning = (
        f"Traktor is running ({', '.join(names)}); written anyway because of --force: "
        "Traktor will overwrite this export when it saves or quits, unless it is restarted first"
    )
    logger.warning("%s", warning)
    return [warning]


_State = tuple[int, int] | None  # (size, mtime_ns) of the file, or None when it does not exist


def _state_of(path: Path) -> _State:
    try:
        stat = path.stat()
    except FileNotFoundError:
        return None
    except OSError as error:
        raise SafeWriteError("check unchanged", f"cannot read {path}: {error.strerror or error}") from error
    return (stat.st_size, stat.st_mtime_ns)


class _Stop(Exception):
    """Carries a check's failure out of the backup's writing (which passes only foreign exceptions through)."""

    def __init__(self, error: SafeWriteError) -> None:
        super().__init__(str(error))
        self.error = error


def _check_unchanged(
    path: Path, expected: NmlFingerprint | None, *, backup: bool, keep: int, protect: Path | None
) -> tuple[_State, Path | None]:
    """Compare the current file with ``expected`` and, with ``backup``, copy exactly the bytes compared into a
    new backup, in one streamed pass (the file is never held in memory whole: at 100,000 tracks it is 150 MB).

    The backup is only kept (renamed into place) when the check passed. With no ``expected`` and no backup
    to make, only the file's size and time are taken.

    The hash is always compared, not only when size and time differ: Traktor can rewrite the file within
    one tick of a coarse file-system clock (FAT, network shares), leaving size and time as they were."""
    if not path.exists():
        if expected is not None:
            raise NmlChangedError(path, "it no longer exists")
        return None, None
    if expected is None and not backup:
        return _state_of(path), None
    if expected is not None:  # size and time first: a changed file is refused before any byte is read or copied
        state = _state_of(path)
        if state is not None and state[0] != expected.size:
            raise NmlChangedError(path, f"its size went from {expected.size} to {state[0]} bytes")
        if state is not None and state[1] != expected.mtime_ns:
            raise NmlChangedError(path, "its modification time changed")
    found: list[NmlFingerprint] = []
    pieces = _checked_pieces(path, expected, found)
    folder = backup_folder(path)
    new_folders = [f for f in (folder, *folder.parents) if f.is_relative_to(path.parent) and not f.exists()]
    try:
        if backup:
            try:
                # Pruned once the new file is in place (see _write_collection): a write that fails must not
                # have made the oldest backup go.
                backup_path: Path | None = write_backup(path, pieces, keep, protect=protect, prune=False)
            except BackupError as error:
                raise SafeWriteError("back up", str(error)) from error
        else:
            for _ in pieces:
                pass
            backup_path = None
    except _Stop as stop:
        for created in new_folders:  # deepest first: a refused write leaves no trace
            with contextlib.suppress(OSError):
                created.rmdir()
        raise stop.error from stop.__cause__
    return (found[0].size, found[0].mtime_ns), backup_path


def _checked_pieces(path: Path, expected: NmlFingerprint | None, found: list[NmlFingerprint]) -> Iterable[bytes]:
    """The file's bytes in pieces, hashed on the way; after the last piece the file is compared with
    ``expected`` (its fingerprint appended to ``found``), and :class:`_Stop` raised if it differs."""
    digest = hashlib.sha256()
    size = 0
    try:
        with open(path, "rb") as handle:
            before = os.fstat(handle.fileno())
            while piece := handle.read(_PIECE):
                digest.update(piece)
                size += len(piece)
                yield piece
        after = path.stat()
    except OSError as error:
        failure = SafeWriteError("check unchanged", f"cannot read {path}: {error.strerror or error}")
        raise _Stop(failure) from error
    if (before.st_size, before.st_mtime_ns) != (after.st_size, after.st_mtime_ns) or size != after.st_size:
        raise _Stop(NmlChangedError(path, "it was being saved while Harmony read it"))
    fingerprint = NmlFingerprint(str(path), after.st_size, after.st_mtime_ns, digest.hexdigest())
    if expected is not None:
        if fingerprint.size != expected.size:
            raise _Stop(NmlChangedError(path, f"its size went from {expected.size} to {fingerprint.size} bytes"))
        if fingerprint.mtime_ns != expected.mtime_ns:
            raise _Stop(NmlChangedError(path, "its modification time changed"))
        if fingerprint.sha256 != expected.sha256:
            raise _Stop(NmlChangedError(path, "its content changed"))
    found.append(fingerprint)


def _verify(temporary: Path, expected_counts: Counts | None) -> tuple[int, str]:
    """Re-read the temporary file from disk (:func:`~harmony.nmlfile.readback.read_back`): it must be
    well-formed XML throughout, load as a collection, and hold the expected counts. Returns its size and SHA-256
    (of exactly the bytes checked)."""
    try:
        found = read_back(temporary)
    except NMLError as error:
        raise SafeWriteError("verify", f"the written file does not read back as a collection: {error}") from error
    counts = found.counts
    if expected_counts is not None and counts != tuple(expected_counts):
        raise SafeWriteError(
            "verify",
            f"the written file has {counts[0]} tracks and {counts[1]} playlists, "
            f"expected {expected_counts[0]} and {expected_counts[1]}",
        )
    return found.size, found.sha256
