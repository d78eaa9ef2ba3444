"""The guard on an import that would remove much of the library.

A track or playlist removed in Traktor since the last sync leaves the library on import. A collection that
lost most of its entries (a file saved half-way by another tool, the wrong collection picked, a drive that was
not mounted when Traktor last ran) would then empty the library. So an import that would remove more than a
fifth of the library's tracks or playlists stops and asks: it runs only when the DJ allows it
(``--allow-mass-removal``, ``allow_mass_removal`` in the API, a confirmation in the web page).
"""

from __future__ import annotations

from typing import Final

from harmony.errors import SyncError
from harmony.sync.report import ImportReport

__all__ = ["MASS_REMOVAL_SHARE", "MassRemovalError", "check_removals", "mass_removal"]

#: The share of the library's tracks, or of its playlists, an import may remove without asking.
MASS_REMOVAL_SHARE: Final = 0.20


class MassRemovalError(SyncError):
    """The import would remove more than :data:`MASS_REMOVAL_SHARE` of the library's tracks or playlists, and
    the DJ did not allow it. Nothing was changed. ``code`` names it in an operation's ``error_code``, so a page
    can ask the DJ and send the import again allowing it."""

    code: Final = "mass_removal"

    def __str__(self) -> str:
        # The command line's way out; a page asks with its own buttons instead (see ``plain``).
        return (
            f"{self.plain} If that is right, import again with --allow-mass-removal; if not, restore a backup "
            "or rebuild the collection from the library."
        )

    @property
    def plain(self) -> str:
        return str(self.args[0]) if self.args else "The import would remove much of the library."


def _share(removed: int, total: int, what: str) -> str | None:
    if removed and total and removed / total > MASS_REMOVAL_SHARE:
        return f"{removed:,} of {total:,} {what} ({removed / total:.0%})"
    return None


def mass_removal(report: ImportReport) -> str | None:
    """What the import of ``report`` would remove when that is more than the guard lets through, else None."""
    stats = report.stats
    parts = [
        part
        for part in (
            _share(stats.tracks_removed, report.library_tracks, "tracks"),
            _share(stats.playlists_removed, report.library_playlists, "playlists"),
        )
        if part is not None
    ]
    return " and ".join(parts) if parts else None


def check_removals(report: ImportReport, allow: bool, damaged: str | None = None) -> None:
    """Raise :class:`MassRemovalError` when the import would remove too much, or its collection looks damaged
    (``damaged`` says why: its counts are implausible against the last ones Harmony saw), and ``allow`` is
    False. Both are the same question to the DJ ("are these removals meant?"), so one error names both reasons
    and one confirmation answers both."""
    if allow:
        return
    what = mass_removal(report)
    reasons = []
    if damaged is not None:
        reasons.append(f"The collection looks damaged ({damaged})")
    if what is not None:
        reasons.append(
            f"this import would remove {what} from the library, because they are no longer in collection.nml"
        )
    if reasons:
        because = " and ".join(reasons)
        raise MassRemovalError(f"{because[0].upper()}{because[1:]}. Nothing was changed.")
