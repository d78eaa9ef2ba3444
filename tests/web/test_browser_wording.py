"""The Traktor page's words and honest state, the completion sound, the favicon and the axe-core scan of the
Traktor and Operations pages, in a real Chromium (Debian's, through Playwright).

Skipped with a reason when Playwright, axe-playwright-python or Chromium is missing on a workstation; under CI
they must run."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.conftest import require

from .conftest import LiveServer, make_demo
from .test_browser import chromium, configure, open_traktor_page, page

__all__ = ["chromium", "page"]  # the fixtures, shared with test_browser (one Chromium per module)

# The words a DJ reads are an issue's proof: they stay in the quick suite, browser and all.
pytestmark = [pytest.mark.timeout(180), pytest.mark.quick]


def _wait_idle(server: LiveServer) -> None:
    with httpx.Client(base_url=server.url, headers=server.token) as client:
        deadline = time.monotonic() + 60
        while client.get("/api/operations").json()["running"]:
            assert time.monotonic() < deadline, "an operation did not finish"
            time.sleep(0.1)


def _notes(page: Any) -> list[dict[str, str]]:
    notes: list[dict[str, str]] = page.evaluate(
        "() => [...document.querySelectorAll('.notification')].map(n => ({color: n.dataset.color,"
        " title: n.querySelector('.title').textContent, message: n.querySelector('.message').textContent}))"
    )
    return notes


def test_empty_state_favicon_and_debounce_words(live_server: LiveServer, page: Any) -> None:
    missing: list[str] = []
    # Files the page loads (the API's own 404s, such as no backups without a collection, are answers, not gaps).
    page.on("response", lambda r: missing.append(r.url) if r.status == 404 and "/api/" not in r.url else None)
    page.goto(f"{live_server.url}/traktor")
    page.wait_for_selector("body[data-ready='true']")
    page.wait_for_selector("#nml-error:not([hidden])")
    error = page.text_content("#nml-error")
    # No collection chosen and none found: the page says what to click, not which command to type.
    assert "Browse…" in error and "harmony" not in error and "config set" not in error
    assert page.get_attribute("link[rel=icon]", "href") == "/static/favicon.svg"
    with httpx.Client(base_url=live_server.url, follow_redirects=True) as client:
        icon = client.get("/favicon.ico")
        assert icon.status_code == 200 and icon.headers["content-type"].startswith("image/svg")
    # The debounce is asked in seconds, so it is refused in seconds.
    with httpx.Client(base_url=live_server.url, headers=live_server.token) as client:
        client.put("/api/traktor/config", json={"auto_sync": {"enabled": True}})
    page.reload()
    page.wait_for_selector("body[data-ready='true']")
    page.fill("#auto-sync-debounce", "0.5")
    page.dispatch_event("#auto-sync-debounce", "change")
    page.wait_for_selector(".notification[data-color='red']")
    message = _notes(page)[-1]["message"]
    assert "seconds from 1 to 60" in message and "1000" not in message
    page.wait_for_function("() => document.getElementById('auto-sync-debounce').value === '5'")  # the stored one
    # A cleared "Backups kept" is no 0, and refusals one after the other keep one notice, the latest.
    for typed, said in (("", ": the field is empty."), ("0", ", not 0."), ("5000", ", not 5000.")):
        page.fill("#backups-to-keep", typed)
        page.dispatch_event("#backups-to-keep", "change")
        page.wait_for_function("() => document.getElementById('backups-to-keep').value === '10'")
        expected = f"Backups kept must be a whole number from 1 to 1000{said}"
        page.wait_for_function(
            "(text) => [...document.querySelectorAll('.notification[data-color=red]')].some("
            "  (n) => n.textContent.includes(text))",
            arg=expected,
        )
    # (Auto-sync, switched on above with no collection, may say so in red of its own: not a settings refusal.)
    assert page.locator(".notification[data-color='red']", has_text="Failed to save the settings").count() == 1
    page.fill("#backups-to-keep", "")
    page.type("#backups-to-keep", "1e")  # the field holds text it cannot read as a number: its value is ""
    page.dispatch_event("#backups-to-keep", "change")
    page.locator(".notification", has_text="from 1 to 1000: the field is not a number.").wait_for(timeout=10_000)
    page.wait_for_function("() => document.getElementById('backups-to-keep').value === '10'")
    page.fill("#backups-to-keep", "12")
    page.dispatch_event("#backups-to-keep", "change")
    # Saved as it changes, with no button: "Saved" beside the field says it took, for a moment.
    mark = page.locator("label:has(#backups-to-keep) .saved-mark")
    mark.wait_for(timeout=10_000)
    assert mark.text_content() == "Saved"
    assert page.locator(".notification[data-color='red']", has_text="Failed to save the settings").count() == 0
    mark.wait_for(state="detached", timeout=10_000)
    with httpx.Client(base_url=live_server.url, headers=live_server.token) as client:
        deadline = time.monotonic() + 10
        while client.get("/api/traktor/config").json()["backups_to_keep"] != 12:
            assert time.monotonic() < deadline, "12 was not saved"
            time.sleep(0.1)
        client.put("/api/traktor/config", json={"backups_to_keep": 10})
    assert missing == [], f"404s while the page loaded: {missing}"


def test_preview_sync_export_words_and_state(live_server: LiveServer, page: Any, home: Path) -> None:
    demo = make_demo(home / "Traktor", tracks=300, seed=5)
    configure(live_server, demo)
    page.goto(f"{live_server.url}/traktor")
    page.wait_for_selector("#nml-badges .badge.blue", timeout=90_000)
    assert page.text_content("#nml-badges .badge.blue") == "300 tracks"

    # A preview speaks of what would happen.
    page.click("#preview-button")
    page.wait_for_selector("#preview-summary li.lead", timeout=60_000)
    summary = page.text_content("#preview-summary li.lead")
    assert summary.startswith("Would import 300 tracks") and "Imported" not in summary
    assert page.locator("#preview-summary li", has_text="300 tracks").count() == 1  # said once

    # A second click on Sync follows the running import: no red error, the button is off while it runs.
    page.evaluate("() => { document.getElementById('sync-button').click(); }")
    page.wait_for_function("() => document.getElementById('sync-button').disabled")
    page.evaluate("() => { document.getElementById('sync-button').click(); }")  # ignored: disabled
    _wait_idle(live_server)
    page.wait_for_selector(".notification[data-color='green']", timeout=30_000)
    assert [n for n in _notes(page) if n["color"] == "red"] == []
    page.wait_for_function("() => !document.getElementById('sync-button').disabled")

    # Right after the first import nothing was exported, so no "Last export" is shown.
    page.reload()
    page.wait_for_selector("#nml-badges .badge.blue", timeout=90_000)
    page.wait_for_function("() => document.getElementById('export-status').textContent.length > 0")
    assert "Last export" not in page.text_content("#export-status")

    # An export with nothing to write says so; the page stops saying edits wait the moment it completes.
    with httpx.Client(base_url=live_server.url, headers=live_server.token) as client:
        track = client.get("/api/library/tracks", params={"limit": 1}).json()["tracks"][0]
    library = live_server.state.library
    assert library is not None
    page.click("#export-button")
    page.wait_for_selector(".notification[data-color='green'] >> text=Traktor Export Complete", timeout=60_000)
    done = [n for n in _notes(page) if n["title"] == "Traktor Export Complete"][-1]
    assert done["message"].startswith("Nothing to export") or done["message"] == "Successfully exported to Traktor"
    first_export_message = done["message"]
    library.update_track(track["id"], {"comment": "edited in the test"})
    page.reload()
    page.wait_for_function("() => document.getElementById('export-status').textContent.includes('waiting')")
    page.click("#export-button")
    page.wait_for_function(
        "() => [...document.querySelectorAll('.notification .message')].some(m =>"
        " m.textContent === 'Successfully exported to Traktor')",
        timeout=60_000,
    )
    status = page.text_content("#export-status")
    assert "waiting" not in status and "Nothing waits to be exported." in status and "Last export" in status
    # The first export came right after the import: the collection already held everything.
    assert first_export_message.startswith("Nothing to export")


def test_a_failed_preview_clears_its_progress_line(live_server: LiveServer, page: Any, home: Path) -> None:
    page.goto(f"{live_server.url}/traktor")
    page.wait_for_selector("body[data-ready='true']")
    page.route("**/api/traktor/preview", lambda route: route.fulfill(status=400, json={"error": "No collection."}))
    page.click("#preview-button")
    page.wait_for_selector("#preview-error:not([hidden])")
    assert page.is_hidden("#preview-progress")
    assert "Starting preview" not in (page.text_content("#preview") or "")


def test_completion_sound_is_off_by_default_and_plays_when_chosen(
    live_server: LiveServer, page: Any, home: Path
) -> None:
    open_traktor_page(live_server, page, home, tracks=20, seed=9)
    assert not page.is_checked("#completion-sound")
    page.click("#sync-button")
    page.wait_for_selector(".notification[data-color='green']", timeout=60_000)
    assert page.evaluate("() => window.Harmony.lastChime") is None
    page.check("#completion-sound")
    page.wait_for_function("() => document.getElementById('completion-sound').checked")
    with httpx.Client(base_url=live_server.url) as client:
        deadline = time.monotonic() + 10
        while not client.get("/api/traktor/config").json()["completion_sound"]:
            assert time.monotonic() < deadline
            time.sleep(0.05)
    # Saved on the server is not yet heard by the page: its "Saved" mark comes once the page has the answer and
    # has passed the setting on (CI on a slower machine chimed before that).
    page.locator("label:has(#completion-sound) .saved-mark").wait_for(timeout=10_000)
    page.evaluate("() => window.HarmonyNotifications.chime(false)")
    assert page.evaluate("() => window.Harmony.lastChime") == "failure"
    page.click("#export-button")
    page.wait_for_function("() => window.Harmony.lastChime === 'success'", timeout=60_000)


@pytest.mark.parametrize("path", ["/traktor", "/operations"])
def test_axe_finds_no_serious_violation(live_server: LiveServer, page: Any, home: Path, path: str) -> None:
    try:
        from axe_playwright_python.sync_playwright import Axe
    except ImportError:
        Axe = None
    require(Axe is not None, "axe-playwright-python is not installed (pip install axe-playwright-python)")
    assert Axe is not None
    configure(live_server, make_demo(home / "Traktor", tracks=20, seed=2))
    page.goto(f"{live_server.url}{path}")
    page.wait_for_selector("body[data-ready='true']" if path == "/traktor" else "main")
    if path == "/traktor":
        page.wait_for_selector("#nml-badges .badge.blue")
    results = Axe().run(page)
    bad = [
        (v["id"], v["impact"], [n["target"] for n in v["nodes"]][:3])
        for v in results.response["violations"]
        if v["impact"] in ("serious", "critical")
    ]
    assert bad == [], bad


def test_an_operations_summary_and_phases_read_whole_on_a_laptop(
    live_server: LiveServer, page: Any, home: Path
) -> None:
    """At 1,024 px the Operations page cut an import's summary short ("Imported 800 tracks, 2,543 cue po…") and its
    seconds per phase ran past the frame's edge. Both wrap over lines now, and the table fits its frame."""
    configure(live_server, make_demo(home / "Traktor", tracks=40, seed=5))
    with httpx.Client(base_url=live_server.url, headers=live_server.token) as client:
        assert client.post("/api/traktor/sync").status_code == 202
    _wait_idle(live_server)
    page.set_viewport_size({"width": 1024, "height": 700})
    page.goto(f"{live_server.url}/operations")
    page.wait_for_selector("body[data-ready='true']")
    cells = page.eval_on_selector_all(
        "#history-table tbody tr[data-operation] td.summary, #history-table tbody tr[data-operation] td.phases",
        "tds => tds.map(td => [td.textContent, td.scrollWidth <= td.clientWidth])",
    )
    assert len(cells) == 2 and cells[0][0].startswith("Imported 40 tracks") and "saving" in cells[1][0], cells
    assert all(whole for _, whole in cells), cells
    table, frame = page.evaluate(
        "() => [document.getElementById('history-table').offsetWidth,"
        " document.querySelector('.history-wrap').clientWidth]"
    )
    assert table <= frame, (table, frame)
