"""The file a collection path stands for: DJs keep collections on other drives through symbolic links.

``Traktor/collection.nml`` may be a link to ``/Volumes/Music/collection.nml``. Every write, lock, check and
backup works on the real file in the real file's folder, so the link stays a link and goes on showing the
newest collection (an ``os.replace`` onto the link itself would swap in a plain file and leave the real one
behind, never written again).
"""

from __future__ import annotations

import os
from pathlib import Path

__all__ = ["real_collection_path"]


def real_collection_path(nml_path: str | os.PathLike[str]) -> Path:
    """``nml_path`` with its symbolic links followed (the whole chain); the path itself when it is no link.

    A link whose target is missing gives the target's path: writing there makes the link work again."""
    path = Path(nml_path)
    if not path.is_symlink():
        return path
    return Path(os.path.realpath(path))
