"""The auto-sync notification, fed scripted server-sent events (the browser's /api/events answered by the test):
one notification for a run whatever order the page hears of it in, and a figure that never goes back."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest

from .conftest import LiveServer
from .test_browser import RECORD_NOTIFICATIONS, chromium, page  # noqa: F401  (fixtures)

pytestmark = pytest.mark.timeout(120)


def _auto_sync(running: bool, **status: Any) -> str:
    body = {
        "enabled": True,
        "running": running,
        "state": "syncing" if running else "idle",
        "direction": "bidirectional",
        "phase": None,
        "percent": 0.0,
        "message": "",
        "last_error": None,
        "step_span": None,
        **status,
    }
    return f"event: auto_sync\ndata: {json.dumps(body)}\n\n"


def _operation(
    operation: str, operation_id: str, status: str, percent: float, phase: str = "building", **more: Any
) -> str:
    body = {
        "operation": operation,
        "operation_id": operation_id,
        "status": status,
        "phase": phase,
        "percent": percent,
        "message": f"{operation} step",
        "result": None,
        "error": None,
        "error_code": None,
        "trigger": "auto-sync",
        **more,
    }
    return f"data: {json.dumps(body)}\n\n"


def _played(page: Any, server: LiveServer, events: list[str], until: str = "green") -> list[dict[str, Any]]:  # noqa: F811
    """Open a page whose event stream is ``events``, once (then 204: the browser does not connect again), and
    return every notification it showed (as the recorder saw them) once one of colour ``until`` is shown."""
    served: list[bool] = []

    def answer(route: Any) -> None:
        if served:
            route.fulfill(status=204, body="")
            return
        served.append(True)
        route.fulfill(status=200, headers={"Content-Type": "text/event-stream"}, body="".join(events))

    page.route("**/api/events", answer)
    page.add_init_script(RECORD_NOTIFICATIONS)
    page.goto(f"{server.url}/operations")
    page.wait_for_selector(f'.notification[data-color="{until}"]')
    notes: list[dict[str, Any]] = page.evaluate("window.__notes")
    return notes


def _percents(notes: list[dict[str, Any]]) -> list[float]:
    return [
        float(found.group(1))
        for note in notes
        if note["id"] == "auto-sync-notification" and (found := re.search(r"\((\d+)%\)$", note["message"]))
    ]


@pytest.mark.parametrize("first", ["auto-sync", "import"])
def test_a_run_heard_in_either_order_is_one_notification(page: Any, live_server: LiveServer, first: str) -> None:  # noqa: F811
    status = _auto_sync(True, phase="syncing", percent=20.0, step_span=[10.0, 50.0], message="Importing...")
    import_running = _operation("import", "op-1", "running", 40.0)
    heard = [status, import_running] if first == "auto-sync" else [import_running, status]
    notes = _played(
        page,
        live_server,
        [
            *heard,
            _operation("import", "op-1", "running", 80.0),
            _operation("import", "op-1", "succeeded", 100.0, phase="complete"),
            _auto_sync(False, message="Import: Imported 1 track"),
        ],
    )
    finals = page.locator(".notification")
    assert finals.count() == 1 and finals.first.get_attribute("data-id") == "auto-sync-notification"
    # Heard first, the import (its event says auto-sync started it) begins auto-sync's notification: no other
    # one shows, not even for a moment (the README's run caught one).
    assert {n["id"] for n in notes} == {"auto-sync-notification"}, notes
    assert _percents(notes) == sorted(_percents(notes))


def test_an_export_that_imports_first_and_tries_again_never_goes_back(page: Any, live_server: LiveServer) -> None:  # noqa: F811
    """Traktor saved the file while auto-sync's export wrote it: the export imports first (an operation of its
    own, inside the export's part of the run), then tries again; the figure the DJ reads stays put meanwhile."""
    export_part = [60.0, 100.0]
    notes = _played(
        page,
        live_server,
        [
            _auto_sync(True, phase="syncing", percent=60.0, step_span=export_part, message="Exporting to Traktor..."),
            _operation("export", "op-2", "queued", 0.0, phase="starting"),
            _operation("export", "op-2", "running", 50.0),
            _operation("export", "op-2", "running", 90.0, phase="writing"),
            _operation("import", "op-3", "queued", 0.0, phase="starting"),
            _operation("import", "op-3", "running", 30.0, phase="parsing"),
            _operation("import", "op-3", "running", 95.0, phase="saving"),
            _operation("import", "op-3", "succeeded", 100.0, phase="complete"),
            _operation("export", "op-2", "running", 92.0, phase="writing"),  # its second try, on from 90 %
            _operation("export", "op-2", "succeeded", 100.0, phase="complete"),
            _auto_sync(False, message="Export: Exported 1 track"),
        ],
    )
    percents = _percents(notes)
    assert percents and percents == sorted(percents), percents
    assert {n["id"] for n in notes} == {"auto-sync-notification"}, notes
    assert max(percents) == 97, percents  # the import held the figure (at its 95 % the line read 98 %)


def test_an_export_the_dj_started_keeps_its_own_notification_when_auto_sync_starts(
    page: Any,  # noqa: F811
    live_server: LiveServer,
) -> None:
    """Auto-sync may start while the DJ's own export runs (an edit's wait ran out): the export's notification is
    the DJ's, its failure too, with the offer to write anyway."""
    refused = "Traktor is running. Quit Traktor first, or write anyway."
    notes = _played(
        page,
        live_server,
        [
            _operation("export", "op-4", "queued", 0.0, phase="starting", trigger="manual"),
            _operation("export", "op-4", "running", 30.0, trigger="manual"),
            _auto_sync(True, phase="syncing", percent=10.0, step_span=[10.0, 50.0], message="Importing..."),
            _operation("export", "op-4", "failed", 30.0, trigger="manual", error=refused, error_code="traktor_running"),
        ],
        until="red",
    )
    red = page.locator('.notification[data-color="red"]')
    assert red.locator(".title").text_content() == "Traktor Export Failed"
    assert red.get_by_role("button", name="Export anyway").is_visible()
    assert "traktor-export-op-4" in {n["id"] for n in notes}


def test_on_a_phone_the_page_scrolls_out_from_under_the_notices(page: Any, live_server: LiveServer) -> None:  # noqa: F811
    """The notices span a phone's window at its foot: the page's last content could not be scrolled above them
    (a Search button under "Traktor's collection changed"). The page leaves their height free below it."""
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"{live_server.url}/missing")
    page.wait_for_function("() => window.HarmonyNotifications !== undefined")
    page.evaluate(
        "() => ['one', 'two'].forEach((id) => window.HarmonyNotifications.show(id, "
        "{ title: 'A notice that stays', message: 'It waits to be closed by hand, with a line or two of text.' }))"
    )
    page.wait_for_function(
        "() => parseFloat(getComputedStyle(document.querySelector('main')).paddingBottom)"
        " >= document.getElementById('notifications').offsetHeight + 20"
    )
    page.evaluate("() => window.scrollTo(0, document.documentElement.scrollHeight)")
    last, notices = page.evaluate(
        "() => [[...document.querySelectorAll('main > *')].filter((e) => e.offsetParent !== null).pop()"
        ".getBoundingClientRect().bottom, document.getElementById('notifications').getBoundingClientRect().top]"
    )
    assert last <= notices, (last, notices)
    page.evaluate("() => ['one', 'two'].forEach((id) => window.HarmonyNotifications.hide(id))")
    page.wait_for_function("() => parseFloat(getComputedStyle(document.querySelector('main')).paddingBottom) <= 12")
    # Not the library page: its table fills the window and scrolls inside; the room made the page itself scroll.
    page.goto(f"{live_server.url}/library")
    page.wait_for_function("() => window.HarmonyNotifications !== undefined")
    page.evaluate("() => window.HarmonyNotifications.show('one', { title: 'A notice that stays', message: 'Text.' })")
    page.wait_for_function(
        "() => parseFloat(getComputedStyle(document.documentElement).getPropertyValue('--notices-height')) > 0"
    )
    assert page.evaluate("() => parseFloat(getComputedStyle(document.querySelector('main')).paddingBottom)") <= 12
