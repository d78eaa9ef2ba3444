"""The event stream over a real server: an import's events in order, the replay for a page opened mid-operation,
and the end of the streams at shutdown."""

from __future__ import annotations

import json
import threading
import time
from typing import Any

import httpx

from .conftest import Demo, LiveServer, make_demo


def read_events(
    url: str,
    until: Any,
    events: list[dict[str, Any]],
    ready: threading.Event | None = None,
    timeout: float = 60,
    name: str = "message",
) -> None:
    """Collect the ``data:`` JSON of the stream's ``name`` events until ``until(event)`` is true."""
    with httpx.Client(timeout=timeout) as client, client.stream("GET", f"{url}/api/events") as response:
        assert response.status_code == 200
        assert response.headers["content-type"].startswith("text/event-stream")
        if ready is not None:
            ready.set()
        current = "message"
        for line in response.iter_lines():
            if line.startswith("event: "):
                current = line.removeprefix("event: ")
            elif line.startswith("data: ") and current == name:
                event = json.loads(line.removeprefix("data: "))
                events.append(event)
                if until(event):
                    return
            elif not line:
                current = "message"


def finished(event: dict[str, Any]) -> bool:
    return event.get("status") in ("succeeded", "failed", "cancelled")


def test_import_events_flow_in_order(live_server: LiveServer, demo: Demo) -> None:
    events: list[dict[str, Any]] = []
    ready = threading.Event()
    reader = threading.Thread(target=read_events, args=(live_server.url, finished, events, ready))
    reader.start()
    assert ready.wait(10)
    with httpx.Client(base_url=live_server.url, headers=live_server.token) as client:
        assert client.put("/api/traktor/config", json=demo.config()).status_code == 200
        accepted = client.post("/api/traktor/sync")
        assert accepted.status_code == 202
    reader.join(60)
    assert not reader.is_alive()

    op_id = accepted.json()["operation_id"]
    mine = [e for e in events if e["operation_id"] == op_id]
    assert [e["status"] for e in mine[:2]] == ["queued", "running"]
    assert mine[1]["message"] == "Starting sync..."
    assert mine[-1]["status"] == "succeeded"
    for event in mine:
        assert {"operation_id", "operation", "status", "phase", "percent", "message"} <= event.keys()
        assert event["operation"] == "import"
    phases = list(dict.fromkeys(e["phase"] for e in mine))
    assert phases[:2] == ["queued", "starting"]
    assert {"parsing", "saving"} <= set(phases)
    assert phases[-1] == "complete"
    percents = [e["percent"] for e in mine if e["status"] == "running"]
    assert percents == sorted(percents)  # progress only moves forward
    result = mine[-1]["result"]
    assert result["tracks_imported"] == demo.generated.tracks
    assert result["summary"].startswith(f"Imported {demo.generated.tracks:,} tracks, ")
    assert "error" not in mine[-1]


def test_page_opened_mid_operation_sees_current_state(live_server: LiveServer, home: Any) -> None:
    big = make_demo(home / "big", tracks=3000, seed=11)
    with httpx.Client(base_url=live_server.url, headers=live_server.token) as client:
        client.put("/api/traktor/config", json=big.config())
        op_id = client.post("/api/traktor/sync").json()["operation_id"]
        # Wait until the import is well under way, then open a new stream.
        while client.get(f"/api/operations/{op_id}").json()["status"] == "queued":
            time.sleep(0.01)
    events: list[dict[str, Any]] = []
    read_events(live_server.url, finished, events)
    first = events[0]
    assert first["operation_id"] == op_id  # the replay comes first, before any new event
    assert first["status"] in ("running", "succeeded")
    assert events[-1]["operation_id"] == op_id
    assert events[-1]["status"] == "succeeded"


def test_failed_import_ends_with_its_error(live_server: LiveServer, home: Any) -> None:
    broken = home / "broken.nml"
    broken.write_text("<NML VERSION='19'><COLLECTION ENTRIES='1'><ENTRY")
    events: list[dict[str, Any]] = []
    ready = threading.Event()
    reader = threading.Thread(target=read_events, args=(live_server.url, finished, events, ready))
    reader.start()
    assert ready.wait(10)
    with httpx.Client(base_url=live_server.url, headers=live_server.token) as client:
        assert client.post("/api/traktor/sync", json={"nml_path": str(broken)}).status_code == 202
    reader.join(60)
    assert events[-1]["status"] == "failed"
    assert events[-1]["error"]
    assert "Traceback" not in events[-1]["error"]
    assert "result" not in events[-1]


def test_shutdown_ends_open_streams(live_server: LiveServer) -> None:
    events: list[dict[str, Any]] = []
    ready = threading.Event()
    reader = threading.Thread(target=read_events, args=(live_server.url, lambda e: False, events, ready))
    reader.start()
    assert ready.wait(10)
    assert live_server.loop is not None
    live_server.loop.call_soon_threadsafe(live_server.state.hub.close)
    reader.join(10)
    assert not reader.is_alive()  # the stream ended instead of hanging the server's shutdown


def test_auto_sync_status_streams_as_its_own_event(live_server: LiveServer, demo: Demo) -> None:
    statuses: list[dict[str, Any]] = []

    def synced(status: dict[str, Any]) -> bool:
        return not status["running"] and status["last_sync_at"] is not None

    reader = threading.Thread(
        target=read_events, args=(live_server.url, synced, statuses), kwargs={"name": "auto_sync"}
    )
    reader.start()
    # The snapshot comes first: auto-sync is off.
    deadline = time.monotonic() + 10
    while not statuses and time.monotonic() < deadline:
        time.sleep(0.02)
    assert statuses[0]["enabled"] is False
    assert statuses[0]["running"] is False
    body = {**demo.config(), "auto_sync": {"enabled": True, "direction": "import", "on_startup": True}}
    with httpx.Client(base_url=live_server.url, headers=live_server.token) as client:
        assert client.put("/api/traktor/config", json=body).status_code == 200
        reader.join(60)
        assert not reader.is_alive()
        running = [s for s in statuses if s["running"]]
        assert running and running[0]["direction"] == "import"
        assert statuses[-1]["phase"] == "complete"
        assert statuses[-1]["last_error"] is None
        assert statuses[-1]["message"].startswith(f"Import: Imported {demo.generated.tracks} tracks")
        info = client.get("/api/traktor/info").json()
        assert info["auto_sync"]["enabled"] is True
        assert info["auto_sync"]["last_sync_at"] == statuses[-1]["last_sync_at"]
        assert client.get("/api/library/tracks").json()["total"] == demo.generated.tracks
