"""Every file under some folders, for the searches that look for a DJ's moved files (relocate, path-mapping
suggestions): one walk, so both skip and survive the same things."""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator

__all__ = ["walk_files"]


def walk_files(roots: Iterable[str]) -> Iterator[os.DirEntry[str]]:
    """The files under ``roots``, folder by folder (the first root first). Hidden folders are skipped, links to
    folders are not followed, a folder is walked once however it is reached, and an unreadable folder or entry
    is passed over: the search goes on elsewhere."""
    stack = list(reversed(list(roots)))
    seen: set[str] = set()
    while stack:
        folder = stack.pop()
        if folder in seen:
            continue
        seen.add(folder)
        try:
            with os.scandir(folder) as entries:
                for entry in entries:
                    try:
                        if entry.is_dir(follow_symlinks=False):
                            if not entry.name.startswith("."):
                                stack.append(entry.path)
                        elif entry.is_file():
                            yield entry
                    except OSError:
                        continue
        except OSError:
            continue
