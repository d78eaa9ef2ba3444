"""The local web app: the library, the Traktor settings page and live notifications, over ``TraktorService``.

A thin shell: every page and endpoint calls :mod:`harmony.service` or :mod:`harmony.library`; nothing here
plans, merges or writes a collection. :func:`create_app` builds the FastAPI application and :func:`serve` runs
it on uvicorn (``harmony serve``).

The names are imported lazily: ``import harmony.web`` does not pay for FastAPI and Jinja2 until the app is
built.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from harmony.web.app import create_app
    from harmony.web.server import serve

__all__ = ["create_app", "serve"]


def __getattr__(name: str) -> Any:
    if name == "create_app":
        from harmony.web.app import create_app

        return create_app
    if name == "serve":
        from harmony.web.server import serve

        return serve
    raise AttributeError(f"module 'harmony.web' has no attribute {name!r}")
