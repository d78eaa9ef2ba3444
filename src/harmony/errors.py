"""The one exception hierarchy of Harmony.

Every error a DJ can meet derives from :class:`HarmonyError` and carries a message that says what went wrong
and, where possible, what to do about it. The CLI prints ``str(error)`` on one line and exits non-zero; the web
app shows :attr:`HarmonyError.plain`, the same without the command line's way out (its flags), since a page
offers buttons instead.
"""


class HarmonyError(Exception):
    """Base of every error Harmony raises on purpose."""

    #: The CLI's exit status for this error (``docs/reliability.md`` lists them); 1 unless a case needs its own.
    exit_code: int = 1

    @property
    def plain(self) -> str:
        """The message as a page shows it: no command-line flags (the page has its own buttons)."""
        return str(self)


class NMLError(HarmonyError):
    """A collection.nml file cannot be read or written."""


class LibraryError(HarmonyError):
    """The Harmony library database cannot be opened, read or changed."""


class WorkerError(HarmonyError):
    """A background worker or pool failed."""


class SyncError(HarmonyError):
    """An import from or export to Traktor cannot go ahead."""
