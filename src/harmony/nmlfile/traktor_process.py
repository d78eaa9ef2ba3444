"""Is Traktor running? Traktor keeps its collection in memory and writes it back when it quits, so an export
written while it runs is silently overwritten, and it may save the file in the middle of ours.

Which process names count as Traktor (after dropping a trailing ``.exe`` and ignoring case):

- ``Traktor`` (the macOS and Linux-under-Wine executable, and ``Traktor.exe`` on Windows);
- ``Traktor Pro``, ``Traktor Pro 3``, ``Traktor Pro 4``… (``Traktor Pro <version>``);
- ``Traktor Scratch Pro``, ``Traktor Scratch Pro 2`` (the older product).

The whole name must match: helper processes that merely start with the word (``traktor-helper-xyz``,
``TraktorKontrolHelper``, ``Traktor Audio 6 Driver``) are not Traktor, and do not write the collection.
"""

from __future__ import annotations

import logging
import os
import re
from dataclasses import dataclass

import psutil

logger = logging.getLogger(__name__)

__all__ = ["SCOPE_VARIABLE", "TraktorProcess", "is_traktor_name", "running_traktor"]

#: For tests on a shared machine: set to a process id, only the Traktor processes started below that process count
#: (a test's own stand-in Traktor), so tests running side by side, or someone else's, never see each other's.
SCOPE_VARIABLE = "HARMONY_TRAKTOR_SCOPE"

_TRAKTOR_NAME = re.compile(r"traktor(?: (?:scratch )?pro(?: \d+)?)?", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class TraktorProcess:
    """A running process that is Traktor."""

    pid: int
    name: str


def is_traktor_name(name: str) -> bool:
    """Whether a process called ``name`` is Traktor itself (see the module documentation for the rule)."""
    base = name.strip()
    if base.lower().endswith(".exe"):
        base = base[: -len(".exe")]
    return _TRAKTOR_NAME.fullmatch(base) is not None


def running_traktor() -> list[TraktorProcess]:
    """Every running Traktor process, by pid. Processes that vanish or hide their name while we look are
    skipped (they cannot be told apart, and a Traktor we may not inspect is not ours to wait for)."""
    found: list[TraktorProcess] = []
    scope = os.environ.get(SCOPE_VARIABLE)
    for process in psutil.process_iter(["pid", "name"]):
        name = process.info.get("name")
        if isinstance(name, str) and is_traktor_name(name) and (not scope or _started_below(process, scope)):
            found.append(TraktorProcess(pid=int(process.info["pid"]), name=name))
    if found:
        logger.info("Traktor is running: %s", ", ".join(f"{p.name} (pid {p.pid})" for p in found))
    return found


def _started_below(process: psutil.Process, scope: str) -> bool:
    """Whether ``process`` descends from the process whose id is ``scope`` (see :data:`SCOPE_VARIABLE`)."""
    try:
        return any(str(parent.pid) == scope for parent in process.parents())
    except psutil.Error:
        return False
