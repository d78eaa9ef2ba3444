"""The "Find missing files" page in a real Chromium: a collection whose files are elsewhere is imported (every
track marked missing), the suggested mappings are accepted one click each, and the missing count falls to 0.

Skipped with a reason when Playwright or Chromium is missing on a workstation; under CI they must run."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import httpx

from .conftest import LiveServer, make_demo
from .test_browser import chromium, page, wait_for_count  # noqa: F401 - the shared browser fixtures


def _wait_for(client: httpx.Client, operation_id: str) -> dict[str, Any]:
    for _ in range(600):
        op: dict[str, Any] = client.get(f"/api/operations/{operation_id}").json()
        if op["status"] not in ("queued", "running"):
            return op
        time.sleep(0.1)
    raise AssertionError(f"operation {operation_id} did not finish")


def _import_lost(live_server: LiveServer, home: Path, tracks: list[tuple[str, str, int]]) -> None:
    """Import a collection of (title, file, size in KiB) tracks whose files were under "Old Music", gone now:
    every one of them is marked missing."""
    from harmony import nml
    from harmony.nml import Location

    collection = nml.Collection.new()
    for title, file, kb in tracks:
        collection.add_track(Location("Music", "/:", file), title=title, artist="X", file_size=kb, playtime_float=1.0)
    nml_path = home / "collection.nml"
    nml_path.write_bytes(collection.to_bytes())
    with httpx.Client(base_url=live_server.url, headers=live_server.token) as client:
        config = {"nml_path": str(nml_path), "path_mappings": {"Music": str(home / "Old Music")}}
        assert client.put("/api/traktor/config", json=config).status_code == 200
        assert _wait_for(client, client.post("/api/traktor/sync").json()["operation_id"])["status"] == "succeeded"
        assert client.get("/api/library/missing").json()["count"] == len(tracks)


def _search(page: Any, live_server: LiveServer, found: Path, missing: int) -> None:  # noqa: F811
    """Open Find missing files (which counts ``missing``) and search ``found`` for the files."""
    from playwright.sync_api import expect

    page.goto(f"{live_server.url}/missing")
    expect(page.locator("#missing-count")).to_have_text(str(missing))
    page.fill("#relocate-roots", str(found))
    page.click("#relocate-button")


def test_accepting_the_suggested_mappings_finds_every_missing_file(
    live_server: LiveServer,
    page: Any,  # noqa: F811
    home: Path,
) -> None:
    from playwright.sync_api import expect  # the page fixture has made sure Playwright is there

    demo = make_demo(home / "Music" / "Traktor", tracks=120, seed=5)
    with httpx.Client(base_url=live_server.url, headers=live_server.token) as client:
        # The collection's paths name drives this computer does not have: no mapping yet.
        assert client.put("/api/traktor/config", json={"nml_path": str(demo.nml)}).status_code == 200
        started = client.post("/api/traktor/sync").json()
        op = _wait_for(client, started["operation_id"])
        assert op["status"] == "succeeded", op
        assert op["result"]["summary"].startswith("Imported 120 tracks (120 files not found)")
        assert client.get("/api/library/missing").json()["count"] == 120
        assert client.get("/api/library/tracks", params={"filter": "missing", "limit": 5}).json()["total"] == 120

    # The Traktor page's line about the sync sends the DJ to the page that finds them, by a link.
    page.goto(f"{live_server.url}/traktor")
    link = page.locator("#sync-result a", has_text="Find missing files")
    link.wait_for(timeout=30_000)
    assert "(120 files not found)" in page.text_content("#sync-result")
    link.click()
    page.wait_for_url(f"{live_server.url}/missing")
    expect(page.locator("#missing-count")).to_have_text("120")
    page.click("text=Look for the folder")
    page.locator(".suggestion").first.wait_for(timeout=30_000)
    volumes = len(demo.mappings)
    assert page.locator(".suggestion").count() == volumes
    page.screenshot(path=str(home.parent / "missing-suggestions.png"), full_page=True)
    for number in range(volumes):
        before = int(page.text_content("#missing-count").replace(",", ""))
        page.locator(".suggestion button").nth(number).click()
        for _ in range(600):
            if int(page.text_content("#missing-count").replace(",", "")) < before:
                break
            page.wait_for_timeout(100)
        else:
            raise AssertionError(f"the missing count stayed at {before} after accepting suggestion {number + 1}")
        after = int(page.text_content("#missing-count").replace(",", ""))
        if after:  # the files this mapping found (its import's files_found), not the tracks it moved
            with httpx.Client(base_url=live_server.url, headers=live_server.token) as client:
                imports = client.get("/api/history", params={"operation": "import"}).json()["operations"]
            found = imports[0]["counts"]["files_found"]
            assert found == before - after  # nothing else changed here
            expect(page.locator("#suggest-status")).to_have_text(
                f"Found {found} file{'s' if found > 1 else ''}. {after} track{'s are' if after > 1 else ' is'} "
                "still missing."
            )
    expect(page.locator("#missing-count")).to_have_text("0")
    expect(page.locator("#suggest-status")).to_have_text("Every missing file was found.")
    page.screenshot(path=str(home.parent / "missing-found.png"), full_page=True)
    with httpx.Client(base_url=live_server.url, headers=live_server.token) as client:
        mappings = client.get("/api/traktor/config").json()["path_mappings"]
        assert {prefix: str(Path(folder)) for prefix, folder in mappings.items()} == demo.mappings
        assert client.get("/api/library/missing").json()["count"] == 0
        tracks = client.get("/api/library/tracks", params={"limit": 500}).json()
        assert tracks["total"] == 120 and not any(t["missing"] for t in tracks["tracks"])


def _forty_missing_with_suggestions(live_server: LiveServer, page: Any, home: Path) -> None:  # noqa: F811
    """A 40-track collection imported with every file elsewhere, and the page's suggestions shown."""
    from playwright.sync_api import expect

    demo = make_demo(home / "Music" / "Traktor", tracks=40, seed=9)
    with httpx.Client(base_url=live_server.url, headers=live_server.token) as client:
        assert client.put("/api/traktor/config", json={"nml_path": str(demo.nml)}).status_code == 200
        assert _wait_for(client, client.post("/api/traktor/sync").json()["operation_id"])["status"] == "succeeded"
    page.goto(f"{live_server.url}/missing")
    expect(page.locator("#missing-count")).to_have_text("40")
    page.click("text=Look for the folder")
    page.locator(".suggestion").first.wait_for(timeout=30_000)


def _look_again(page: Any) -> None:  # noqa: F811
    """Click "Look for the folder" and wait until the suggestions are drawn anew."""
    page.evaluate("() => document.querySelectorAll('.suggestion button').forEach(b => { b.drawnBefore = true; })")
    page.click("text=Look for the folder")
    page.wait_for_function(
        "() => { const b = document.querySelector('.suggestion button'); return b && !b.drawnBefore; }"
    )


def test_an_import_that_ends_before_its_request_answers_still_updates_the_count(
    live_server: LiveServer,
    page: Any,  # noqa: F811
    home: Path,
) -> None:
    """A small library's import can end before the request that started it has answered: its last event then
    reached the page before the page knew the operation's id. The page must still see that it ended (it used
    to wait for good, the count stale). The answer to "Use this mapping" is held back here until the import
    has ended."""
    from playwright.sync_api import Route, expect

    _forty_missing_with_suggestions(live_server, page, home)

    def answer_once_the_import_ended(route: Route) -> None:
        response = route.fetch()
        operation = response.json()["operation_id"]
        with httpx.Client(base_url=live_server.url) as client:
            assert _wait_for(client, operation)["status"] == "succeeded"
        route.fulfill(response=response)

    page.route("**/api/library/missing/mappings", answer_once_the_import_ended)
    page.locator(".suggestion button").first.click()
    page.wait_for_function("() => Number(document.querySelector('#missing-count').textContent) < 40", timeout=30_000)
    expect(page.locator("#suggest-status")).not_to_have_text("Mapping saved. Importing again to find the files…")


def test_an_older_count_answered_last_does_not_hide_the_missing_tracks(
    live_server: LiveServer,
    page: Any,  # noqa: F811
    home: Path,
) -> None:
    """The page counts again after every change of the library. A count asked before another and answered after it
    was drawn over it: after an undo had brought missing tracks back, an older "0" hid their searches."""
    from playwright.sync_api import expect

    _import_lost(live_server, home, [("One", "one.mp3", 100), ("Two", "two.mp3", 200)])
    page.goto(f"{live_server.url}/missing")
    expect(page.locator("#missing-count")).to_have_text("2")
    # The next count answers 1.5 s late, and says what it would have said before the tracks came back: 0.
    page.evaluate(
        """() => { const send = window.fetch; let first = true;
             window.fetch = (url, ...rest) => {
               if (!first || !String(url).endsWith('/api/library/missing?limit=0')) return send(url, ...rest);
               first = false;
               return new Promise((done) => setTimeout(done, 1500)).then(() => new Response(
                 JSON.stringify({ count: 0, tracks: [] }), { headers: { 'Content-Type': 'application/json' } }));
             }; }"""
    )
    with httpx.Client(base_url=live_server.url, headers=live_server.token) as client:
        track = client.get("/api/library/tracks", params={"limit": 1}).json()["tracks"][0]
        for comment in ("one", "two"):  # two changes of the library, two counts
            assert client.patch(f"/api/library/tracks/{track['id']}", json={"comment": comment}).status_code == 200
            page.wait_for_timeout(300)
    page.wait_for_timeout(2000)  # past the older count's answer
    expect(page.locator("#missing-count")).to_have_text("2")
    assert page.locator("#relocate-heading").is_visible()


def test_the_other_suggestions_wait_while_a_mapping_imports(
    live_server: LiveServer,
    page: Any,  # noqa: F811
    home: Path,
) -> None:
    """Each mapping starts an import, and only one import runs at a time: a quick second click used to save its
    mapping, have its import refused, and say "Could not save the mapping". Now the other suggestions are
    disabled from the click until that import has ended; the used one then says so and stays disabled."""
    from playwright.sync_api import Route, expect

    _forty_missing_with_suggestions(live_server, page, home)
    buttons = page.locator(".suggestion button")
    assert buttons.count() >= 2

    held: list[Route] = []
    page.route("**/api/library/missing/mappings", lambda route: held.append(route))
    buttons.first.click()
    # The request is held: the page is between the click and the import's end. Suggestions looked for again
    # meanwhile wait too.
    for button in range(buttons.count()):
        expect(buttons.nth(button)).to_be_disabled()
    _look_again(page)
    for button in range(buttons.count()):
        expect(buttons.nth(button)).to_be_disabled()
    for _ in range(100):
        if held:
            break
        page.wait_for_timeout(50)
    assert len(held) == 1
    held[0].continue_()
    page.wait_for_function("() => Number(document.querySelector('#missing-count').textContent) < 40", timeout=30_000)
    used = buttons.first.get_attribute("data-mapping")
    for looked_again in (False, True):
        if looked_again:  # the others can be used at once; the used one, its files found, is gone or says "Used"
            _look_again(page)
        states = page.eval_on_selector_all(
            ".suggestion button", "bs => bs.map(b => [b.dataset.mapping, b.textContent, b.disabled])"
        )
        assert states and all(
            (text, disabled) == (("Used", True) if mapping == used else ("Use this mapping", False))
            for mapping, text, disabled in states
        ), states


def test_with_nothing_missing_the_page_says_so_and_offers_no_search(
    live_server: LiveServer,
    page: Any,  # noqa: F811
    home: Path,
) -> None:
    """An empty library (or one whose files are all there): no "Look for the folder", no "Search" that could only
    answer "Found 0 of 0 missing files". An import that marks files missing while the page is open brings them."""
    from playwright.sync_api import expect

    page.goto(f"{live_server.url}/missing")
    page.wait_for_function("() => document.querySelector('#missing-words').textContent.startsWith('Every track')")
    assert not page.is_visible("#suggest-button")
    assert not page.is_visible("#relocate-button")
    demo = make_demo(home / "Music" / "Traktor", tracks=30, seed=6)
    with httpx.Client(base_url=live_server.url, headers=live_server.token) as client:
        assert client.put("/api/traktor/config", json={"nml_path": str(demo.nml)}).status_code == 200
        assert _wait_for(client, client.post("/api/traktor/sync").json()["operation_id"])["status"] == "succeeded"
    expect(page.locator("#missing-count")).to_have_text("30")
    assert page.is_visible("#suggest-button") and page.is_visible("#relocate-button")
    # A folder the search refuses: why stays under the folders, not only in a notification that closes.
    page.fill("#relocate-roots", "/no/such/folder/here")
    page.click("#relocate-button")
    expect(page.locator("#relocate-summary")).to_contain_text("Cannot search '/no/such/folder/here'")
    expect(page.locator("#relocate-summary")).to_be_visible()
    # Where the search may look is said before any refusal, and the placeholder is one of those places.
    where = page.text_content("#relocate-where")
    home_folder = str(live_server.state.browse_root)
    assert where.startswith(f"Harmony searches inside {home_folder}"), where
    assert page.get_attribute("#relocate-roots", "placeholder") == home_folder  # a folder there is, not a guess
    # Nothing typed: that is said under the folders, in place of the older refusal.
    page.fill("#relocate-roots", "")
    page.click("#relocate-button")
    expect(page.locator("#relocate-summary")).to_have_text("Type at least one folder to search.")


def test_an_unsure_match_is_relocated_once_ticked_and_a_choice_is_asked_for(
    live_server: LiveServer,
    page: Any,  # noqa: F811
    home: Path,
) -> None:
    """Two unsure matches: "h.wav" has one file of its name, whose size and tags disagree, "e.wav" two files
    nothing tells apart. Ticking the first relocates it to its one file; ticking the second without choosing asks for a
    choice and moves nothing."""
    from playwright.sync_api import expect

    from ..service.audio_files import write_wav

    found = home / "Found"
    write_wav(found / "h.wav", title="Another Song", artist="Someone Else", tone=1)
    write_wav(found / "one" / "e.wav", title="E", artist="X", tone=5)
    write_wav(found / "two" / "e.wav", title="E", artist="X", tone=6)
    size = (found / "h.wav").stat().st_size // 1024
    _import_lost(live_server, home, [("H", "h.wav", size + 100), ("E", "e.wav", size)])
    _search(page, live_server, found, missing=2)
    rows = page.locator("#relocate-rows tr")
    expect(rows).to_have_count(2, timeout=30_000)
    h_row = rows.filter(has_text="h.wav")
    e_row = rows.filter(has_text="e.wav")
    expect(h_row.locator("td").nth(2)).to_contain_text("Ambiguous")
    expect(h_row.locator(".doubt")).to_have_text("size or tags differ")  # why it is unsure
    # Each track by its artist and title, as a DJ knows it, its old file below.
    expect(h_row.locator(".track-name")).to_have_text("X – H")
    expect(h_row.locator(".old-path")).to_have_text(str(home / "Old Music" / "h.wav"))
    expect(e_row.locator(".doubt")).to_have_text("several files")
    expect(h_row.locator("input[type=checkbox]")).not_to_be_checked()  # unsure: the DJ decides
    expect(h_row.locator("td").nth(3)).to_have_text(str(found / "h.wav"))
    # On a phone each match is a card: the file chooser is whole (it was cut to "Choos"), nothing runs off screen.
    page.set_viewport_size({"width": 390, "height": 844})
    chooser = e_row.locator("select").bounding_box()
    assert chooser is not None and chooser["width"] > 250, chooser
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.screenshot(path=str(home.parent / "missing-phone.png"), full_page=True)
    page.set_viewport_size({"width": 1400, "height": 900})

    page.click("#relocate-apply")  # nothing ticked
    expect(page.locator(".notification", has_text="Tick the tracks to relocate first.")).to_be_visible()

    e_row.locator("input[type=checkbox]").check()
    expect(e_row.locator("select")).to_be_focused()
    h_row.locator("input[type=checkbox]").check()
    page.click("#relocate-apply")
    asked = f"Choose which file is “X – E” ({home / 'Old Music' / 'e.wav'})"  # the track, by name and file
    expect(page.locator(".notification", has_text=asked)).to_be_visible()
    expect(e_row.locator("select")).to_be_focused()
    with httpx.Client(base_url=live_server.url, headers=live_server.token) as client:
        assert client.get("/api/library/missing").json()["count"] == 2  # nothing moved

    expect(page.locator(".notification", has_text="Tick the tracks")).to_be_hidden()  # the newer refusal replaced it
    e_row.locator("input[type=checkbox]").uncheck()
    page.click("#relocate-apply")
    expect(page.locator(".notification", has_text="1 track now points at its file.")).to_be_visible()
    expect(page.locator(".notification", has_text="Choose which file is")).to_be_hidden()  # answered: gone
    expect(page.locator("#missing-count")).to_have_text("1")
    # The row relocated goes; the one still to choose for stays.
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("e.wav")
    expect(page.locator("#relocate-summary")).to_have_text("1 track relocated.")
    page.screenshot(path=str(home.parent / "missing-unsure-relocated.png"), full_page=True)
    with httpx.Client(base_url=live_server.url, headers=live_server.token) as client:
        [still] = client.get("/api/library/missing").json()["tracks"]
        assert still["title"] == "E"
        tracks = client.get("/api/library/tracks", params={"limit": 10}).json()["tracks"]
        assert {t["title"]: t["path"] for t in tracks}["H"] == str(found / "h.wav")

    # The relocation's notification undoes it: the track points at its old file again, missing, and its row is
    # back first, unticked, to be ticked again.
    page.locator(".notification", has_text="Relocated “H”").get_by_role("button", name="Undo").click()
    expect(page.locator(".notification", has_text="Undone: Relocated “H”")).to_be_visible()
    expect(page.locator("#missing-count")).to_have_text("2")
    expect(rows).to_have_count(2)
    expect(rows.first).to_contain_text("h.wav")
    expect(h_row.locator("input[type=checkbox]")).not_to_be_checked()
    expect(page.locator("#relocate-summary")).to_have_text("Undone: 1 track points at the old file again.")
    with httpx.Client(base_url=live_server.url, headers=live_server.token) as client:
        tracks = client.get("/api/library/tracks", params={"limit": 10}).json()["tracks"]
        assert {t["title"]: (t["path"], t["missing"]) for t in tracks}["H"] == (str(home / "Old Music" / "h.wav"), True)

    # No sure match listed: the heading has no box to tick them all.
    expect(page.get_by_label("Tick every sure match")).to_be_hidden()

    # Ctrl-Z takes the page's relocations back too, once their notifications have gone: the last, then the one
    # before.
    h_row.locator("input[type=checkbox]").check()
    page.click("#relocate-apply")
    expect(page.locator(".notification", has_text="1 track now points at its file.")).to_be_visible()
    expect(page.locator("#missing-count")).to_have_text("1")
    e_row.locator("select").select_option(str(found / "one" / "e.wav"))
    page.click("#relocate-apply")
    expect(page.locator(".notification", has_text="Relocated “E”")).to_be_visible()
    expect(page.locator("#missing-count")).to_have_text("0")
    page.evaluate("window.HarmonyNotifications.hide('relocated')")
    # E's relocation undone elsewhere (the library page, the CLI): Ctrl-Z here says so, then goes on to H's.
    with httpx.Client(base_url=live_server.url, headers=live_server.token) as client:
        assert client.post("/api/undo", json={}).json()["undone"]["label"] == "Relocated “E”"
    expect(page.locator("#missing-count")).to_have_text("1")
    page.keyboard.press("Control+z")
    expect(page.locator(".notification", has_text="That edit is already undone.")).to_be_visible()
    page.keyboard.press("Control+z")
    expect(page.locator(".notification", has_text="Undone: Relocated “H”")).to_be_visible()
    expect(page.locator("#missing-count")).to_have_text("2")
    expect(rows).to_have_count(1)  # H's row is back; E's, undone elsewhere, waits for a new search
    page.keyboard.press("Control+z")  # nothing of the page's left to undo: said, and nothing else undone
    expect(page.locator(".notification", has_text="Nothing to undo here")).to_be_visible()
    expect(page.locator("#missing-count")).to_have_text("2")

    # The page's link shows the tracks still missing in the library, filtered (both, since the undo).
    page.click("#missing-list")
    page.wait_for_url("**/library")
    wait_for_count(page, "2 missing tracks")
    expect(page.locator("#filter-missing")).to_have_attribute("aria-pressed", "true")
    expect(page.locator("#tracks-body tr[data-id]")).to_have_count(2)
    expect(page.locator("#tracks-body tr.missing")).to_have_count(2)


def test_the_heading_ticks_the_sure_matches_and_leaves_a_stray_file_to_the_dj(
    live_server: LiveServer,
    page: Any,  # noqa: F811
    home: Path,
) -> None:
    """ "s.wav" is where it went, with its size: a sure match. "j.wav" is a 5 KB stray of the track's name that
    cannot be read, where Traktor knows a recording of megabytes: listed as unsure, with why, and never ticked
    by the heading's box."""
    from playwright.sync_api import expect

    from ..service.audio_files import write_wav

    found = home / "Found"
    write_wav(found / "s.wav", title="S", artist="X", tone=1)
    (found / "j.wav").write_bytes(b"\x00" * 5000)
    size = (found / "s.wav").stat().st_size // 1024
    _import_lost(live_server, home, [("S", "s.wav", size), ("J", "j.wav", 9000)])
    _search(page, live_server, found, missing=2)
    rows = page.locator("#relocate-rows tr")
    expect(rows).to_have_count(2, timeout=30_000)
    sure = rows.filter(has_text="s.wav").locator("input[type=checkbox]")
    stray = rows.filter(has_text="j.wav")
    expect(sure).to_be_checked()
    expect(stray.locator("td").nth(2)).to_contain_text("Ambiguous")
    expect(stray.locator(".doubt")).to_have_text("size or tags differ")
    expect(stray.locator("input[type=checkbox]")).not_to_be_checked()
    tick_all = page.get_by_label("Tick every sure match")
    expect(tick_all).to_be_checked()  # every sure match is ticked
    tick_all.uncheck()
    expect(sure).not_to_be_checked()
    stray.locator("input[type=checkbox]").check()
    expect(tick_all).not_to_be_checked()
    tick_all.check()
    expect(sure).to_be_checked()
    stray.locator("input[type=checkbox]").uncheck()
    expect(tick_all).to_be_checked()  # the stray is not the heading's to tick
    page.screenshot(path=str(home.parent / "missing-tick-sure.png"), full_page=True)


def test_a_music_folder_moved_away_shows_once_every_file_is_checked(
    live_server: LiveServer,
    page: Any,  # noqa: F811
    home: Path,
) -> None:
    """Every file was there at the import; the folder has moved since. The page, which knows only the last
    check, offers "Check every file now", and the search comes with what it finds."""
    import shutil

    from playwright.sync_api import expect

    demo = make_demo(home / "Music" / "Traktor", tracks=30, seed=6)
    with httpx.Client(base_url=live_server.url, headers=live_server.token) as client:
        assert client.put("/api/traktor/config", json=demo.config()).status_code == 200
        op = _wait_for(client, client.post("/api/traktor/sync").json()["operation_id"])
        assert op["status"] == "succeeded" and op["result"]["files_not_found"] == 0, op
    shutil.move(str(demo.generated.files_dir), str(home / "Moved"))

    page.goto(f"{live_server.url}/missing")
    expect(page.locator("#missing-words")).to_contain_text("at the last check: nothing to find")
    expect(page.locator("#relocate-button")).to_be_hidden()
    page.click("#check-button")
    expect(page.locator("#check-status")).to_have_text("Checked: 30 tracks have lost their file.")
    expect(page.locator("#missing-count")).to_have_text("30")
    expect(page.locator("#relocate-button")).to_be_visible()
    shutil.move(str(home / "Moved"), str(demo.generated.files_dir))
    page.click("#check-button")
    expect(page.locator("#check-status")).to_have_text("Checked: 30 tracks have their file back.")
    expect(page.locator("#relocate-button")).to_be_hidden()

    # Changes made elsewhere reach the page, whichever it shows: relocated away (nothing missing) and undone.
    shutil.move(str(demo.generated.files_dir), str(home / "Moved"))
    page.click("#check-button")
    expect(page.locator("#missing-count")).to_have_text("30")
    with httpx.Client(base_url=live_server.url, headers=live_server.token) as client:
        lost = client.get("/api/library/missing", params={"limit": 100}).json()["tracks"]
        moves = [
            {"track_id": t["id"], "path": t["path"].replace(str(demo.generated.files_dir), str(home / "Moved"))}
            for t in lost
        ]
        step = client.post("/api/library/relocate/apply", json={"moves": moves}).json()["step"]
        expect(page.locator("#missing-words")).to_contain_text("nothing to find")
        expect(page.locator("#relocate-button")).to_be_hidden()
        assert client.post("/api/undo", json={"step": step["id"]}).status_code == 200
    expect(page.locator("#missing-count")).to_have_text("30")
    expect(page.locator("#relocate-button")).to_be_visible()
