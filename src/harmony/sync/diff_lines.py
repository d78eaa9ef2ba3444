"""The readable diff's building blocks, shared by the import's and the export's reports: one heading with its
count per section, then one line (or a few) per item."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING

from harmony.library import TWINS
from harmony.sync.path_suggestions import readable_key
from harmony.words import plural

if TYPE_CHECKING:  # the report modules import this one
    from harmony.sync.report import Conflict, CueChange, DuplicateEntry, FieldChange, PlaylistChange, SkippedEntry

__all__ = ["change_lines", "duplicates_and_skipped", "new_line", "section", "tree_and_conflicts", "worth_a_line"]


def section(out: list[str], heading: str, count: int, lines: Iterable[str]) -> None:
    """``heading (count):`` and its lines, or nothing when the section is empty."""
    if count:
        out.append(f"{heading} ({count}):")
        out.extend(lines)


def new_line(artist: str | None, title: str | None, cues: int, where: str) -> str:
    """A track or entry to create: ``+ Artist - Title (N cue points) where``."""
    name = " - ".join(part for part in (artist, title) if part) or where
    return f"  + {name} ({plural(cues, 'cue point')}) {where}"


def change_lines(header: str, fields: Sequence[FieldChange], cues: Sequence[CueChange]) -> list[str]:
    """A track or entry to update: its header, then each field (old → new) and each cue change."""
    return [
        f"  ~ {header}",
        *(f"      {field_change}" for field_change in worth_a_line(fields)),
        *(f"      cue {cue_change}" for cue_change in cues),
    ]


#: The NML's own form of a value Traktor stores twice, by the value a DJ edits (``bpm_text`` by ``bpm``).
_NML_FORM_OF: dict[str, str] = {text: value for value, text in TWINS}


def worth_a_line(fields: Sequence[FieldChange]) -> list[FieldChange]:
    """``fields`` less the NML's form of a value whose edited half changes too: under "bpm: 120.0 → 126.927692"
    the line "bpm_text: '120' → '126.927692'" says it again, in a name only the NML uses. A change of the form
    alone (Traktor wrote the same tempo with more digits) keeps its line: nothing else says it."""
    changed = {change.field for change in fields}
    return [change for change in fields if _NML_FORM_OF.get(change.field) not in changed]


def tree_and_conflicts(out: list[str], changes: Sequence[PlaylistChange], conflicts: Sequence[Conflict]) -> None:
    """The playlist and folder changes, then the conflicts and how each was settled."""
    section(out, "Playlists and folders", len(changes), (f"  {change}" for change in changes))
    section(out, "Conflicts", len(conflicts), (f"  ! {conflict}" for conflict in conflicts))


def duplicates_and_skipped(
    out: list[str], duplicates: Sequence[DuplicateEntry], skipped: Sequence[SkippedEntry]
) -> None:
    """Entries that name one file, then what was left out and why."""
    section(
        out,
        "Entries naming the same file",
        len(duplicates),
        (f"  = {dup.path}: {', '.join(map(readable_key, dup.keys))}" for dup in duplicates),
    )
    # Apart: "Left out (563)" over entries whose track was imported without a value read as 563 tracks lost.
    whole = [skip for skip in skipped if skip.whole]
    part = [skip for skip in skipped if not skip.whole]
    # Keys as paths a DJ reads: "C:/Music/a.mp3", not Traktor's "C:/:Music/:a.mp3".
    section(out, "Left out", len(whole), (f"  - {readable_key(skip.key)}: {skip.reason}" for skip in whole))
    section(out, "Partly left out", len(part), (f"  - {readable_key(skip.key)}: {skip.reason}" for skip in part))
