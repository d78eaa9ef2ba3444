"""Finding the DJ's collection.nml when none was chosen: the newest Traktor's, in the Native Instruments folder.

Traktor keeps one folder per installed version under the user's Documents folder::

    Documents/Native Instruments/Traktor 3.11.1/collection.nml
    Documents/Native Instruments/Traktor 4.0.2/collection.nml

A new Traktor version copies the collection into a new folder and works on that copy from then on, so the
folder with the highest version number holds the collection the DJ is using. Versions are compared as numbers:
3.10.0 is newer than 3.9.2, which a text sort would get wrong.
"""

from __future__ import annotations

import logging
import re
from pathlib import Path
from typing import get_args

import platformdirs

from harmony.errors import SyncError
from harmony.nml import Platform, current_platform

log = logging.getLogger(__name__)

__all__ = ["COLLECTION_FILE", "default_nml_path", "find_collections", "native_instruments_folder"]

COLLECTION_FILE = "collection.nml"
NATIVE_INSTRUMENTS = "Native Instruments"

# "Traktor 3.11.1", "Traktor 4.0.2", "Traktor 2.11.3": a version of two or more numbers. Other folders Native
# Instruments or the DJ put there ("Traktor Kontrol S4", "Traktor 3.11.1 copy") are not a Traktor's own.
_TRAKTOR_FOLDER = re.compile(r"Traktor (\d+(?:\.\d+)+)", re.IGNORECASE)


def native_instruments_folder(platform: Platform | None = None, home: Path | None = None) -> Path:
    """Where Traktor keeps its per-version folders: ``Documents/Native Instruments``.

    On Windows and macOS that is the folder Traktor itself uses. Traktor does not run on Linux, but a DJ may
    copy the folder over from another computer; the same place under the Linux Documents folder is where Harmony
    looks for it then.

    With ``home`` given, Documents is ``home/Documents`` (tests, or another user's home). Without it, the
    platform's own idea of the Documents folder is used (platformdirs): on Windows that follows a Documents
    folder moved elsewhere, such as into OneDrive, and on Linux the XDG user folders.
    """
    platform = current_platform() if platform is None else platform
    if platform not in get_args(Platform):
        raise SyncError(f"Unknown platform {platform!r}; choose one of windows, macos, linux.")
    documents = home / "Documents" if home is not None else Path(platformdirs.user_documents_dir())
    return documents / NATIVE_INSTRUMENTS


def _version(folder_name: str) -> tuple[int, ...] | None:
    """The version in a ``Traktor x.y.z`` folder name, or None when the name is not one."""
    match = _TRAKTOR_FOLDER.fullmatch(folder_name)
    if match is None:
        return None
    return tuple(int(number) for number in match.group(1).split("."))


def find_collections(folder: Path) -> list[Path]:
    """Every ``Traktor x.y.z/collection.nml`` in ``folder``, newest version first.

    Folders without a collection.nml (a Traktor installed but never started) and names that are not
    ``Traktor`` + a version are left out. A missing or unreadable ``folder`` has none.
    """
    try:
        children = list(folder.iterdir())
    except OSError as error:
        log.debug("no Traktor folders in %s: %s", folder, error)
        return []
    found: list[tuple[tuple[int, ...], str, Path]] = []
    for child in children:
        version = _version(child.name)
        if version is None:
            continue
        collection = child / COLLECTION_FILE
        if collection.is_file():
            found.append((version, child.name, collection))
    # Newest version first; the name breaks a tie ("Traktor 3.11" against "traktor 3.11") so the order is stable.
    found.sort(key=lambda item: (item[0], item[1]), reverse=True)
    return [collection for _, _, collection in found]


def default_nml_path(configured: str | None, platform: Platform | None = None, home: Path | None = None) -> Path:
    """The collection.nml to use: the configured one when there is one, else the newest Traktor's.

    Raises :class:`SyncError` when none is configured and no Traktor collection is found.
    """
    if configured:
        return Path(configured).expanduser()
    folder = native_instruments_folder(platform, home)
    collections = find_collections(folder)
    if not collections:
        raise SyncError(
            f"No Traktor collection found in {folder} (looked for 'Traktor x.y.z/{COLLECTION_FILE}'). "
            "Choose your collection.nml on the Traktor page of the web app, or with "
            "'harmony traktor config set nml_path PATH', or pass --nml PATH."
        )
    log.info("using the newest Traktor collection: %s", collections[0])
    return collections[0]
