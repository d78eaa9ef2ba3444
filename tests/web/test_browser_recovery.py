"""The Traktor page in Chromium when things go wrong: the banner while an export waits for a (stand-in) Traktor,
the red banner of a damaged collection, a restore from the Backups section in two clicks, and the Operations
view. Skipped with a reason without Playwright or Chromium; under CI they must run."""

from __future__ import annotations

import os
import re
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import httpx
import pytest

from harmony import nml
from harmony.library import Library

from ..service.stand_in import start_traktor
from .conftest import LiveServer, make_demo
from .test_browser import chromium, configure, page  # noqa: F401  (fixtures)

pytestmark = pytest.mark.timeout(180)


def _run(client: httpx.Client, server: LiveServer, path: str, body: dict[str, Any] | None = None) -> None:
    started = client.post(path, json=body or {})
    assert started.status_code == 202, started.text
    op = server.call(server.state.service.wait(started.json()["operation_id"]))
    assert op.status == "succeeded", op.error


def _edit_first_track(server: LiveServer, comment: str) -> None:
    with Library.open(server.state.service.library_path) as library:
        track = library.search_tracks(limit=1, sort="id").tracks[0]
        library.update_track(track.id, {"comment": comment})


def test_damaged_banner_and_a_restore_in_two_clicks(live_server: LiveServer, page: Any, home: Path) -> None:  # noqa: F811
    demo = make_demo(home / "Traktor", tracks=150, seed=4)
    configure(live_server, demo)
    with httpx.Client(base_url=live_server.url, headers=live_server.token, timeout=60) as client:
        _run(client, live_server, "/api/traktor/sync")
        _edit_first_track(live_server, "exported")
        # Leaves a backup of the imported file (forced: the machine is shared, another test may run a "Traktor").
        _run(client, live_server, "/api/traktor/export", {"force": True})
    good = demo.nml.read_bytes()
    damaged = good[: len(good) // 2]
    demo.nml.write_bytes(damaged)

    page.goto(f"{live_server.url}/traktor")
    banner = page.locator("#damaged-banner")
    banner.wait_for(state="visible", timeout=30_000)
    assert "cannot be read as a collection" in page.text_content("#damaged-reason")
    page.wait_for_selector('#backups-section[data-ready="true"]', timeout=30_000)
    page.screenshot(path=str(home / "damaged.png"), full_page=True)

    # A sync of the damaged file fails, and its line says so until a good copy is back.
    page.click("#sync-button")
    failed = page.locator("#sync-result.error", has_text="Sync failed")
    failed.wait_for(timeout=60_000)

    page.click("#damaged-restore")  # takes the DJ to the backups
    restore = page.locator('#backups-table tr[data-source="harmony"] button[data-path]').first
    restore.click()
    assert restore.text_content() == "Click again to restore"
    assert demo.nml.read_bytes() == damaged  # one click does nothing yet
    restore.click()
    done = page.locator('.notification[data-color="green"]', has_text="Collection Restored")
    done.wait_for(timeout=60_000)
    # Auto-sync is off: the library keeps its values until a sync by hand. The yellow notice below says so; the
    # restore's own says how to undo it, and does not say it a second time.
    assert "restore it to undo this" not in done.text_content()  # over a damaged file: it cannot be put back
    assert "The damaged file it replaced was kept as a backup." in done.text_content()
    assert "sync would bring" not in done.text_content() and "Auto-sync" not in done.text_content()
    banner.wait_for(state="hidden", timeout=30_000)
    failed.wait_for(state="hidden", timeout=30_000)
    # The copy is older than the export ("exported" is not in it): the notice says a restore, not a save of
    # Traktor's, and offers the preview, not "Sync now", which would have put the older comment over the edit.
    notice = page.locator('.notification[data-id="traktor-changed"]')
    notice.wait_for(timeout=30_000)
    assert "The collection was restored from a backup" in notice.text_content()
    assert "A sync would bring its older values into the library, over the edits exported" in notice.text_content()
    assert notice.get_by_role("button", name="Sync now").count() == 0
    notice.get_by_role("button", name="Preview Sync").click()
    page.wait_for_selector("#preview-summary li.lead", timeout=60_000)
    assert page.text_content("#preview-summary li.lead").startswith("Would update 1 track")
    with Library.open(live_server.state.service.library_path) as library:
        assert library.search_tracks(limit=1, sort="id").tracks[0].values.comment == "exported"  # nothing applied
    page.reload()
    page.wait_for_selector('#backups-section[data-ready="true"]', timeout=30_000)
    page.wait_for_function("() => document.querySelector('#auto-sync-last').textContent !== ''")
    assert page.locator("#sync-result").is_hidden()  # the journal's failed sync is out of date, after a reload too

    page.goto(f"{live_server.url}/operations")
    page.wait_for_selector('body[data-ready="true"]')
    kinds = page.locator("#history-table tbody tr[data-operation]").evaluate_all(
        "rows => rows.map(row => row.dataset.operation)"
    )
    assert kinds[:2] == ["preview", "restore"], kinds
    newest = page.locator('#history-table tbody tr[data-operation="restore"]').first
    assert newest.get_attribute("data-status") == "succeeded"
    assert f"{demo.generated.tracks} tracks" in newest.locator("td").nth(4).text_content()
    page.go_back()

    assert demo.nml.read_bytes() == good[: len(demo.nml.read_bytes())] or nml.load(demo.nml) is not None
    assert len(nml.load(demo.nml).tracks) == demo.generated.tracks
    copies = sorted((demo.nml.parent / "Backup" / "Harmony").iterdir())
    assert any(copy.read_bytes() == damaged for copy in copies)  # the damaged file was kept too
    page.locator("#backups-table tbody tr[data-source]").nth(1).wait_for(timeout=30_000)


def test_an_export_adds_its_backup_to_the_open_page(live_server: LiveServer, page: Any, home: Path) -> None:  # noqa: F811
    demo = make_demo(home / "Traktor", tracks=120, seed=5)
    configure(live_server, demo)
    with httpx.Client(base_url=live_server.url, headers=live_server.token, timeout=60) as client:
        _run(client, live_server, "/api/traktor/sync")
    page.goto(f"{live_server.url}/traktor")
    page.wait_for_selector('#backups-section[data-ready="true"]', timeout=30_000)
    assert page.locator("#backups-table tbody tr[data-source]").count() == 0  # "No backups yet."
    _edit_first_track(live_server, "exported from the page's point of view")
    with httpx.Client(base_url=live_server.url, headers=live_server.token, timeout=60) as client:
        _run(client, live_server, "/api/traktor/export", {"force": True})
    # No reload, no click on Refresh: the export's backup is listed.
    row = page.locator('#backups-table tbody tr[data-source="harmony"]').first
    row.wait_for(timeout=30_000)
    # A Restore clicked once stays armed when the list is read again meanwhile (a failed sync reads it again):
    # the second click armed the new button and restored nothing.
    restore = row.locator("button[data-path]")
    restore.click()
    armed_at = time.monotonic()
    old = restore.element_handle()
    page.wait_for_timeout(3_000)  # half its time gone: a fresh 6 s on the redraw would end past 9 s
    page.click("#backups-refresh")
    page.wait_for_function("button => !button.isConnected", arg=old, timeout=30_000)
    if time.monotonic() - armed_at < 5.5:  # the list read again in 2.5 s: the first click's 6 s are not over
        assert restore.text_content() == "Click again to restore"
    # It is disarmed when the first click's 6 s are over, not 6 s after the list was drawn again.
    page.wait_for_function(
        "() => document.querySelector('#backups-table button[data-path]').textContent === 'Restore'", timeout=15_000
    )
    assert time.monotonic() - armed_at < 6 + 2.5
    # Traktor then loses one entry: the comparison counts it in words ("1 track", not "1 tracks").
    raw = demo.nml.read_bytes()
    last = list(re.finditer(rb"<ENTRY .*?</ENTRY>\s*", raw, re.DOTALL))[-1]
    demo.nml.write_bytes(raw[: last.start()] + raw[last.end() :])
    row.get_by_role("button", name="Compare").click()
    summary = page.locator("#compare-summary")
    page.wait_for_function("() => !document.querySelector('#compare-summary').textContent.startsWith('Comparing')")
    assert summary.text_content().startswith("The backup holds 120 tracks and "), summary.text_content()
    # And the track the export changed is in both, with other values.
    assert (
        "1 track only in the backup, 0 only in the current file, 1 in both whose entries differ (tags, cue points, "
        "play count or analysis). The playlists are the same." in summary.text_content()
    ), summary.text_content()


def test_a_comparison_shows_the_backup_clicked_last(live_server: LiveServer, page: Any, home: Path) -> None:  # noqa: F811
    """Compare clicked on one backup, then on another before the first answered: the first's figures came last and
    stood under the second's title (a DJ could restore a copy on another's word)."""
    demo = make_demo(home / "Traktor", tracks=40, seed=6)
    configure(live_server, demo)
    with httpx.Client(base_url=live_server.url, headers=live_server.token, timeout=60) as client:
        _run(client, live_server, "/api/traktor/sync")
        for index in (0, 1):  # each export edits one more track, and keeps the file before it
            with Library.open(live_server.state.service.library_path) as library:
                track = library.search_tracks(limit=2, sort="id").tracks[index]
                library.update_track(track.id, {"comment": f"edit {index}"})
            _run(client, live_server, "/api/traktor/export", {"force": True})
    page.goto(f"{live_server.url}/traktor")
    rows = page.locator('#backups-table tbody tr[data-source="harmony"]')
    rows.nth(1).wait_for(timeout=30_000)
    older = rows.nth(1).locator("button[data-path]").get_attribute("data-path")
    # The older backup's comparison answers 1.5 s late.
    page.evaluate(
        """older => { const send = window.fetch;
             const late = (url, rest) => new Promise((done) => setTimeout(done, 1500)).then(() => send(url, ...rest));
             window.fetch = (url, ...rest) => rest[0] && String(rest[0].body || '').includes(JSON.stringify(older))
               ? late(url, rest) : send(url, ...rest); }""",
        older,
    )
    rows.nth(1).get_by_role("button", name="Compare").click()
    rows.nth(0).get_by_role("button", name="Compare").click()
    page.wait_for_function("() => !document.querySelector('#compare-summary').textContent.startsWith('Comparing')")
    page.wait_for_timeout(2500)  # past the older one's answer
    # The newer backup lacks the second edit alone; the older one lacks both.
    assert "1 in both whose entries differ" in page.text_content("#compare-summary"), page.text_content(
        "#compare-summary"
    )


def test_the_damaged_banner_of_a_path_left_at_once_does_not_come_back(
    live_server: LiveServer,
    page: Any,  # noqa: F811
    home: Path,
) -> None:
    """The path of a cut-off file saved, then at once the good one again: the status asked for the cut-off file
    answered last and put the red "damaged" banner over the good collection, until a reload."""
    demo = make_demo(home / "Traktor", tracks=60, seed=11)
    configure(live_server, demo)
    with httpx.Client(base_url=live_server.url, headers=live_server.token, timeout=60) as client:
        _run(client, live_server, "/api/traktor/sync")
    cut = home / "Cut" / "collection.nml"
    cut.parent.mkdir()
    cut.write_bytes(demo.nml.read_bytes()[: demo.nml.stat().st_size // 2])
    page.goto(f"{live_server.url}/traktor")
    page.wait_for_selector('#backups-section[data-ready="true"]', timeout=30_000)
    assert page.is_hidden("#damaged-banner")
    # The status answers asked for while the cut-off file is the collection come 2 s late.
    page.evaluate(
        """() => { const send = window.fetch; window.slow = false;
             window.fetch = (url, ...rest) => {
               if (!window.slow || !String(url).endsWith('/api/traktor/status')) return send(url, ...rest);
               return send(url, ...rest).then((answer) => new Promise((done) => setTimeout(() => done(answer), 2000)));
             }; }"""
    )
    for path in (cut, demo.nml):
        page.evaluate("slow => { window.slow = slow; }", path == cut)
        page.fill("#nml-path", str(path))
        with page.expect_response(lambda answer: answer.url.endswith("/api/traktor/config")):
            page.click("#save-path")
        page.wait_for_timeout(100)  # the page asks for the status of the path it was given
    page.wait_for_timeout(3000)  # past the cut-off file's answer
    assert page.is_hidden("#damaged-banner")


def test_keeping_a_damaged_looking_collection_asks_once(live_server: LiveServer, page: Any, home: Path) -> None:  # noqa: F811
    demo = make_demo(home / "Traktor", tracks=100, seed=5)
    configure(live_server, demo)
    with httpx.Client(base_url=live_server.url, headers=live_server.token, timeout=60) as client:
        _run(client, live_server, "/api/traktor/sync")
    raw = demo.nml.read_bytes()
    entries = list(re.finditer(rb"<ENTRY .*?</ENTRY>\n", raw, re.DOTALL))  # keep one entry in ten
    demo.nml.write_bytes(
        raw[: entries[0].start()] + b"".join(m.group(0) for m in entries[::10]) + raw[entries[-1].end() :]
    )

    page.goto(f"{live_server.url}/traktor")
    page.locator("#damaged-banner").wait_for(state="visible", timeout=30_000)
    page.click("#damaged-accept")
    question = page.locator("#mass-removal")
    question.wait_for(state="visible", timeout=60_000)
    message = page.text_content("#mass-removal-message") or ""
    assert "looks damaged (it holds 10 tracks; it held 100" in message  # both reasons, in one question
    assert "would remove 90 of 100 tracks" in message
    words = page.locator("#mass-removal").inner_text()
    assert "--" not in words and "“Remove them and sync”" in words  # what to click, not a command-line flag
    with Library.open(live_server.state.service.library_path) as library:
        assert library.stats().tracks == 100  # nothing changed before the DJ confirms
    page.screenshot(path=str(home / "keep-damaged.png"), full_page=True)

    page.click("#mass-removal-confirm")
    page.locator("#damaged-banner").wait_for(state="hidden", timeout=60_000)
    assert question.is_hidden()
    with Library.open(live_server.state.service.library_path) as library:
        assert library.stats().tracks == 10


def _auto_sync_enabled(client: httpx.Client) -> None:
    """Wait until auto-sync has restarted with the saved settings (the restart runs after the answer)."""
    for _ in range(600):
        auto = client.get("/api/traktor/status").json()["auto_sync"]
        if auto and auto["enabled"]:
            return
        time.sleep(0.05)
    raise AssertionError("auto-sync did not start after it was switched on")


def test_waiting_banner_while_traktor_runs(live_server: LiveServer, page: Any, home: Path, tmp_path: Path) -> None:  # noqa: F811
    demo = make_demo(home / "Traktor", tracks=120, seed=6)
    auto = {"enabled": True, "direction": "bidirectional", "on_startup": False, "debounce_ms": 1000}
    with httpx.Client(base_url=live_server.url, headers=live_server.token, timeout=60) as client:
        assert client.put("/api/traktor/config", json={**demo.config(), "auto_sync": auto}).status_code == 200
        _auto_sync_enabled(client)
        _run(client, live_server, "/api/traktor/sync")
    traktor = start_traktor(tmp_path)
    try:
        page.goto(f"{live_server.url}/traktor")
        page.wait_for_selector("#nml-badges .badge.blue")
        before = demo.nml.read_bytes()
        _edit_first_track(live_server, "waits for Traktor")  # noticed by auto-sync's poll of the library

        banner = page.locator("#waiting-banner")
        banner.wait_for(state="visible", timeout=60_000)
        assert page.text_content("#waiting-message").startswith("Waiting for Traktor to close — 1 track to export")
        page.locator("#auto-sync-badge", has_text="Waiting for Traktor").wait_for(timeout=60_000)
        assert demo.nml.read_bytes() == before
        page.screenshot(path=str(home / "waiting.png"), full_page=True)

        traktor.quit()
        banner.wait_for(state="hidden", timeout=60_000)
        page.locator("#auto-sync-badge", has_text="Idle").wait_for(timeout=60_000)
    finally:
        traktor.kill()
    assert any(track.comment == "waits for Traktor" for track in nml.load(demo.nml).tracks)


def test_with_auto_sync_off_the_waiting_banner_promises_nothing_and_goes_with_traktor(
    live_server: LiveServer,
    page: Any,  # noqa: F811
    home: Path,
    tmp_path: Path,
) -> None:
    """Auto-sync off, an edit waiting, Traktor running: the banner said Harmony would export by itself once
    Traktor had closed, which nothing does with auto-sync off; and it stayed after Traktor quit, until a
    reload."""
    demo = make_demo(home / "Traktor", tracks=40, seed=12)
    configure(live_server, demo)
    with httpx.Client(base_url=live_server.url, headers=live_server.token, timeout=60) as client:
        _run(client, live_server, "/api/traktor/sync")
    _edit_first_track(live_server, "waits, auto-sync off")
    traktor = start_traktor(tmp_path)
    try:
        page.goto(f"{live_server.url}/traktor")
        banner = page.locator("#waiting-banner")
        banner.wait_for(state="visible", timeout=60_000)
        note = page.text_content("#waiting-note") or ""
        assert "exports by itself" not in note and "export once Traktor has closed" in note, note
        # An export tried now is refused: the banner says so, with its button; the notification has none (one
        # "Export anyway" is enough).
        with httpx.Client(base_url=live_server.url, headers=live_server.token, timeout=60) as client:
            assert client.post("/api/traktor/export", json={}).status_code == 202
        page.locator("#waiting-title", has_text="the export was not written").wait_for(timeout=60_000)
        page.locator('.notification[data-color="red"]').wait_for(timeout=30_000)
        assert page.locator(".notification button.action", has_text="Export anyway").count() == 0
        traktor.quit()
        banner.wait_for(state="hidden", timeout=30_000)
    finally:
        traktor.kill()


def test_an_export_refused_while_traktor_runs_offers_export_anyway_on_the_library_page(
    live_server: LiveServer,
    page: Any,  # noqa: F811
    home: Path,
    tmp_path: Path,
) -> None:
    """The library page's notification said "Quit Traktor first, or write anyway." with no way to write anyway,
    and closed after 5 s."""
    demo = make_demo(home / "Traktor", tracks=30, seed=13)
    configure(live_server, demo)
    with httpx.Client(base_url=live_server.url, headers=live_server.token, timeout=60) as client:
        _run(client, live_server, "/api/traktor/sync")
    _edit_first_track(live_server, "written anyway")
    before = demo.nml.read_bytes()
    traktor = start_traktor(tmp_path)
    try:
        page.goto(f"{live_server.url}/library")
        page.wait_for_selector("#tracks-body tr[data-id]")
        with httpx.Client(base_url=live_server.url, headers=live_server.token, timeout=60) as client:
            assert client.post("/api/traktor/export", json={}).status_code == 202
        refused = page.locator('.notification[data-color="red"]', has_text="Quit Traktor first")
        refused.wait_for(timeout=60_000)
        page.wait_for_timeout(6000)  # past the 5 s a failure's notification stays
        assert refused.is_visible()
        assert demo.nml.read_bytes() == before
        refused.get_by_role("button", name="Export anyway").click()
        page.locator('.notification[data-color="green"]', has_text="exported").wait_for(timeout=60_000)
        assert refused.count() == 0
    finally:
        traktor.kill()
    assert any(track.comment == "written anyway" for track in nml.load(demo.nml).tracks)


def test_operations_view_lists_and_filters_the_journal(live_server: LiveServer, page: Any, home: Path) -> None:  # noqa: F811
    demo = make_demo(home / "Traktor", tracks=60, seed=8)
    configure(live_server, demo)
    with httpx.Client(base_url=live_server.url, headers=live_server.token, timeout=60) as client:
        _run(client, live_server, "/api/traktor/sync")
        _run(client, live_server, "/api/traktor/preview")
        _run(client, live_server, "/api/traktor/export", {"dry_run": True})
    page.goto(f"{live_server.url}/operations")
    page.wait_for_selector('body[data-ready="true"]')
    rows = page.locator("#history-table tbody tr[data-operation]")
    assert rows.count() == 3
    assert page.text_content("#history-table tbody tr:first-child td:nth-child(2)") == "export preview"
    assert page.text_content("#history-table tbody tr:nth-child(2) td:nth-child(2)") == "preview"
    page.select_option("#filter-operation", "import")
    page.locator("#history-table tbody tr[data-operation]").nth(1).wait_for(state="detached", timeout=30_000)
    assert page.text_content("#history-table tbody tr td:nth-child(3)") == "You"
    assert "Imported 60 tracks" in page.text_content("#history-table tbody tr td:nth-child(5)")
    page.select_option("#filter-trigger", "auto-sync")
    page.wait_for_selector("text=No operations match.")
    # On a phone each operation is a card: nothing scrolls sideways, and the outcome and summary are in sight.
    size = page.viewport_size
    page.set_viewport_size({"width": 390, "height": 844})
    try:
        page.select_option("#filter-operation", "")
        page.select_option("#filter-trigger", "")
        page.locator("#history-table tbody tr[data-operation]").nth(2).wait_for(timeout=30_000)
        wrap = page.evaluate(
            "() => { const w = document.querySelector('.history-wrap');"
            " return [w.scrollWidth, w.clientWidth, document.documentElement.scrollWidth]; }"
        )
        assert wrap[0] <= wrap[1] and wrap[2] <= 390, wrap
        first = page.locator("#history-table tbody tr[data-operation]").first
        for label in ("Outcome", "Summary"):
            cell = first.locator(f'td[data-label="{label}"]').bounding_box()
            assert cell is not None and cell["x"] >= 0 and cell["x"] + cell["width"] <= 390, (label, cell)
    finally:
        page.set_viewport_size(size)


def test_operations_view_after_back_lists_what_its_filters_say(live_server: LiveServer, page: Any, home: Path) -> None:  # noqa: F811
    """Kind set to Import, then another page, then Back: the browser put "Import" back in its field, and the list
    showed every operation under it."""
    demo = make_demo(home / "Traktor", tracks=20, seed=10)
    configure(live_server, demo)
    with httpx.Client(base_url=live_server.url, headers=live_server.token, timeout=60) as client:
        _run(client, live_server, "/api/traktor/sync")
        _run(client, live_server, "/api/traktor/preview")
    page.goto(f"{live_server.url}/operations")
    page.wait_for_selector('body[data-ready="true"]')
    assert page.locator("#history-table tbody tr[data-operation]").count() == 2
    page.select_option("#filter-operation", "import")
    page.locator("#history-table tbody tr[data-operation]").nth(1).wait_for(state="detached")
    page.goto(f"{live_server.url}/library")
    page.go_back()
    page.wait_for_selector('body[data-ready="true"]')
    page.wait_for_timeout(500)
    assert page.input_value("#filter-operation") == "import"
    kinds = page.eval_on_selector_all(
        "#history-table tbody tr[data-operation]", "rows => rows.map(r => r.dataset.operation)"
    )
    assert kinds == ["import"], kinds


def test_operations_view_shows_the_last_filter_asked_for(live_server: LiveServer, page: Any, home: Path) -> None:  # noqa: F811
    """Two filters chosen quickly: the answer for the first came after the second's and replaced it, so the list
    said "No operations match." under filters that match (a CI run caught it on a busy machine)."""
    demo = make_demo(home / "Traktor", tracks=20, seed=9)
    configure(live_server, demo)
    with httpx.Client(base_url=live_server.url, headers=live_server.token, timeout=60) as client:
        _run(client, live_server, "/api/traktor/sync")
    page.goto(f"{live_server.url}/operations")
    page.wait_for_selector('body[data-ready="true"]')
    assert page.locator("#history-table tbody tr[data-operation]").count() == 1
    # The journal's answer for "auto-sync" (none) comes 1 s late, after the one for every trigger.
    page.evaluate(
        """() => { const send = window.fetch;
                   window.fetch = (url, ...rest) => !String(url).includes('trigger=auto-sync') ? send(url, ...rest)
                     : new Promise((done) => setTimeout(done, 1000)).then(() => send(url, ...rest)); }"""
    )
    page.select_option("#filter-trigger", "auto-sync")
    page.select_option("#filter-trigger", "")
    page.wait_for_timeout(2000)
    assert page.locator("#history-table tbody tr[data-operation]").count() == 1
    assert "No operations match." not in page.text_content("#history-table tbody")


def test_a_rebuild_refused_while_traktor_runs_offers_rebuild_anyway(
    live_server: LiveServer,
    page: Any,  # noqa: F811
    home: Path,
    tmp_path: Path,
) -> None:
    demo = make_demo(home / "Traktor", tracks=60, seed=8)
    configure(live_server, demo)
    with httpx.Client(base_url=live_server.url, headers=live_server.token, timeout=60) as client:
        _run(client, live_server, "/api/traktor/sync")
    before = demo.nml.read_bytes()
    traktor = start_traktor(tmp_path)
    try:
        page.goto(f"{live_server.url}/traktor")
        page.wait_for_selector('#backups-section[data-ready="true"]', timeout=30_000)
        page.click("#rebuild-button")
        page.click("#rebuild-button")
        banner = page.locator("#waiting-banner")
        banner.wait_for(state="visible", timeout=60_000)
        words = banner.inner_text()
        assert "the rebuild was not written" in words and "“Rebuild anyway”" in words
        assert re.search(r"Running now: Traktor Pro 4 \(pid \d+\)\. ", words), words
        assert "--" not in words and "step" not in words  # a DJ's words: no flags, no write steps
        assert page.text_content("#export-anyway") == "Rebuild anyway"
        assert demo.nml.read_bytes() == before
        page.screenshot(path=str(home / "rebuild-refused.png"), full_page=True)

        page.click("#export-anyway")
        page.locator('.notification[data-color="green"]', has_text="Rebuild").wait_for(timeout=60_000)
        banner.wait_for(state="hidden", timeout=30_000)
    finally:
        traktor.kill()
    assert demo.nml.read_bytes() != before and len(nml.load(demo.nml).tracks) == demo.generated.tracks


def test_a_collection_traktor_saved_since_the_last_sync_is_said_on_every_page(
    live_server: LiveServer,
    chromium: Any,  # noqa: F811
    home: Path,
) -> None:
    """Auto-sync off: the DJ changes a title in Traktor and comes back to the library page. It says Traktor
    changed its collection, with "Sync now"; the sync brings the title in and the notice goes. Closed by hand, it
    stays closed for that save. The Traktor page keeps its "Synced at" line over a reload, and its times are
    the DJ's own clock's (this browser runs in New York; the library stores UTC)."""
    demo = make_demo(home / "Traktor", tracks=120, seed=6)
    configure(live_server, demo)
    with httpx.Client(base_url=live_server.url, headers=live_server.token, timeout=60) as client:
        _run(client, live_server, "/api/traktor/sync")
    collection = nml.load(demo.nml)
    collection.tracks[0].title = "Renamed In Traktor"  # the DJ's edit in Traktor, saved when it quits
    demo.nml.write_bytes(collection.to_bytes())

    context = chromium.new_context(viewport={"width": 1400, "height": 900}, timezone_id="America/New_York")
    errors: list[str] = []
    try:
        page = context.new_page()
        page.on("pageerror", lambda error: errors.append(str(error)))

        def reload_and_hear_the_status() -> None:
            """Reload, and wait for the page's own status answer (the notice's source) to be read."""
            with page.expect_response(lambda r: "/api/traktor/status" in r.url and r.status == 200):
                page.reload()
            page.wait_for_selector("#tracks-table[aria-busy='false']")
            page.wait_for_timeout(200)  # the answer's handler runs after the response event

        page.goto(f"{live_server.url}/library")
        notice = page.locator('.notification[data-id="traktor-changed"]')
        notice.wait_for(timeout=30_000)
        assert "Traktor's collection changed" in notice.text_content()
        saved = datetime.fromtimestamp(demo.nml.stat().st_mtime, ZoneInfo("America/New_York"))
        shown = page.evaluate("t => new Date(t).toLocaleTimeString()", saved.replace(tzinfo=None).isoformat())
        assert f"saved at {shown}" in notice.text_content()  # New York's time, not UTC's
        page.screenshot(path=str(home / "traktor-changed.png"))
        page.set_viewport_size({"width": 390, "height": 844})  # a phone: the title and Sync now, no sentence
        assert notice.bounding_box()["height"] <= 80 and notice.get_by_role("button", name="Sync now").is_visible()
        assert not notice.locator(".message").is_visible()
        page.set_viewport_size({"width": 1400, "height": 900})

        notice.get_by_role("button", name="Sync now").click()
        page.locator(".notification", has_text="Traktor Import Complete").wait_for(timeout=60_000)
        notice.wait_for(state="detached", timeout=30_000)
        with Library.open(live_server.state.service.library_path) as library:
            assert library.search_tracks("Renamed In Traktor").total == 1
        reload_and_hear_the_status()
        assert notice.count() == 0  # in step: nothing said

        later = demo.nml.stat().st_mtime_ns + 60_000_000_000
        os.utime(demo.nml, ns=(later, later))  # Traktor quit again, saving the same bytes: nothing to say
        reload_and_hear_the_status()
        assert notice.count() == 0
        collection.tracks[1].title = "Renamed Again"  # Traktor quit again, with a change
        demo.nml.write_bytes(collection.to_bytes())
        later += 60_000_000_000
        os.utime(demo.nml, ns=(later, later))
        page.reload()
        notice.wait_for(timeout=30_000)
        notice.get_by_role("button", name="Close").click()
        reload_and_hear_the_status()
        assert notice.count() == 0  # closed for this save

        page.goto(f"{live_server.url}/traktor")
        line = page.locator("#sync-result")
        line.wait_for(timeout=30_000)
        finished = live_server.state.library.recent_operations(5)[0]
        assert finished.operation == "import"
        local = finished.finished_at.replace(tzinfo=UTC).astimezone(ZoneInfo("America/New_York")).replace(tzinfo=None)
        at = page.evaluate("t => new Date(t).toLocaleTimeString()", local.isoformat())
        assert line.text_content().startswith(f"Synced at {at}: "), line.text_content()
        imported = live_server.state.library.status().last_import_at
        assert imported is not None
        local = imported.replace(tzinfo=UTC).astimezone(ZoneInfo("America/New_York")).replace(tzinfo=None)
        at = page.evaluate("t => new Date(t).toLocaleTimeString()", local.isoformat())
        page.wait_for_function("() => document.querySelector('#auto-sync-last').textContent !== ''")
        assert page.text_content("#auto-sync-last") == f"Last sync: {at}"
        assert page.text_content("#auto-sync-badge") == "Off"  # it said "Idle" with auto-sync switched off
    finally:
        context.close()
    assert errors == [], f"JavaScript errors on the page: {errors}"


def test_the_traktor_page_reads_the_collection_again_when_traktor_saved_it_meanwhile(
    live_server: LiveServer,
    page: Any,  # noqa: F811
    home: Path,
) -> None:
    """The Traktor page open while Traktor saves the collection (the DJ comes back to the tab): the notice said
    it changed, but the badges kept the older count until a reload, beside a backup listed as "1 more track than
    now" that held as many as the badges said."""
    demo = make_demo(home / "Traktor", tracks=40, seed=8)
    configure(live_server, demo)
    with httpx.Client(base_url=live_server.url, headers=live_server.token, timeout=60) as client:
        _run(client, live_server, "/api/traktor/sync")
    page.goto(f"{live_server.url}/traktor")
    badge = page.locator("#nml-badges .badge.blue")
    badge.wait_for(timeout=30_000)
    assert badge.text_content() == "40 tracks"
    page.wait_for_timeout(1600)  # past the quiet time between two status checks of a page coming back

    collection = nml.load(demo.nml)
    collection.remove_track(collection.tracks[0])  # the DJ deleted a track in Traktor, which saved on quitting
    demo.nml.write_bytes(collection.to_bytes())
    later = demo.nml.stat().st_mtime_ns + 60_000_000_000
    os.utime(demo.nml, ns=(later, later))
    page.evaluate("() => window.dispatchEvent(new Event('focus'))")  # back from Traktor
    page.wait_for_function(
        "() => document.querySelector('#nml-badges .badge.blue')?.textContent === '39 tracks'", timeout=30_000
    )


def test_why_a_copy_is_damaged_is_read_with_a_tap(
    live_server: LiveServer,
    page: Any,  # noqa: F811
    home: Path,
) -> None:
    """A damaged copy in the backups said "damaged", and why only in a tooltip, which a phone cannot show. A tap
    (or a click) on it opens the reason."""
    demo = make_demo(home / "Traktor", tracks=30, seed=9)
    configure(live_server, demo)
    folder = demo.nml.parent / "Backup" / "Collection"
    folder.mkdir(parents=True)
    (folder / "collection 2026-12-01.nml").write_bytes(demo.nml.read_bytes()[:4000])
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"{live_server.url}/traktor")
    cell = page.locator("#backups-table tr[data-source='traktor'] td.error")
    cell.wait_for(timeout=30_000)
    # Whose copy it is shows on a phone too (Harmony's and Traktor's looked alike there).
    assert page.locator("#backups-table tr[data-source='traktor'] td:nth-child(2)").is_visible()
    why = cell.locator(".why")
    assert not why.is_visible()
    cell.locator("summary", has_text="damaged").click()
    why.wait_for()
    text = why.text_content()
    assert text.count("column") == 1, text  # its place once (lxml wrote it into the words too)
    assert why.bounding_box()["width"] <= 390
    page.screenshot(path=str(home / "damaged-copy-390.png"), full_page=True)


def test_last_sync_is_the_latest_of_auto_syncs_and_the_djs(live_server: LiveServer, page: Any, home: Path) -> None:  # noqa: F811
    """Auto-sync ran once, then was switched off, and the DJ synced by hand: "Last sync" showed auto-sync's
    run, beside a "Synced at" line minutes later."""
    demo = make_demo(home / "Traktor", tracks=80, seed=12)
    body = {**demo.config(), "auto_sync": {"enabled": True, "direction": "import", "on_startup": True}}
    with httpx.Client(base_url=live_server.url, headers=live_server.token, timeout=60) as client:
        assert client.put("/api/traktor/config", json=body).status_code == 200  # its start-up sync runs
        auto = live_server.state.auto_sync
        assert auto is not None
        for _ in range(600):
            if auto.status.last_sync_at is not None and not auto.status.running:
                break
            time.sleep(0.05)
        ran = auto.status.last_sync_at
        assert ran is not None
        off = {"auto_sync": {"enabled": False, "direction": "import", "on_startup": True}}
        assert client.put("/api/traktor/config", json=off).status_code == 200
        time.sleep(1.1)  # a later second for the sync by hand
        _run(client, live_server, "/api/traktor/sync")
    imported = live_server.state.library.status().last_import_at
    assert imported is not None and imported.replace(tzinfo=UTC) > ran
    page.goto(f"{live_server.url}/traktor")
    page.wait_for_selector("body[data-ready='true']")
    at = page.evaluate("t => new Date(t).toLocaleTimeString()", imported.replace(tzinfo=UTC).isoformat())
    # An auto-sync event can draw the line before the page's first answer brings the import's time: the line
    # must come to the later one.
    page.wait_for_function("t => document.querySelector('#auto-sync-last').textContent === t", arg=f"Last sync: {at}")
