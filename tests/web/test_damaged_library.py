"""The web app on a damaged library: one-line errors (503) naming the repair commands, never a traceback."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest

from harmony.library import Library

from ..library.helpers import damage_tracks, track
from .conftest import BASE, Api, Demo, build_app


@pytest.fixture
async def damaged_api(tmp_path: Path, home: Path) -> AsyncIterator[Api]:
    with Library.open(tmp_path / "library.db") as library:
        for n in range(600):
            library.add_track(track(n, comment="x" * 200))
    damage_tracks(tmp_path / "library.db")
    app = build_app(tmp_path, home)
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
        async with httpx.AsyncClient(transport=transport, base_url=BASE) as client:
            yield Api(app, client)


async def test_damaged_library_answers_with_its_own_error(
    damaged_api: Api, demo: Demo, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO)
    response = await damaged_api.client.get("/api/library/tracks", params={"limit": 500})
    assert response.status_code == 503
    message = response.json()["error"]
    assert "is damaged" in message and "harmony library recover" in message and "\n" not in message

    await damaged_api.configure(demo)
    preview = await damaged_api.run("/api/traktor/preview")
    assert preview["status"] == "failed"
    assert "is damaged" in preview["error"] and "Unexpected error" not in preview["error"]
    assert not [r for r in caplog.records if r.exc_info], [r.getMessage() for r in caplog.records if r.exc_info]
