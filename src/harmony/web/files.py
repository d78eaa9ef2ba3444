"""The folder browser of the Traktor page: the DJ picks collection.nml among their own folders.

It can never leave the browse root (the user's home): a path with a ``..`` part is refused, and every path is
resolved (following symbolic links) and must still lie inside the root, so a link pointing elsewhere is neither
listed nor opened. Hidden entries are left out; only folders and ``.nml`` files are shown.
"""

from __future__ import annotations

import logging
import os
from dataclasses import dataclass
from pathlib import Path, PurePath
from typing import Annotated, Any

from fastapi import APIRouter, Depends, HTTPException, Query

from harmony.errors import HarmonyError
from harmony.nml import shown_path
from harmony.service import native_instruments_folder
from harmony.web.schemas import COMMON_ERRORS, error_responses
from harmony.web.state import WebState, web_state

__all__ = ["BrowseError", "FolderBrowser", "OutsideRootError", "router"]

log = logging.getLogger(__name__)

router = APIRouter(prefix="/api", tags=["files"], responses=error_responses(*COMMON_ERRORS))

MAX_ENTRIES = 2000


class BrowseError(HarmonyError):
    """A path the browser cannot show (it does not exist, or cannot be read)."""


class OutsideRootError(BrowseError):
    """A path outside the browse root, or one that tries to climb out of it."""


@dataclass(frozen=True, slots=True)
class FolderBrowser:
    """Lists folders under ``root`` and nothing outside it."""

    root: Path

    def resolve(self, text: str | None) -> Path:
        """The folder or file ``text`` names (absolute, or relative to the root), checked to be inside the root."""
        root = self.root.resolve()
        if not text:
            return root
        if "\x00" in text:
            raise BrowseError("That path is not valid.")
        try:
            raw = PurePath(Path(text).expanduser()) if text.startswith("~") else PurePath(text)
        except RuntimeError:  # "~someone" for a user that does not exist
            raise BrowseError(f"{text} does not exist.") from None
        if ".." in raw.parts:
            raise OutsideRootError("Paths with '..' are not allowed; pick a folder from the list.")
        candidate = raw if raw.is_absolute() else root / raw
        try:
            resolved = Path(candidate).resolve(strict=True)
        except (OSError, RuntimeError):
            raise BrowseError(f"{shown_path(candidate)} does not exist.") from None
        if not resolved.is_relative_to(root):
            raise OutsideRootError(f"Only folders inside {root} can be browsed.")
        return resolved

    def inside(self, path: Path) -> bool:
        try:
            return path.resolve().is_relative_to(self.root.resolve())
        except (OSError, RuntimeError):
            return False

    def listing(self, text: str | None) -> dict[str, Any]:
        """``{"root", "path", "parent", "entries": [{"name", "path", "kind"}], "truncated"}``: the folders
        (``kind`` "folder") and collections (``kind`` "collection") in a folder, folders first, by name."""
        root = self.root.resolve()
        folder = self.resolve(text)
        if folder.is_file():
            folder = folder.parent
        entries: list[dict[str, str]] = []
        try:
            children = sorted(os.scandir(folder), key=lambda e: e.name.casefold())
        except OSError as error:
            raise BrowseError(f"Cannot read {folder}: {error.strerror or error}.") from None
        for child in children:
            if child.name.startswith("."):
                continue
            path = Path(child.path)
            try:
                is_dir = child.is_dir()
                is_nml = not is_dir and child.is_file() and child.name.lower().endswith(".nml")
            except OSError:
                continue
            if not (is_dir or is_nml):
                continue
            if child.is_symlink() and not self.inside(path):
                continue  # a link that leads out of the home is not shown
            entries.append({"name": child.name, "path": str(path), "kind": "folder" if is_dir else "collection"})
        entries.sort(key=lambda e: (e["kind"] != "folder", e["name"].casefold()))
        parent = str(folder.parent) if folder != root else None
        return {
            "root": str(root),
            "path": str(folder),
            "parent": parent,
            "entries": entries[:MAX_ENTRIES],
            "truncated": len(entries) > MAX_ENTRIES,
        }

    def start_folder(self) -> str | None:
        """Where browsing starts: Traktor's Native Instruments folder when it exists inside the root."""
        try:
            folder = native_instruments_folder()
        except HarmonyError:
            return None
        return str(folder) if folder.is_dir() and self.inside(folder) else None


@router.get(
    "/files",
    summary="Browse folders for a collection.nml (inside the home folder only)",
    responses=error_responses(403, 404),
)
async def files(
    state: Annotated[WebState, Depends(web_state)],
    path: Annotated[str | None, Query(max_length=4096, description="A folder inside the home folder")] = None,
) -> dict[str, Any]:
    browser = FolderBrowser(state.browse_root)

    def listing() -> dict[str, Any]:
        return browser.listing(path if path else browser.start_folder())

    try:
        return await state.call(listing)
    except BrowseError as error:
        raise HTTPException(403 if isinstance(error, OutsideRootError) else 404, str(error)) from None
