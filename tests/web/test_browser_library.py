"""The library page's table and tree in Chromium: one virtualised list, the keyboard, the column chooser, narrow
screens and an axe-core scan.

One server and one browser for the module; the tracks are added straight to the library (no import needed).
Skipped with a reason without Playwright or Chromium; under CI they must run."""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from harmony.library import Library, TrackValues

from .conftest import LiveServer, build_app, free_port, serving
from .test_browser import chromium, page  # noqa: F401  (fixtures)

pytestmark = pytest.mark.timeout(120)

TRACKS = 1_200
#: Where the screenshots go: a temporary folder, or docs/ when HARMONY_SCREENSHOTS names it (see docs/web.md).
SCREENSHOTS = os.environ.get("HARMONY_SCREENSHOTS")
FIRST_ROW_HAS = (
    "t => { const r = document.querySelector('#tracks-body tr[data-id]'); return r && r.textContent.includes(t); }"
)


@dataclass
class Fixture:
    server: LiveServer
    ids: list[int]

    @property
    def url(self) -> str:
        return f"{self.server.url}/library"


@pytest.fixture(scope="module")
def library_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Fixture]:
    folder = tmp_path_factory.mktemp("library")
    home = folder / "home"
    home.mkdir()
    port = free_port()
    with serving(build_app(folder, home, port=port), port) as live:
        genres = ["House", "Techno", "Disco", "Afro House", "Minimal"]
        tracks = [
            (
                TrackValues(
                    path=str(folder / "music" / f"track{i:05d}.mp3"),
                    title=f"Track {i:05d}",
                    artist=f"Artist {i % 97:02d}",
                    album=f"Album {i % 31}",
                    genre=genres[i % len(genres)],
                    bpm=100 + (i % 50) + 0.123,
                    rating=i % 6,
                    comment=f"comment {i}",
                    duration=180.0 + i % 120,
                ),
                (),
            )
            for i in range(TRACKS)
        ]
        with Library.open(live.state.service.library_path) as library:
            ids = library.add_tracks(tracks)
        yield Fixture(live, ids)


def open_library(page: Any, fixture: Fixture) -> None:  # noqa: F811
    page.goto(fixture.url)
    page.wait_for_selector("#tracks-body tr[data-id]")
    page.wait_for_function(f"() => document.querySelector('#track-count').textContent === '{TRACKS:,} tracks'")


def focused(page: Any) -> dict[str, Any]:  # noqa: F811
    result: dict[str, Any] = page.evaluate(
        """() => { const a = document.activeElement; const tr = a.closest('tr');
                   return {id: a.id, tag: a.tagName, row: tr ? tr.getAttribute('aria-rowindex') : null,
                           sort: a.dataset.sort || null, text: a.textContent,
                           outline: getComputedStyle(a).outlineStyle}; }"""
    )
    return result


def test_the_whole_library_scrolls_as_one_short_list(page: Any, library_server: Fixture) -> None:  # noqa: F811
    open_library(page, library_server)
    assert page.get_attribute("#tracks-table", "aria-rowcount") == str(TRACKS + 1)
    # No pages: scrolled to the end, the last track is drawn, and only the rows in sight are in the page.
    page.evaluate("() => { const w = document.getElementById('table-wrap'); w.scrollTop = w.scrollHeight; }")
    page.wait_for_selector(f"#tracks-body tr[aria-rowindex='{TRACKS + 1}'][data-id]")
    rows = page.locator("#tracks-body tr[data-id]").count()
    assert 10 < rows < 80, rows
    assert page.locator("#prev-page, #next-page").count() == 0
    # Back in the middle: those rows are fetched by offset and drawn in order.
    page.evaluate("() => { const w = document.getElementById('table-wrap'); w.scrollTop = 600 * 32; }")
    page.wait_for_selector("#tracks-body tr[aria-rowindex='602'][data-id]")
    indexes = page.eval_on_selector_all("#tracks-body tr[data-id]", "rs => rs.map(r => Number(r.dataset.index))")
    assert indexes == list(range(indexes[0], indexes[0] + len(indexes)))
    # BPM with two decimals.
    bpm = page.locator("#tracks-body tr[data-id] td[aria-colindex]").nth(0)
    assert bpm is not None
    header = page.eval_on_selector_all("#tracks-head th", "ths => ths.map(t => t.dataset.column)")
    column = header.index("bpm") + 1
    values = page.eval_on_selector_all(
        f"#tracks-body tr[data-id] td[aria-colindex='{column}']", "tds => tds.map(t => t.textContent)"
    )
    assert values and all(v.endswith(".12") and len(v.split(".")[1]) == 2 for v in values), values


def test_keyboard_only_browsing(page: Any, library_server: Fixture) -> None:  # noqa: F811
    open_library(page, library_server)
    # At most three Tabs to the search box: the skip link, the brand, the search.
    tabs = 0
    while focused(page)["id"] != "search":
        page.keyboard.press("Tab")
        tabs += 1
        assert tabs <= 3, focused(page)
    # Type, Enter: the first matching row has the focus, with a visible outline.
    page.keyboard.type("Track 0004")
    page.keyboard.press("Enter")
    page.wait_for_function("() => document.querySelector('#track-count').textContent === '10 tracks'")
    page.wait_for_function("() => document.activeElement.getAttribute('aria-rowindex') === '2'")
    assert focused(page)["outline"] != "none"
    # Arrows move the selection.
    page.keyboard.press("ArrowDown")
    page.keyboard.press("ArrowDown")
    assert focused(page)["row"] == "4"
    selected = page.eval_on_selector_all("#tracks-body tr[aria-selected='true']", "rs => rs.map(r => r.textContent)")
    assert len(selected) == 1 and "Track 0004" in selected[0]
    # "/" goes back to the search box from the table.
    page.keyboard.press("/")
    assert focused(page)["id"] == "search"
    page.keyboard.press("Control+a")
    page.keyboard.press("Delete")
    page.wait_for_function(f"() => document.querySelector('#track-count').textContent === '{TRACKS:,} tracks'")
    # The column headers are reachable with Tab and sort with Enter.
    for _ in range(20):
        page.keyboard.press("Tab")
        if focused(page)["sort"] == "title":
            break
    assert focused(page)["sort"] == "title", focused(page)
    page.keyboard.press("Enter")
    page.wait_for_selector("#tracks-head th[data-column='title'][aria-sort='ascending']")
    page.wait_for_function(FIRST_ROW_HAS, arg="Track 00000")
    page.keyboard.press("Enter")
    page.wait_for_selector("#tracks-head th[data-column='title'][aria-sort='descending']")
    page.wait_for_function(FIRST_ROW_HAS, arg=f"Track {TRACKS - 1:05d}")
    # The skip link takes the keyboard to the table.
    page.goto(library_server.url)
    page.wait_for_selector("#tracks-body tr[data-id]")
    page.keyboard.press("Tab")
    assert focused(page)["text"] == "Skip to the track table"
    page.keyboard.press("Enter")
    page.wait_for_function("() => document.activeElement.getAttribute('aria-rowindex') === '2'")
    page.keyboard.press("End")
    page.wait_for_function(f"() => document.activeElement.getAttribute('aria-rowindex') === '{TRACKS + 1}'")


def test_the_column_chooser_is_remembered(page: Any, library_server: Fixture) -> None:  # noqa: F811
    open_library(page, library_server)

    def columns() -> list[str]:
        result: list[str] = page.eval_on_selector_all("#tracks-head th", "ths => ths.map(t => t.dataset.column)")
        return result

    assert "comment" not in columns() and "album" in columns()
    page.click("#columns-button")
    offered = page.eval_on_selector_all("#columns-list label", "ls => ls.map(l => l.textContent)")
    for name in ("Comment", "Label", "Added", "Last played", "Play count", "Bitrate", "Colour", "Pending export"):
        assert name in offered, name
    page.check("#column-comment")
    page.uncheck("#column-album")
    # Move Comment up one place.
    before = columns().index("comment")
    page.click("button[aria-label='Move Comment up']")
    assert columns().index("comment") == before - 1
    shown = columns()
    page.wait_for_selector("#tracks-body tr[data-id] td[title^='comment ']")

    page.reload()
    page.wait_for_selector("#tracks-body tr[data-id]")
    assert columns() == shown
    page.click("#columns-button")
    page.click("#columns-reset")
    assert "comment" not in columns() and "album" in columns()


def screenshot_path(tmp_path: Path, width: int) -> Path:
    folder = Path(SCREENSHOTS) if SCREENSHOTS else tmp_path
    return folder / f"web-library-{width}.png"


@pytest.mark.parametrize("width", [390, 768, 1440])
def test_narrow_screens(chromium: Any, library_server: Fixture, tmp_path: Path, width: int) -> None:  # noqa: F811
    context = chromium.new_context(viewport={"width": width, "height": 800})
    try:
        page = context.new_page()
        open_library(page, library_server)
        page.wait_for_timeout(200)
        # Nothing but the table scrolls sideways.
        assert page.evaluate("document.documentElement.scrollWidth") <= width
        if width <= 768:
            # The tree is a drawer: closed, it takes no room; the toggle opens it.
            assert not page.is_visible("#playlist-tree")
            page.click("#tree-toggle")
            page.wait_for_selector("#playlist-tree", state="visible")
            page.keyboard.press("Escape")
            page.wait_for_selector("#playlist-tree", state="hidden")
        else:
            assert page.is_visible("#playlist-tree")
        if width == 768:
            # Title, artist, BPM, key and rating are on screen without scrolling.
            for column in ("title", "artist", "bpm", "key", "rating"):
                box = page.locator(f"#tracks-head th[data-column='{column}']").bounding_box()
                assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= width, column
        page.screenshot(path=str(screenshot_path(tmp_path, width)))
    finally:
        context.close()


def test_axe_finds_no_serious_violation(page: Any, library_server: Fixture) -> None:  # noqa: F811
    from tests.conftest import require

    try:
        from axe_playwright_python.sync_playwright import Axe
    except ImportError:
        Axe = None
    require(Axe is not None, "axe-playwright-python is not installed")
    assert Axe is not None
    open_library(page, library_server)
    # The page as a DJ works with it: a row selected, the column chooser open.
    page.locator("#tracks-body tr[data-id]").nth(2).click()
    page.click("#columns-button")
    results = Axe().run(page)
    bad = [
        (v["id"], v["impact"], [n["target"] for n in v["nodes"][:3]])
        for v in results.response["violations"]
        if v["impact"] in ("serious", "critical")
    ]
    assert bad == [], bad
