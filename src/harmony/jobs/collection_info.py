"""The job that counts what a collection holds (the Traktor page's badges, ``harmony traktor info``)."""

from __future__ import annotations

from typing import Any

from harmony import nml

__all__ = ["summarize_collection"]


def summarize_collection(path: str) -> dict[str, Any]:
    """Worker job: parse ``path`` and count what it holds (see :func:`harmony.nml.summarize`), as JSON values."""
    return nml.summarize(nml.load(path)).to_json()
