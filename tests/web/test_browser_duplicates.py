"""The Duplicates page in a real Chromium: a group shows each track's length, BPM, key, cues, plays, playlists,
format and bitrate with the keep rule's choice checked; the DJ keeps another by hand and merges; the group goes
and the track count falls; Undo brings the group and the merged-away track back. And axe-core finds no serious
or critical violation on the Duplicates and "Find missing files" pages.

Skipped with a reason when Playwright, axe-playwright-python or Chromium is missing on a workstation; under CI
they must run."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import httpx
import pytest

from harmony.library import CueValues, Library, TrackValues
from tests.conftest import require

from .conftest import LiveServer
from .test_browser import chromium, held_requests, page, release  # noqa: F401 - the shared browser fixtures


def _library(server: LiveServer) -> tuple[int, int, int]:
    """Two files of one song (the MP3 has more cue points: the rule keeps it) and another song; the files are
    not on this computer, so both pages have something to show."""
    library = server.state.library
    assert isinstance(library, Library)
    song = {"artist": "Art", "title": "Song", "duration": 200.0}
    flac, mp3, other = library.add_tracks(
        [
            (
                TrackValues("/music/Song.flac", bitrate=1411000, play_count=2, bpm=124.0, musical_key=21, **song),
                [CueValues(0, 1000.0, hotcue=0)],
            ),
            (
                TrackValues("/music/Song.mp3", bitrate=320000, play_count=5, bpm=62.0, **song),
                [CueValues(0, 1000.0, hotcue=0), CueValues(0, 2000.0, hotcue=1), CueValues(5, 3000.0, 4000.0)],
            ),
            (TrackValues("/music/Other.mp3", artist="Art", title="Other", duration=90.0), []),
        ]
    )
    library.create_playlist("Friday", None, track_ids=[flac, other, mp3])
    library.check_files()  # none of the files is here: all marked missing
    return flac, mp3, other


def test_a_group_is_merged_by_hand_and_undo_brings_it_back(
    live_server: LiveServer,
    page: Any,  # noqa: F811
) -> None:
    from playwright.sync_api import expect  # the page fixture has made sure Playwright is there

    flac, mp3, _ = _library(live_server)
    page.goto(f"{live_server.url}/duplicates")
    status = page.locator("#duplicates-status")
    expect(status).to_have_text("1 group of duplicates among 3 tracks.")
    group = page.locator(".duplicate-group")
    expect(group.locator("h2")).to_have_text("Likely the same: Art – Song")
    rows = {
        int(row.get_attribute("data-track")): [cell.inner_text().strip() for cell in row.locator("td").all()[1:]]
        for row in group.locator("tbody tr").all()
    }
    assert rows == {
        flac: [
            "Art – Song",
            "3:20",
            "124.00",
            "1m",
            "1",
            "2",
            "Friday",
            "flac",
            "1411 kbps",
            "/music/Song.flac file missing",
        ],
        mp3: [
            "Art – Song suggested",
            "3:20",
            "62.00",
            "–",
            "3",
            "5",
            "Friday",
            "mp3",
            "320 kbps",
            "/music/Song.mp3 file missing",
        ],
    }
    expect(group.locator(f'input[value="{mp3}"]')).to_be_checked()  # the keep rule: most cue points

    group.locator(f'input[value="{flac}"]').check()  # the DJ keeps the lossless file instead
    merge = group.get_by_role("button", name="Merge into the checked track")
    # The app's own question (not the browser's confirm()): what is kept, what leaves; Cancel changes nothing.
    merge.click()
    question = page.get_by_role("dialog", name="Merge into “Song”?")  # as the undo history names the merge
    expect(question).to_be_visible()
    expect(question.locator("#confirm-message")).to_have_text(
        "Keep “/music/Song.flac” and merge 1 other track into it. The other leaves the library and, at the next "
        "export, the Traktor collection. Its file stays on disk."
    )
    question.get_by_role("button", name="Cancel").click()
    expect(question).to_be_hidden()
    expect(merge).to_be_focused()  # the keyboard is back where it was
    expect(group.locator("tbody tr")).to_have_count(2)
    with httpx.Client(base_url=live_server.url, headers=live_server.token) as client:
        assert client.get(f"/api/library/tracks/{mp3}").status_code == 200
    held_merge = held_requests(page, "**/api/library/merge")  # held while the page is looked at
    merge.click()
    question.get_by_role("button", name="Merge", exact=True).click()
    expect(group.locator("button.merge")).to_have_text("Merging…")
    # The notification says so too, in the place of the last merge's (whose Undo would have had to wait).
    expect(page.locator('.notification[data-id="merged"] .title')).to_have_text("Merging…")
    expect(group.locator(f'input[value="{mp3}"]')).to_be_disabled()  # a choice made now would not count
    release(page, held_merge)
    expect(page.locator(".duplicate-group")).to_have_count(0)
    expect(status).to_have_text("No duplicates among 2 tracks.")
    expect(status).to_be_focused()  # no group left: the keyboard lands on the line that says so
    note = page.locator('.notification[data-id="merged"]')
    expect(note.locator(".title")).to_have_text("Merged 1 duplicate into “Song”")
    page.wait_for_timeout(300)  # the merge's event has come (before its held answer): not an edit made elsewhere
    expect(page.locator("#duplicates-stale")).to_be_hidden()
    with httpx.Client(base_url=live_server.url, headers=live_server.token) as client:
        assert client.get(f"/api/library/tracks/{mp3}").status_code == 404
        kept = client.get(f"/api/library/tracks/{flac}").json()
        assert (kept["play_count"], len(kept["cues"])) == (7, 3)  # plays summed, cues joined without doubles

    # The undo of a big group takes seconds: the page says so and takes no other merge meanwhile.
    held = held_requests(page, "**/api/undo")  # held until the page has been looked at meanwhile
    note.get_by_role("button", name="Undo").click()
    expect(note.locator(".title")).to_have_text("Undoing the merge…")
    expect(page.locator("#duplicate-groups")).to_have_attribute("aria-busy", "true")
    release(page, held)
    expect(page.locator(".duplicate-group")).to_have_count(1)
    expect(status).to_have_text("1 group of duplicates among 3 tracks.")
    expect(note.locator(".title")).to_have_text("Undone: Merged 1 duplicate into “Song”")  # as the library says it
    expect(group.get_by_role("button", name="Merge into the checked track")).to_be_focused()
    with httpx.Client(base_url=live_server.url, headers=live_server.token) as client:
        back = client.get(f"/api/library/tracks/{mp3}").json()
        assert (back["play_count"], len(back["cues"]), back["missing"]) == (5, 3, True)
        kept = client.get(f"/api/library/tracks/{flac}").json()
        assert (kept["play_count"], len(kept["cues"])) == (2, 1)
    page.wait_for_timeout(300)  # and the undo's
    expect(page.locator("#duplicates-stale")).to_be_hidden()
    page.screenshot(path=str(Path(live_server.app.state.web.browse_root).parent / "duplicates-undone.png"))


def test_a_merge_made_elsewhere_is_said_and_the_page_looks_again(
    live_server: LiveServer,
    page: Any,  # noqa: F811
) -> None:
    """The groups are found once; a merge made in another tab (or its undo) left this page showing a group that
    was gone, or missing one that was back, until a reload. The page says the library changed and looks again
    when asked."""
    from playwright.sync_api import expect

    flac, mp3, _ = _library(live_server)
    page.goto(f"{live_server.url}/duplicates")
    status = page.locator("#duplicates-status")
    stale = page.locator("#duplicates-stale")
    expect(status).to_have_text("1 group of duplicates among 3 tracks.")
    expect(stale).to_be_hidden()
    with httpx.Client(base_url=live_server.url, headers=live_server.token) as client:  # another tab
        merged = client.post("/api/library/merge", json={"keep": mp3, "others": [flac]})
        assert merged.status_code == 200, merged.text
    expect(stale).to_be_visible()
    expect(page.locator(".duplicate-group")).to_have_count(1)  # drawn as it was: the DJ's choices stay
    page.get_by_role("button", name="Look again").click()
    expect(page.locator(".duplicate-group")).to_have_count(0)
    expect(status).to_have_text("No duplicates among 2 tracks.")
    expect(stale).to_be_hidden()
    with httpx.Client(base_url=live_server.url, headers=live_server.token) as client:
        undone = client.post("/api/undo", json={"step": merged.json()["step"]["id"]})
        assert undone.status_code == 200, undone.text
    expect(stale).to_be_visible()
    page.get_by_role("button", name="Look again").click()
    expect(page.locator(".duplicate-group")).to_have_count(1)
    expect(status).to_have_text("1 group of duplicates among 3 tracks.")
    expect(stale).to_be_hidden()


def test_a_hebrew_group_reads_as_in_the_library_and_its_names_keep_room_on_a_laptop(
    live_server: LiveServer,
    page: Any,  # noqa: F811
) -> None:
    """ "שבת (Live Mix)" by a Hebrew artist: its title reads right to left as in the library's columns (the Hebrew
    word right of "(Live Mix)"), in the group's heading and in each row. At 1,024 px with long paths the
    track's name had a word a line beside the path, and "320 kbps" broke in two."""
    from playwright.sync_api import expect

    from .test_browser_library import GLYPH_X

    library = live_server.state.library
    assert isinstance(library, Library)
    folder = "/music/" + "/".join(["A Long Folder Name Of Sets"] * 4)
    song = {"artist": "סטטיק", "title": "שבת (Live Mix)", "duration": 200.0, "bitrate": 320000}
    library.add_tracks([(TrackValues(f"{folder}/{name}.mp3", **song), []) for name in ("copy one", "copy two")])
    page.set_viewport_size({"width": 1024, "height": 800})
    page.goto(f"{live_server.url}/duplicates")
    group = page.locator(".duplicate-group")
    expect(group).to_have_count(1)
    for element in (group.locator("h2"), group.locator("tbody tr td[data-label='Track']").first):
        handle = element.element_handle()
        hebrew_x, latin_x = (page.evaluate(GLYPH_X, [handle, word]) for word in ("שבת", "Live"))
        assert hebrew_x > latin_x, (element, hebrew_x, latin_x)
    widths = group.locator("tbody tr").first.evaluate(
        "tr => Object.fromEntries([...tr.children].map(td => [td.dataset.label, [td.offsetWidth, td.offsetHeight]]))"
    )
    assert widths["Track"][0] >= 200, widths
    assert widths["Bitrate"][1] <= widths["Length"][1], widths  # one line, as tall as the length's cell


# Where each line of an element's text starts, as the character before it: a break that is not after a "/", "_",
# "-" or space cut a word in two.
LINE_BREAKS = """(root) => {
  const cuts = [];
  for (const line of root.querySelectorAll(':scope > div > div')) {
    const walker = document.createTreeWalker(line, NodeFilter.SHOW_TEXT);
    let top = null, before = null;
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      for (let i = 0; i < node.data.length; i++) {
        const range = document.createRange();
        range.setStart(node, i);
        range.setEnd(node, i + 1);
        const rect = range.getClientRects()[0];
        if (!rect) continue;
        if (top !== null && rect.top > top + 2) cuts.push(before + '|' + node.data[i]);
        top = rect.top;
        before = node.data[i];
      }
    }
  }
  return cuts;
}"""


@pytest.mark.parametrize("width", [1024, 390])
def test_playlist_paths_wrap_between_their_parts_one_playlist_a_line(
    live_server: LiveServer,
    page: Any,  # noqa: F811
    width: int,
) -> None:
    """A track in "Events/09-01-2025_YomHuledet40_Daniel/Special" (the real shishoi collection's names): the
    narrow Playlists column cut them mid-word ("2025_YomHuledet40_D|aniel") and ran one path into the next after
    a comma. Each playlist is now a line of its own, and a path wraps only after a "/", "_", "-" or space."""
    library = live_server.state.library
    assert isinstance(library, Library)
    song = {"artist": "Ibrahim Maalouf", "title": "Love Anthem (clip officiel)", "duration": 256.0}
    first, _ = library.add_tracks(
        [
            (TrackValues(f"/music/Ibrahim Maalouf - Love Anthem (clip officiel).{ext}", **song), [])
            for ext in ("wav", "mp3")
        ]
    )
    events = library.create_folder("Events")
    day = library.create_folder("09-01-2025_YomHuledet40_Daniel", events)
    party = library.create_folder("10-12-2024_BatMitzva_ShaharTair", events)
    library.create_playlist("Special", day, track_ids=[first])
    library.create_playlist("NEW_Dance_2_AfterParty", party, track_ids=[first])
    library.create_playlist("20 Songs", None, track_ids=[first])
    page.set_viewport_size({"width": width, "height": 800})
    page.goto(f"{live_server.url}/duplicates")
    cell = page.locator(f'.duplicate-group tr[data-track="{first}"] td[data-label="Playlists"]')
    cell.wait_for(timeout=30_000)
    lines = cell.locator(":scope > div > div")
    assert sorted(lines.all_text_contents()) == [
        "20 Songs",
        "Events/09-01-2025_YomHuledet40_Daniel/Special",
        "Events/10-12-2024_BatMitzva_ShaharTair/NEW_Dance_2_AfterParty",
    ]
    cuts = cell.evaluate(LINE_BREAKS)
    assert cuts, "the column is wide enough for every path: the test would not see a cut"
    assert all(cut[0] in "/_- " for cut in cuts), cuts
    assert page.evaluate("() => document.documentElement.scrollWidth") <= width


@pytest.mark.parametrize("width", [1440, 390])
def test_axe_finds_no_serious_violation_on_the_missing_and_duplicates_pages(
    live_server: LiveServer,
    page: Any,  # noqa: F811
    width: int,
) -> None:
    try:
        from axe_playwright_python.sync_playwright import Axe
    except ImportError:
        Axe = None
    require(Axe is not None, "axe-playwright-python is not installed (pip install axe-playwright-python)")
    assert Axe is not None
    _library(live_server)
    page.set_viewport_size({"width": width, "height": 900})
    bad: dict[str, list[Any]] = {}
    for path, ready in (("/duplicates", ".duplicate-group"), ("/missing", "#missing-count:text('3')")):
        page.goto(f"{live_server.url}{path}")
        page.wait_for_selector(ready)
        results = Axe().run(page)
        bad[path] = [
            (v["id"], v["impact"], [n["target"] for n in v["nodes"]][:3])
            for v in results.response["violations"]
            if v["impact"] in ("serious", "critical")
        ]
    assert bad == {"/duplicates": [], "/missing": []}


def test_many_groups_come_in_batches_and_a_big_group_shows_its_first_tracks(
    live_server: LiveServer,
    page: Any,  # noqa: F811
) -> None:
    """120 pairs and one song with 40 copies: the page draws 50 groups, the next ones as the DJ scrolls, and the
    big group's suggested track (the last copy, the only one with a cue point) on top and 24 others, with a
    button for the other 15; its merge takes all 40, and the count goes down from the whole."""
    from playwright.sync_api import expect

    library = live_server.state.library
    assert isinstance(library, Library)
    pairs = [
        (TrackValues(f"/music/pair{i:03d}-{copy}.mp3", artist="Art", title=f"Pair {i:03d}", duration=180.0), [])
        for i in range(120)
        for copy in "ab"
    ]
    # The suggested copy (the last, the only one with a cue point) is spelled in capitals: the same song.
    copies = [
        (
            TrackValues(
                f"/music/copy{i:02d}.mp3",
                artist="BIG" if i == 39 else "Big",
                duration=200.0,
                title="COPIED" if i == 39 else "Copied",
            ),
            [CueValues(0, 1000.0, hotcue=0)] if i == 39 else [],
        )
        for i in range(40)
    ]
    library.add_tracks(pairs + copies)

    page.goto(f"{live_server.url}/duplicates")
    status = page.locator("#duplicates-status")
    expect(status).to_have_text("121 groups of duplicates among 280 tracks.")
    groups = page.locator(".duplicate-group")
    expect(groups).to_have_count(50)
    more = page.locator("#duplicates-more")
    expect(more).to_have_text("Show 50 more groups (71 left)")
    # The button draws the next batch. Pressed where it stands, far below the fold: a real click scrolls it near
    # the view first, where the scroll's own drawing (below) may come before the click, and the click then finds
    # the button gone.
    more.dispatch_event("click")
    expect(groups).to_have_count(100)
    expect(more).to_have_text("Show 21 more groups (21 left)")
    more.scroll_into_view_if_needed()  # scrolling near the end draws the next batch
    expect(groups).to_have_count(121)
    expect(more).to_be_hidden()

    big = groups.filter(has_text="Big – Copied")
    expect(big.locator("tbody tr")).to_have_count(25)
    expect(big.locator("input[type=radio]:checked")).to_have_attribute("aria-label", "Keep /music/copy39.mp3")
    expect(big.locator("tbody tr").first).to_contain_text("suggested")  # on top, not below the fold
    # The heading names the group as the merge will: by the suggested track, not the group's first.
    expect(big.locator("h2")).to_have_text("Likely the same: BIG – COPIED")
    big.get_by_role("button", name="Show the other 15 tracks of this group").click()
    expect(big.locator("tbody tr")).to_have_count(40)

    # The merge takes every copy, those shown and those not.
    after = big.evaluate("s => (s.nextElementSibling || s.previousElementSibling).getAttribute('aria-label')")
    big.get_by_role("button", name="Merge into the checked track").click()
    page.get_by_role("dialog").get_by_role("button", name="Merge", exact=True).click()
    expect(groups).to_have_count(120)
    # The keyboard goes on to the next group's merge button, or the one before the last group (it fell to the
    # page's body with the group).
    expect(
        page.get_by_role("region", name=after).get_by_role("button", name="Merge into the checked track")
    ).to_be_focused()
    expect(status).to_have_text("120 groups of duplicates among 241 tracks.")
    # Undone, the big group comes back at the end of the list, drawn as far as it, with the keyboard on it.
    page.locator('.notification[data-id="merged"]').get_by_role("button", name="Undo").click()
    expect(status).to_have_text("121 groups of duplicates among 280 tracks.")
    big = groups.filter(has_text="BIG – COPIED")
    expect(big.get_by_role("button", name="Merge into the checked track")).to_be_focused()


def test_a_group_of_hundreds_shows_its_other_tracks_500_at_a_time(
    live_server: LiveServer,
    page: Any,  # noqa: F811
) -> None:
    """Showing 12,000 copies at once froze the page for 4 s (found by a walk-through): 500 more per click."""
    from playwright.sync_api import expect

    library = live_server.state.library
    assert isinstance(library, Library)
    library.add_tracks(
        [(TrackValues(f"/music/copy{i:03d}.mp3", artist="Big", title="Copied", duration=200.0), []) for i in range(600)]
    )
    page.goto(f"{live_server.url}/duplicates")
    group = page.locator(".duplicate-group")
    expect(group.locator("tbody tr")).to_have_count(25)
    group.get_by_role("button", name="Show 500 more of the other 575 tracks of this group").click()
    expect(group.locator("tbody tr")).to_have_count(525)
    group.get_by_role("button", name="Show the other 75 tracks of this group").click()
    expect(group.locator("tbody tr")).to_have_count(600)
    expect(group.locator(".show-all")).to_have_count(0)


def test_a_refused_merge_gives_the_group_back_as_it_was(
    live_server: LiveServer,
    page: Any,  # noqa: F811
) -> None:
    """A merge the server refuses (another tab merged the group, the library is busy): the group's button and
    choices work again and the keyboard is on the button, where a disabled button had let it go."""
    from playwright.sync_api import expect

    flac, mp3, _ = _library(live_server)
    page.goto(f"{live_server.url}/duplicates")
    group = page.locator(".duplicate-group")
    page.route(
        "**/api/library/merge",
        lambda route: route.fulfill(status=409, json={"error": "The library is busy: try again in a moment."}),
    )
    group.get_by_role("button", name="Merge into the checked track").click()
    page.get_by_role("dialog").get_by_role("button", name="Merge", exact=True).click()
    note = page.locator('.notification[data-id="merged"]')
    expect(note.locator(".title")).to_have_text("Could not merge")
    expect(note.locator(".message")).to_have_text("The library is busy: try again in a moment.")
    merge = group.get_by_role("button", name="Merge into the checked track")
    expect(merge).to_be_enabled()
    expect(merge).to_be_focused()
    expect(group.locator(f'input[value="{flac}"]')).to_be_enabled()
    expect(page.locator("#duplicate-groups")).to_have_attribute("aria-busy", "false")
    with httpx.Client(base_url=live_server.url, headers=live_server.token) as client:
        assert client.get(f"/api/library/tracks/{mp3}").status_code == 200


def test_a_merge_made_elsewhere_during_the_first_search_is_said(
    live_server: LiveServer,
    page: Any,  # noqa: F811
) -> None:
    """A merge made in another tab after the server began its search, but before the page had the answer: the
    page had no version to compare the merge's event with yet and dropped it, showing a group already merged
    with nothing said."""
    from playwright.sync_api import expect

    flac, mp3, _ = _library(live_server)
    searches = held_requests(page, "**/api/library/duplicates")
    page.goto(f"{live_server.url}/duplicates")
    deadline = time.monotonic() + 10
    while not (searches and live_server.app.state.web.hub.clients) and time.monotonic() < deadline:
        page.wait_for_timeout(50)
    assert searches and live_server.app.state.web.hub.clients, "no search sent, or no event stream open"
    search = searches.pop(0)
    found = search.fetch()  # the server searched: the version it answers is the library's before the merge
    page.evaluate("window.Harmony.onEvent('library_changed', (change) => { window.heardVersion = change.version; })")
    with httpx.Client(base_url=live_server.url, headers=live_server.token) as client:  # another tab
        merged = client.post("/api/library/merge", json={"keep": mp3, "others": [flac]})
        assert merged.status_code == 200, merged.text
    page.wait_for_function("window.heardVersion !== undefined")  # the merge's event came before the answer
    search.fulfill(response=found)
    page.unroute("**/api/library/duplicates")  # the next search goes straight through
    expect(page.locator(".duplicate-group")).to_have_count(1)  # what the search found
    expect(page.locator("#duplicates-stale")).to_be_visible()
    page.get_by_role("button", name="Look again").click()
    expect(page.locator(".duplicate-group")).to_have_count(0)
    expect(page.locator("#duplicates-stale")).to_be_hidden()
