"""Auto-sync "on library change" runs after edits made in the page (debounced), and its notification says what
it exported."""

from __future__ import annotations

import asyncio

from harmony import nml
from harmony.library import Library, settings

from .conftest import Api, Demo


async def test_a_web_edit_triggers_auto_sync_which_exports_it(api: Api, demo: Demo) -> None:
    auto = api.state.auto_sync
    assert auto is not None
    auto.poll_seconds = 3600  # so only the edit itself can tell auto-sync (not its poll of other processes)
    config = {
        **demo.config(),
        "auto_sync": {
            "enabled": True,
            "direction": "export",
            "on_startup": False,
            "on_library_change": True,
            "debounce_ms": settings.DEBOUNCE_MIN_MS,
        },
    }
    response = await api.client.put("/api/traktor/config", json=config, headers=api.token)
    assert response.status_code == 200, response.text
    imported = await api.run("/api/traktor/sync")
    assert imported["status"] == "succeeded"
    if api.state.restarting is not None:
        await api.state.restarting  # the settings change restarts auto-sync
    calls: list[None] = []
    original = auto.library_changed

    def spy() -> None:
        calls.append(None)
        original()

    auto.library_changed = spy  # type: ignore[method-assign]
    messages: list[str] = []
    auto.subscribe(lambda status: messages.append(status.message))
    with Library.open(api.state.service.library_path) as library:
        track_id = library.search_tracks(sort="id", limit=1).tracks[0].id
    response = await api.client.patch(
        f"/api/library/tracks/{track_id}", json={"comment": "from the page"}, headers=api.token
    )
    assert response.status_code == 200, response.text
    assert len(calls) == 1  # at once, by the edit itself

    async with asyncio.timeout(60):
        while not any(m.startswith("Export: ") and "nothing" not in m for m in messages):
            await asyncio.sleep(0.05)
    exported = next(m for m in messages if m.startswith("Export: ") and "nothing" not in m)
    assert exported == "Export: Exported 1 track"  # what it exported: the one edited track
    assert any(track.comment == "from the page" for track in nml.load(demo.nml).tracks)
