"""The errors of the collection.nml file layer: each says which step of the write stopped and what to do.

All derive from :class:`harmony.errors.SyncError`, so the CLI and the web app show them like any other failed
export: one line, non-zero exit, a red notification.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from harmony.errors import SyncError

__all__ = [
    "BackupError",
    "NmlBusyError",
    "NmlChangedError",
    "SafeWriteError",
    "TraktorRunningError",
]


#: Each step of the safe write, as a DJ would say when it stopped.
_STEP_WORDS = {
    "check Traktor": "checking whether Traktor runs",
    "lock": "waiting for another export of it",
    "check unchanged": "checking that nobody saved it meanwhile",
    "back up": "trying to back up the current file",
    "write temporary file": "writing the new file",
    "verify": "checking the new file",
    "replace": "putting the new file in place",
    "fsync folder": "saving it to disk",
}


class SafeWriteError(SyncError):
    """A step of the safe write failed. ``step`` names it (``"check Traktor"``, ``"lock"``, ``"check unchanged"``,
    ``"back up"``, ``"write temporary file"``, ``"verify"``, ``"replace"``, ``"fsync folder"``).

    ``unchanged`` says whether the collection file is still exactly as it was (true for every step before the
    replace; after it the new file is in place)."""

    def __init__(self, step: str, reason: str, *, unchanged: bool = True) -> None:
        self.step = step
        self.reason = reason
        self.unchanged = unchanged
        outcome = "the collection file was not changed" if unchanged else "the new collection file is in place"
        super().__init__(f"export stopped at step '{step}': {reason}; {outcome}")

    @property
    def plain(self) -> str:
        # The write's step names are for the log; a DJ reads, in words, when it stopped and whether the file
        # changed.
        when = _STEP_WORDS.get(self.step, self.step)
        if self.unchanged:
            return f"The collection was not written (it stopped {when}): {self.reason}. The file was not changed."
        return f"The new collection file is in place, but it stopped {when}: {self.reason}."

    def __reduce__(self) -> tuple[Any, ...]:
        # These errors travel from the export worker to the app by pickle. Their constructors take other
        # arguments than ``args`` holds, so they are rebuilt from their state instead of by calling them.
        return (_rebuild, (type(self), self.args, dict(self.__dict__)))


def _rebuild(cls: type[SafeWriteError], args: tuple[Any, ...], state: dict[str, Any]) -> SafeWriteError:
    error = cls.__new__(cls)
    error.args = args
    error.__dict__.update(state)
    return error


class TraktorRunningError(SafeWriteError):
    """Traktor is running: it keeps its collection in memory and overwrites the file when it quits."""

    #: The operation's ``error_code``: a page offers to write anyway ("Export anyway", "Rebuild anyway").
    code = "traktor_running"

    @property
    def plain(self) -> str:
        return (
            f"Traktor is running ({', '.join(self.names)}): it would write over the collection when it quits. "
            "Nothing was written. Quit Traktor first, or write anyway."
        )

    def __init__(self, names: list[str]) -> None:
        self.names = names
        running = ", ".join(names)
        super().__init__(
            "check Traktor",
            f"Traktor is running ({running}); quit Traktor first (it would overwrite the export when it quits), "
            "or use --force",
        )


class NmlBusyError(SafeWriteError):
    """Another export of the same collection file holds the lock (in this process or another). Transient."""

    def __init__(self, nml_path: Path, timeout: float) -> None:
        self.nml_path = nml_path
        super().__init__(
            "lock",
            f"another export of {nml_path} is running (waited {timeout:g} s); try again when it has finished",
        )


class NmlChangedError(SafeWriteError):
    """The file is not the one the export was planned from: Traktor (or someone) saved it since."""

    #: The operation's ``error_code``: auto-sync answers it with one more run instead of an error.
    code = "collection_changed"

    def __init__(self, nml_path: Path, what: str) -> None:
        self.nml_path = nml_path
        super().__init__(
            "check unchanged",
            f"{nml_path.name} changed since it was read ({what}; Traktor saved it?); import first, then export again",
        )


class BackupError(SyncError):
    """A backup cannot be listed, made or restored."""


class UnknownBackupError(BackupError):
    """The copy asked for is not one of the collection's listed backups (the web app restores nothing else)."""
