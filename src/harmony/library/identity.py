"""What makes a file a Harmony library, and where a DJ's library lives when no other is named.

Kept apart from :mod:`harmony.library.database` (SQLAlchemy, Alembic) so that a command which only looks at a
library, and ``harmony --help``, can recognise one without loading either.
"""

from __future__ import annotations

from pathlib import Path
from typing import Final

import platformdirs

__all__ = ["APPLICATION_ID", "HEAD_REVISION", "default_library_path"]

#: SQLite ``PRAGMA application_id`` of a Harmony library: "HMNY" in ASCII.
APPLICATION_ID: Final = 0x484D4E59
#: The newest schema revision this Harmony knows, named here so that opening an up-to-date library (every
#: command, every worker) compares one stored string instead of loading Alembic and every migration module.
#: A test checks it against the migrations; Alembic is loaded only to upgrade or to recognise an older revision.
HEAD_REVISION: Final = "0015"


def default_library_path() -> Path:
    """The per-user library file: ``platformdirs.user_data_dir("harmony")/library.db``."""
    return Path(platformdirs.user_data_dir("harmony")) / "library.db"
