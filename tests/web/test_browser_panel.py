"""The library page's track panel in Chromium: the form with every field and its inline refusals, the rating
stars, the cue editor (rename, move, slot swap, delete), the player (a track plays, a hot cue click seeks), Esc,
and a track whose file is missing.

One server and one browser for the module; each test works on its own track, added straight to the library (no
import needed). Skipped with a reason without Playwright or Chromium; under CI they must run."""

from __future__ import annotations

import math
import struct
import time
import wave
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest

from harmony.devtools.collection_gen import generate_collection
from harmony.library import CueValues, Library, TrackValues
from harmony.nmlfile import NmlFingerprint

from .conftest import LiveServer, build_app, free_port, serving
from .test_browser import chromium, page  # noqa: F401  (fixtures)

pytestmark = pytest.mark.timeout(120)

SECONDS = 6


def write_wav(path: Path, seconds: int = SECONDS, rate: int = 22_050) -> None:
    """A mono 16-bit sine tone the browser can play."""
    tone = (int(9000 * math.sin(2 * math.pi * 440 * i / rate)) for i in range(seconds * rate))
    frames = b"".join(struct.pack("<h", sample) for sample in tone)
    with wave.open(str(path), "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(rate)
        out.writeframes(frames)


@dataclass
class Fixture:
    server: LiveServer
    ids: dict[str, int]

    def track(self, name: str) -> dict[str, Any]:
        with httpx.Client(base_url=self.server.url) as client:
            answer = client.get(f"/api/library/tracks/{self.ids[name]}")
        assert answer.status_code == 200, answer.text
        data: dict[str, Any] = answer.json()
        return data


@pytest.fixture(scope="module")
def panel_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Fixture]:
    folder = tmp_path_factory.mktemp("panel")
    home = folder / "home"
    home.mkdir()
    audio = folder / "tone.wav"
    write_wav(audio)
    port = free_port()
    with serving(build_app(folder, home, port=port), port) as live:
        cues = {
            "cues": [
                CueValues(type=0, start=1000.0, hotcue=0, name="Intro", color="#FF0000"),
                CueValues(type=0, start=30000.0, hotcue=1, name="Break", color="#0080FF"),
                CueValues(type=0, start=60000.0, hotcue=-1, name="Outro"),
            ],
            "plays": [
                CueValues(type=4, start=0.0, name="AutoGrid", grid_bpm=120.0),
                CueValues(type=0, start=4000.0, hotcue=2, name="Drop", color="#00FF00"),
            ],
            "typing": [
                CueValues(type=0, start=2000.0, hotcue=0, name="Start", color="#FF0000"),
                CueValues(type=0, start=50000.0, hotcue=-1, name="End"),
            ],
            "undo_cues": [
                CueValues(type=0, start=1000.0, hotcue=0, name="One"),
                CueValues(type=0, start=20000.0, hotcue=1, name="Two"),
                CueValues(type=0, start=40000.0, hotcue=-1, name="Three"),
            ],
        }
        tracks = {
            "form": TrackValues(path=str(folder / "form.mp3"), title="Form Track", artist="Panel", year=2001),
            "rating": TrackValues(path=str(folder / "rating.mp3"), title="Rating Track", artist="Panel", rating=2),
            "cues": TrackValues(path=str(folder / "cues.mp3"), title="Cue Track", artist="Panel", duration=240.0),
            "undone": TrackValues(path=str(folder / "undone.mp3"), title="Undone Track", artist="Panel", year=1999),
            "named": TrackValues(path=str(folder / "named.mp3"), title="Named Track", artist="Panel", year=1990),
            "typing": TrackValues(
                path=str(folder / "typing.mp3"), title="Typing Track", artist="Panel", duration=240.0
            ),
            "undo_cues": TrackValues(
                path=str(folder / "undo.mp3"), title="Undo Cue Track", artist="Panel", duration=240.0
            ),
            "plays": TrackValues(path=str(audio), title="Tone Track", artist="Panel", duration=float(SECONDS)),
            "missing": TrackValues(path=str(folder / "gone" / "lost.mp3"), title="Lost Track", artist="Panel"),
            "vanished": TrackValues(path=str(folder / "vanished.mp3"), title="Vanished Track", artist="Panel"),
            # A Traktor 2 entry: INFO KEY="e♭" and no MUSICAL_KEY; and one whose text names no key.
            "key_text": TrackValues(path=str(folder / "text.mp3"), title="Text Key Track", key_text="e♭"),
            "key_off": TrackValues(path=str(folder / "off.mp3"), title="Off Key Track", key_text="off"),
        }
        for name in (
            "form",
            "rating",
            "cues",
            "typing",
            "undo_cues",
            "undone",
            "named",
            "vanished",
            "key_text",
            "key_off",
        ):
            Path(tracks[name].path).write_bytes(b"ID3\x04\x00\x00\x00\x00\x00\x00")
        ids = {}
        with Library.open(live.state.service.library_path) as library:
            for name, values in tracks.items():
                ids[name] = library.add_track(values, cues.get(name, ()))
        # A track imported from Traktor whose file is not on this computer: imported, and marked missing.
        nml = generate_collection(folder / "collection.nml", tracks=1, seed=3).path
        with httpx.Client(base_url=live.url, headers=live.token) as client:
            assert client.put("/api/traktor/config", json={"nml_path": str(nml)}).status_code == 200
            started = client.post("/api/traktor/sync")
            assert started.status_code == 202, started.text
            live.call(live.state.service.wait(started.json()["operation_id"]))
            gone = client.get("/api/library/tracks", params={"filter": "missing"}).json()["tracks"]
        imported = [t["id"] for t in gone if t["id"] not in ids.values()]
        assert len(imported) == 1 and ids["missing"] in {t["id"] for t in gone}
        ids["imported_missing"] = imported[0]
        # A file that goes away after the import: nothing marks it yet, the player finds out.
        Path(tracks["vanished"].path).unlink()
        yield Fixture(live, ids)


def open_track(page: Any, fixture: Fixture, name: str) -> None:  # noqa: F811
    track = fixture.track(name)
    title = track["title"] or Path(track["path"]).name
    if page.url != f"{fixture.server.url}/library":
        page.goto(f"{fixture.server.url}/library")
    # The title cell: the table's left, in view at every width (a narrow screen's panel is a sheet over all).
    page.locator("#tracks-body tr[data-id]", has_text=title).first.locator("td", has_text=title).first.click()
    page.wait_for_selector(f"#track-detail[data-track-id='{fixture.ids[name]}']:not([hidden])")
    page.wait_for_function("t => document.querySelector('#detail-title').textContent === t", arg=title)


def test_the_form_has_every_field_labelled_and_esc_closes(page: Any, panel_server: Fixture) -> None:  # noqa: F811
    open_track(page, panel_server, "form")
    for name in (
        "title",
        "artist",
        "album",
        "remixer",
        "producer",
        "mix",
        "label",
        "catalog_number",
        "genre",
        "comment",
        "comment2",
        "key_lyrics",
        "year",
        "release_date",
        "track_number",
        "bpm",
        "musical_key",
    ):
        assert page.is_visible(f"#field-{name}"), name
    assert page.input_value("#field-title") == "Form Track"
    assert page.input_value("#field-year") == "2001"
    # The key picker offers the 24 keys in the chosen notation (Open Key unless the DJ chose another).
    keys = page.eval_on_selector_all("#field-musical_key option", "os => os.map(o => o.textContent)")
    assert keys[0] == "No key" and len(keys) == 25
    assert keys[1:5] == ["1d", "1m", "2d", "2m"]
    # Every control of the panel has a name a screen reader reads.
    unnamed = page.evaluate(
        """() => [...document.querySelectorAll('#track-detail :is(input, select, textarea, button, [role=radio])')]
              .filter(n => !n.closest('[hidden]'))
              .filter(n => !(n.labels && n.labels.length) && !n.getAttribute('aria-label')
                           && !n.getAttribute('aria-labelledby') && !n.textContent.trim())
              .map(n => n.outerHTML.slice(0, 80))"""
    )
    assert unnamed == []
    assert page.get_attribute("#field-rating", "role") == "radiogroup"
    assert page.get_attribute("#field-color", "role") == "radiogroup"

    page.evaluate("window.__closed = 0; document.addEventListener('harmony:panel-closed', () => window.__closed++)")
    page.focus("#field-title")
    page.keyboard.type(" changed")
    page.keyboard.press("Escape")  # the first Esc in a changed field puts the stored value back
    assert page.input_value("#field-title") == "Form Track"
    assert page.is_visible("#track-detail")
    page.keyboard.press("Escape")
    page.wait_for_selector("#track-detail", state="hidden")
    assert page.evaluate("window.__closed") == 1

    # A change typed in another field: the first Esc does not throw it away without a word, the next one does.
    open_track(page, panel_server, "form")
    page.fill("#field-title", "Typed, then Tab")
    page.focus("#field-artist")
    page.keyboard.press("Escape")
    assert page.is_visible("#track-detail")
    assert page.text_content("#form-status").startswith("Not saved yet")
    assert page.input_value("#field-title") == "Typed, then Tab"
    page.keyboard.press("Escape")
    page.wait_for_selector("#track-detail", state="hidden")
    assert page.evaluate("window.__closed") == 2
    assert panel_server.track("form")["title"] == "Form Track"


@pytest.mark.parametrize("width", [1400, 1100])  # the topbar is one row, then two
def test_the_open_panel_leaves_the_toolbar_in_reach(page: Any, panel_server: Fixture, width: int) -> None:  # noqa: F811
    page.set_viewport_size({"width": width, "height": 900})
    open_track(page, panel_server, "form")
    for button in ("#preview-export", "#columns-button"):  # covered by the panel, they could not be clicked
        on_top = page.evaluate(
            """id => { const b = document.querySelector(id).getBoundingClientRect();
                       const hit = document.elementFromPoint(b.x + b.width / 2, b.y + b.height / 2);
                       return hit.closest(id) !== null; }""",
            button,
        )
        assert on_top, button
    box = page.locator("#track-detail").bounding_box()
    assert box["y"] + box["height"] <= 900  # the panel still ends on screen, scrolling inside itself


@pytest.mark.parametrize("width", [1920, 1440, 1024])
def test_the_open_panel_sits_beside_the_table_and_covers_no_cell(page: Any, panel_server: Fixture, width: int) -> None:  # noqa: F811
    """Over the table, at 1,440 px, the panel hid BPM, key and rating of the open row with no way to reach them;
    beside it, the table's frame ends at the panel's edge and scrolls sideways to every column."""
    page.set_viewport_size({"width": width, "height": 900})
    page.goto(f"{panel_server.server.url}/library")
    page.wait_for_selector("#tracks-body tr[data-id]")
    full = page.locator("#table-wrap").bounding_box()["width"]
    open_track(page, panel_server, "form")
    panel = page.locator("#track-detail").bounding_box()
    frame = page.locator("#table-wrap").bounding_box()
    assert frame["x"] + frame["width"] <= panel["x"]
    assert frame["width"] >= 380  # still a table: title, artist and more
    last_header = page.evaluate(
        """() => { const wrap = document.getElementById("table-wrap");
                   wrap.scrollLeft = wrap.scrollWidth;
                   const cells = [...document.querySelectorAll("#tracks-head th")];
                   const b = cells[cells.length - 1].getBoundingClientRect();
                   return document.elementFromPoint(b.x + b.width / 2, b.y + b.height / 2) === cells[cells.length - 1]
                     || cells[cells.length - 1].contains(
                          document.elementFromPoint(b.x + b.width / 2, b.y + b.height / 2)); }"""
    )
    assert last_header  # the last column is scrolled to and seen, not under the panel
    page.keyboard.press("Escape")
    page.wait_for_selector("#track-detail", state="hidden")
    page.wait_for_function(
        "full => Math.abs(document.getElementById('table-wrap').getBoundingClientRect().width - full) < 1", arg=full
    )


@pytest.mark.parametrize(
    ("width", "least"), [(1280, 736), (1366, 736), (1440, 736), (1478, 736), (1600, 736), (1920, 900)]
)
def test_beside_the_playlists_the_panel_leaves_the_table_its_bpm_and_key(
    page: Any,  # noqa: F811
    panel_server: Fixture,
    width: int,
    least: int,
) -> None:
    """Beside the playlists, at 1,440 px, the panel took 518 px and left the table 610 (538 at 1,280): BPM, key
    and rating of the row being edited were out of sight, less than the 736 px the table has at 1,240 px
    (playlists in a drawer). Beside them the panel now takes no more than leaves the table 736 px, down to its
    narrowest (420 px), and below 1,478 px, where even that is too much, the playlists fold into their drawer
    while a track is open. The form keeps two fields a line."""
    page.set_viewport_size({"width": width, "height": 900})
    open_track(page, panel_server, "form")
    frame = page.locator("#table-wrap").bounding_box()
    assert frame["width"] >= least - 1
    assert page.locator("#track-detail").bounding_box()["width"] >= 420
    folded = page.locator("#tree-toggle").is_visible()
    assert folded == (width < 1478)
    if folded:  # the drawer opens over the table, and the panel stays
        page.click("#tree-toggle")
        page.wait_for_selector("#tree-drawer.open")
        page.locator("#tree-drawer [role='treeitem']").first.wait_for()
        page.keyboard.press("Escape")
        page.wait_for_selector("#tree-drawer:not(.open)", state="attached")
        assert page.locator("#track-detail").is_visible()
    heads = page.eval_on_selector_all(
        "#tracks-head th", "ths => ths.map(th => [th.textContent.trim(), th.getBoundingClientRect().right])"
    )
    right = frame["x"] + frame["width"]
    for name in ("BPM", "Key"):
        assert any(text.startswith(name) and edge <= right for text, edge in heads), (name, heads, right)
    album, number = (page.locator(f"#track-detail [name='{n}']").bounding_box() for n in ("album", "track_number"))
    assert abs(album["y"] - number["y"]) < 2  # side by side, not one field a line
    if folded:
        # The panel closed with the drawer open: the playlists are back in their place, and the drawer does not
        # come back open over the table with the next track.
        page.click("#tree-toggle")
        page.wait_for_selector("#tree-drawer.open")
        page.click("#detail-close")
        page.wait_for_selector("#track-detail", state="hidden")
        assert page.locator("#tree-drawer").get_attribute("class").split().count("open") == 0
        assert page.locator("#tree-drawer").bounding_box()["x"] >= 0  # in its place beside the table
        open_track(page, panel_server, "form")
        assert "open" not in page.locator("#tree-drawer").get_attribute("class").split()


@pytest.mark.parametrize("width", [1100, 1024, 1440])
def test_the_page_does_not_scroll_when_the_toolbar_wraps_beside_the_panel(
    page: Any,  # noqa: F811
    panel_server: Fixture,
    width: int,
) -> None:
    """The table's frame had a fixed allowance for one toolbar line: beside the panel the toolbar takes two,
    and the whole page scrolled by 15 px (and by 3 at 1,440 px, under the playlists). The frame now ends at the
    window's bottom wherever it starts."""
    page.set_viewport_size({"width": width, "height": 900})
    open_track(page, panel_server, "form")
    page.wait_for_timeout(300)
    assert page.evaluate("document.documentElement.scrollHeight") <= 900
    frame = page.locator("#table-wrap").bounding_box()
    assert 900 - 24 <= frame["y"] + frame["height"] <= 900  # down to the page's margin, not short of it
    page.keyboard.press("Escape")
    page.wait_for_selector("#track-detail", state="hidden")
    page.wait_for_timeout(300)
    assert page.evaluate("document.documentElement.scrollHeight") <= 900


@pytest.mark.parametrize("width", [390, 1440])
def test_the_panels_close_button_stays_in_reach_when_it_scrolls(page: Any, panel_server: Fixture, width: int) -> None:  # noqa: F811
    """On a phone the panel is a sheet: scrolled down to the cue points, its × was 1,360 px up, out of reach."""
    page.set_viewport_size({"width": width, "height": 700})
    open_track(page, panel_server, "cues")
    page.evaluate("document.getElementById('track-detail').scrollTop = 100000")
    page.wait_for_timeout(200)
    assert page.evaluate("document.getElementById('track-detail').scrollTop") > 200  # it did scroll
    on_top = page.evaluate(
        """() => { const b = document.getElementById('detail-close').getBoundingClientRect();
                   return b.top >= 0 && document.elementFromPoint(b.x + b.width / 2, b.y + b.height / 2)?.id; }"""
    )
    assert on_top == "detail-close"
    assert page.locator("#detail-title").is_visible()


@pytest.mark.parametrize("width", [1024, 1440, 1920, 390])
def test_every_cue_control_fits_the_panel(page: Any, panel_server: Fixture, width: int) -> None:  # noqa: F811
    """At 420 px (the panel beside a 1,024 or 1,440 px window) a cue's row ran past the panel's edge: the colour
    was a 12 px box, and Delete and a loop's length were cut off. Its controls take two lines there."""
    page.set_viewport_size({"width": width, "height": 900})
    open_track(page, panel_server, "cues")
    page.wait_for_selector(".cue-list .cue")
    overflow = page.eval_on_selector_all(
        ".cue-list .cue",
        """cues => cues.flatMap(cue => { const box = cue.getBoundingClientRect();
              return [...cue.children]
                .filter(c => c.getBoundingClientRect().width > 0 && !c.classList.contains('cue-swatch'))
                .filter(c => c.getBoundingClientRect().right > box.right + 1 || c.getBoundingClientRect().width < 40)
                .map(c => c.className); })""",
    )
    assert overflow == []


def test_left_and_right_keep_the_focused_cell_in_sight_beside_the_panel(page: Any, panel_server: Fixture) -> None:  # noqa: F811
    """With the panel open the table's frame is narrow: Right went on to cells out of sight (found in a
    walk-through). Each cell reached is scrolled into the frame, clear of the title column that stays put."""
    page.set_viewport_size({"width": 1440, "height": 900})
    open_track(page, panel_server, "form")
    cell = page.locator("#tracks-body tr[aria-selected='true'] .title-cell")
    cell.click()
    columns = page.locator("#tracks-head th").count()
    in_sight = """() => {
        const cell = document.activeElement, frame = document.getElementById("table-wrap");
        const box = cell.getBoundingClientRect(), edge = frame.getBoundingClientRect();
        const title = cell.parentElement.querySelector(".title-cell");
        const before = cell === title || cell.compareDocumentPosition(title) & Node.DOCUMENT_POSITION_FOLLOWING;
        const start = before ? edge.left : Math.max(edge.left, title.getBoundingClientRect().right);
        return cell.tagName === "TD" && box.left >= start - 1 && box.right <= edge.left + frame.clientWidth + 1;
    }"""
    for _ in range(columns):
        page.keyboard.press("ArrowRight")
        assert page.evaluate(in_sight), page.evaluate("document.activeElement.outerHTML.slice(0, 120)")
    assert page.evaluate("document.getElementById('table-wrap').scrollLeft") > 0
    for _ in range(columns - 1):  # to the first cell (one more Left would select the row itself)
        page.keyboard.press("ArrowLeft")
        assert page.evaluate(in_sight)
    assert page.evaluate("document.activeElement.getAttribute('aria-colindex')") == "1"


def test_sorting_keeps_the_open_track_selected(page: Any, panel_server: Fixture) -> None:  # noqa: F811
    """A sort with a track's panel open lost its row (none selected, the list at its top): it stays selected, and in
    sight, in the new order."""
    page.set_viewport_size({"width": 1440, "height": 900})
    open_track(page, panel_server, "form")
    row = f"#tracks-body tr[data-id='{panel_server.ids['form']}']"
    assert page.get_attribute(row, "aria-selected") == "true"
    for _ in range(2):  # ascending, then descending
        page.locator("#tracks-head button[data-sort='bpm']").click()
        page.wait_for_selector("#tracks-table[aria-busy='false']")
        page.wait_for_selector(f"{row}[aria-selected='true']")
        assert page.locator("#tracks-body tr[aria-selected='true']").count() == 1
    assert page.get_attribute("#track-detail", "data-track-id") == str(panel_server.ids["form"])

    # Down, with the keyboard still on the header just clicked, goes on to the next track in the new order, and
    # the panel follows (it scrolled the frame, and nothing else moved).
    order = page.eval_on_selector_all("#tracks-body tr[data-id]", "rows => rows.map(r => r.dataset.id)")
    following = order[order.index(str(panel_server.ids["form"])) + 1]
    page.keyboard.press("ArrowDown")
    page.wait_for_selector(f"#tracks-body tr[data-id='{following}'][aria-selected='true']")
    page.wait_for_selector(f"#track-detail[data-track-id='{following}']")
    assert (
        page.evaluate("document.activeElement.closest('tr') && document.activeElement.closest('tr').dataset.id")
        == following
    )


def test_down_pressed_before_the_sorted_rows_come_waits_for_them(page: Any, panel_server: Fixture) -> None:  # noqa: F811
    """Pressed on the header before the sorted rows had come, Down was lost (found in a walk-through): it waits
    for them, as keys pressed in the rows do, and then goes on to the track after the open one."""
    page.set_viewport_size({"width": 1440, "height": 900})
    open_track(page, panel_server, "form")
    held: list[Any] = []
    holding = [True]
    page.route("**/api/library/tracks?*", lambda route: held.append(route) if holding[0] else route.continue_())
    page.locator("#tracks-head button[data-sort='title']").click()
    page.keyboard.press("ArrowDown")
    deadline = time.monotonic() + 10
    while not held and time.monotonic() < deadline:
        page.wait_for_timeout(50)
    assert held, "the sort asked for no rows"
    page.wait_for_timeout(200)  # Down is pressed and waiting
    holding[0] = False
    for route in held:
        route.continue_()
    page.wait_for_selector("#tracks-table[aria-busy='false']")
    order = page.eval_on_selector_all("#tracks-body tr[data-id]", "rows => rows.map(r => r.dataset.id)")
    following = order[order.index(str(panel_server.ids["form"])) + 1]
    page.wait_for_selector(f"#tracks-body tr[data-id='{following}'][aria-selected='true']")
    page.wait_for_selector(f"#track-detail[data-track-id='{following}']")


def test_the_fields_come_right_after_the_player_and_before_the_cue_editor(
    page: Any,  # noqa: F811
    panel_server: Fixture,
) -> None:
    """The tag fields sat below the player and every cue (a walk-through found a DJ scrolling past eight hot
    cues to reach the title): now the player, then the fields, then the cue editor, then the file's facts. On a
    laptop screen the title is in sight beside the player as the panel opens, with nothing scrolled."""
    page.set_viewport_size({"width": 1440, "height": 760})
    open_track(page, panel_server, "cues")
    order = page.evaluate(
        """() => ['#player', '#track-form', 'section.cues', '#detail-info']
              .map(s => document.querySelector('#track-detail ' + s))
              .map(n => [...document.querySelectorAll('#track-detail *')].indexOf(n))"""
    )
    assert order == sorted(order) and -1 not in order, order
    seen = page.evaluate(
        """() => { const panel = document.querySelector('#track-detail').getBoundingClientRect();
                   const title = document.querySelector('#field-title').getBoundingClientRect();
                   const player = document.querySelector('#player').getBoundingClientRect();
                   return { scrolled: document.querySelector('#track-detail').scrollTop,
                            player: player.top >= panel.top, title: title.bottom <= panel.bottom }; }"""
    )
    assert seen == {"scrolled": 0, "player": True, "title": True}


def test_a_key_known_only_as_text_shows_as_in_the_table(page: Any, panel_server: Fixture) -> None:  # noqa: F811
    def no_key_choice() -> list[str]:
        choice: list[str] = page.eval_on_selector("#field-musical_key", "s => [s.value, s.options[0].textContent]")
        return choice

    open_track(page, panel_server, "key_text")
    # e♭ is E-flat minor: 7m in Open Key, the notation the Key column shows it in.
    assert no_key_choice() == ["", '7m (Traktor\'s text "e♭")']
    page.click("#track-save")  # nothing changed: the key is left as it is
    assert panel_server.track("key_text")["musical_key"] is None
    assert panel_server.track("key_text")["key_text"] == "e♭"
    open_track(page, panel_server, "key_off")
    assert no_key_choice() == ["", 'No key (Traktor\'s text "off")']
    # A track with no key text: the empty choice is "No key" again (the label follows the track shown).
    open_track(page, panel_server, "form")
    assert no_key_choice()[1] == "No key"


def test_out_of_range_values_are_refused_inline(page: Any, panel_server: Fixture) -> None:  # noqa: F811
    open_track(page, panel_server, "form")
    page.fill("#field-year", "12000")
    page.fill("#field-track_number", "two")
    page.click("#track-save")
    assert page.text_content("#error-year") == "Year must be from 0 to 9999; 12000 is out of range."
    assert page.text_content("#error-track_number") == "Track number must be a whole number from 0 to 9999."
    assert page.get_attribute("#field-year", "aria-invalid") == "true"
    assert "Nothing was saved" in page.text_content("#form-status")
    assert panel_server.track("form")["year"] == 2001  # nothing reached the library
    page.fill("#field-bpm", "-3")
    page.click("#track-save")
    assert page.text_content("#error-bpm") == "BPM must be from 0 to 999; -3 is out of range."
    page.click("#track-revert")
    assert page.input_value("#field-year") == "2001"
    assert page.is_hidden("#error-year")


def test_a_date_with_a_part_cleared_is_refused_not_saved_as_no_date(page: Any, panel_server: Fixture) -> None:  # noqa: F811
    open_track(page, panel_server, "form")
    page.fill("#field-release_date", "2012-01-31")
    page.click("#track-save")
    page.wait_for_function("() => document.querySelector('#form-status').textContent === 'Saved.'")
    assert panel_server.track("form")["release_date"] == "2012-01-31"
    page.focus("#field-release_date")  # the first part of the date (the month, in English)
    page.keyboard.press("Backspace")
    assert page.input_value("#field-release_date") == ""  # what the page reads, as for an empty date
    page.click("#track-save")
    assert page.text_content("#error-release_date") == (
        "Release date is not a whole date: give its day, month and year, or clear all three."
    )
    assert "Nothing was saved" in page.text_content("#form-status")
    assert panel_server.track("form")["release_date"] == "2012-01-31"
    page.click("#track-revert")
    assert page.input_value("#field-release_date") == "2012-01-31"
    # A track with no date: a date begun and not finished is refused too, not taken for "no change".
    open_track(page, panel_server, "cues")
    assert page.input_value("#field-release_date") == ""
    page.focus("#field-release_date")
    page.keyboard.type("03")  # the month alone
    page.click("#track-save")
    assert page.text_content("#error-release_date").startswith("Release date is not a whole date")
    assert panel_server.track("cues")["release_date"] is None


def test_fields_saved_from_the_form(page: Any, panel_server: Fixture) -> None:  # noqa: F811
    open_track(page, panel_server, "form")
    page.evaluate(
        "window.__saved = []; "
        "document.addEventListener('harmony:track-saved', e => window.__saved.push(e.detail.track.id))"
    )
    page.fill("#field-title", "Form Track (Edit)")
    page.fill("#field-bpm", "123.456789")
    page.select_option("#field-musical_key", label="1m")  # A minor
    page.fill("#field-comment2", "warm-up")
    page.press("#field-title", "Enter")
    page.wait_for_function("() => document.querySelector('#form-status').textContent === 'Saved.'")
    track = panel_server.track("form")
    assert track["title"] == "Form Track (Edit)"
    assert track["bpm"] == pytest.approx(123.456789)
    assert track["musical_key"] == 21
    assert track["comment2"] == "warm-up"
    assert track["year"] == 2001  # untouched fields stay as they were
    assert page.evaluate("window.__saved") == [panel_server.ids["form"]]
    assert page.input_value("#field-bpm") == "123.456789"  # the exact value, not the table's two decimals
    assert page.text_content("#detail-title") == "Form Track (Edit)"

    # Moving on to another track keeps what was typed: it is saved, not dropped.
    page.fill("#field-comment", "typed, then another track")
    open_track(page, panel_server, "cues")
    _wait_for(lambda: panel_server.track("form")["comment"] == "typed, then another track")


def _row_title(browser_page: Any, fixture: Fixture, name: str) -> Any:
    return browser_page.locator(f"#tracks-body tr[data-id='{fixture.ids[name]}'] .title-cell")


def test_the_open_tracks_own_row_clicked_again_keeps_what_is_typed(page: Any, panel_server: Fixture) -> None:  # noqa: F811
    """Found in a walk-through: a click on the row of the track being edited filled the form again from the
    library, and what the DJ had typed was gone, unsaved and unsaid."""
    open_track(page, panel_server, "form")
    before = panel_server.track("form")["comment"]
    page.fill("#field-comment", "typed, then its own row clicked")
    _row_title(page, panel_server, "form").click()
    page.wait_for_load_state("networkidle")
    page.wait_for_timeout(300)
    assert page.input_value("#field-comment") == "typed, then its own row clicked"
    assert panel_server.track("form")["comment"] == before  # nothing saved behind the DJ's back either
    page.click("#track-revert")
    assert page.input_value("#field-comment") == (before or "")


def test_a_cue_name_being_typed_goes_with_the_page(page: Any, panel_server: Fixture) -> None:  # noqa: F811
    """A cue's name saves when its field is left, which never happens when the tab is closed or reloaded: the
    name typed was lost without a word (found in a walk-through). It goes as the page goes."""
    open_track(page, panel_server, "typing")
    field = page.locator(".cue-list .cue-name").first
    field.wait_for()
    cue_id = int(field.evaluate("n => n.closest('li.cue').dataset.cueId"))
    before = {c["id"]: c["name"] for c in _cues(panel_server, "typing")}[cue_id]
    field.fill("Breakdown B")  # typed, not left
    page.goto(f"{panel_server.server.url}/operations")
    _wait_for(lambda: {c["id"]: c["name"] for c in _cues(panel_server, "typing")}[cue_id] == "Breakdown B")
    with httpx.Client(base_url=panel_server.server.url, headers=panel_server.server.token) as client:  # as it was
        url = f"/api/library/tracks/{panel_server.ids['typing']}/cues/{cue_id}"
        assert client.patch(url, json={"name": before}).status_code == 200


def test_a_value_saved_shows_as_the_library_holds_it(page: Any, panel_server: Fixture) -> None:  # noqa: F811
    """ "124,5" (a comma keyboard) was saved as 124.5 and stayed on screen as typed: the form still read as
    changed, so an Undo that came after was kept out of the form, and the page's last send on leaving (found
    in a review) would have undone it."""
    open_track(page, panel_server, "form")
    before = panel_server.track("form")["bpm"]
    page.fill("#field-bpm", "124,5")
    page.press("#field-bpm", "Enter")
    page.wait_for_function("() => document.querySelector('#form-status').textContent === 'Saved.'")
    assert panel_server.track("form")["bpm"] == pytest.approx(124.5)
    assert page.input_value("#field-bpm") == "124.5"
    with httpx.Client(base_url=panel_server.server.url, headers=panel_server.server.token) as client:
        assert client.post("/api/undo").status_code == 200
    expected = "" if before is None else str(before)
    page.wait_for_function("v => document.getElementById('field-bpm').value === v", arg=expected)


def test_a_link_to_another_page_saves_what_is_typed_first(page: Any, panel_server: Fixture) -> None:  # noqa: F811
    """Closing the panel or moving on to another track saves; a click on Traktor in the top bar dropped it."""
    open_track(page, panel_server, "form")
    page.fill("#field-comment", "typed, then the Traktor page")
    page.click(".topbar nav a[href='/traktor']")
    page.wait_for_url("**/traktor")
    assert panel_server.track("form")["comment"] == "typed, then the Traktor page"

    # A value the library refuses stays on screen with its reason: the page is not left.
    open_track(page, panel_server, "form")
    page.fill("#field-comment", "typed with a bad BPM")
    page.fill("#field-bpm", "4000")
    page.click(".topbar nav a[href='/traktor']")
    page.wait_for_selector("#form-status.error")
    assert page.url.endswith("/library")
    assert panel_server.track("form")["comment"] == "typed, then the Traktor page"
    page.click("#track-revert")


def test_a_page_left_some_other_way_sends_what_is_typed(page: Any, panel_server: Fixture) -> None:  # noqa: F811
    """Back, a reload or a typed address: the typed changes go with the page as it goes."""
    open_track(page, panel_server, "form")
    page.fill("#field-comment", "typed, then an address typed")
    page.goto(f"{panel_server.server.url}/operations")
    _wait_for(lambda: panel_server.track("form")["comment"] == "typed, then an address typed")

    # With a value the library would refuse, the browser asks first; left anyway, the rest goes without it (all
    # of it held back lost a good comment for a BPM typed "12x", found in a walk-through).
    open_track(page, panel_server, "form")
    bpm = panel_server.track("form")["bpm"]
    page.fill("#field-comment", "typed beside a bad BPM, then left")
    page.fill("#field-bpm", "4000")
    asked: list[str] = []

    def leave(dialog: Any) -> None:
        asked.append(dialog.type)
        dialog.accept()

    page.on("dialog", leave)
    page.goto(f"{panel_server.server.url}/operations")
    assert asked == ["beforeunload"]
    _wait_for(lambda: panel_server.track("form")["comment"] == "typed beside a bad BPM, then left")
    assert panel_server.track("form")["bpm"] == bpm


def test_an_edit_undone_before_any_export_is_no_longer_pending(page: Any, panel_server: Fixture) -> None:  # noqa: F811
    # The walk-through's DJ saved a year, pressed Undo, and "Pending export (1)" stayed while Preview Export said
    # "Nothing to export".
    with Library.open(panel_server.server.state.service.library_path) as library:
        library.record_export(library.version, NmlFingerprint("/exported.nml", 1, 1, "x"))  # nothing pending
    pending = "t => document.querySelector('#filter-pending').textContent === t"
    open_track(page, panel_server, "undone")
    page.wait_for_function(pending, arg="Pending export (0)")
    page.fill("#field-year", "2024")
    page.press("#field-year", "Enter")
    page.wait_for_function("() => document.querySelector('#form-status').textContent === 'Saved.'")
    page.wait_for_function(pending, arg="Pending export (1)")
    note = page.locator(".notification", has_text="Undo").last
    note.locator("button", has_text="Undo").click()
    _wait_for(lambda: panel_server.track("undone")["year"] == 1999)
    page.wait_for_function(pending, arg="Pending export (0)")
    assert page.input_value("#field-year") == "1999"


def test_a_notification_s_undo_never_undoes_a_later_edit(page: Any, panel_server: Fixture) -> None:  # noqa: F811
    # The walk-through saved a comment in the panel, edited another track from the CLI, and pressed Undo on the
    # panel's notification: the CLI's edit was undone, the panel's stayed.
    open_track(page, panel_server, "named")
    page.fill("#field-year", "2001")
    page.press("#field-year", "Enter")
    page.wait_for_function("() => document.querySelector('#form-status').textContent === 'Saved.'")
    note = page.locator(".notification", has_text="Undo").last
    note.wait_for()
    with httpx.Client(base_url=panel_server.server.url, headers=panel_server.server.token) as client:
        other = client.patch(f"/api/library/tracks/{panel_server.ids['form']}", json={"comment2": "from elsewhere"})
        assert other.status_code == 200, other.text
    note.locator("button", has_text="Undo").click()
    refused = page.locator(".notification", has_text="Not undone")
    refused.wait_for()
    assert "came after it" in refused.text_content()
    assert panel_server.track("form")["comment2"] == "from elsewhere"
    assert panel_server.track("named")["year"] == 2001


def test_the_missing_and_pending_marks_sort(page: Any, panel_server: Fixture) -> None:  # noqa: F811
    # The two mark columns had no sort: a DJ looking for the tracks to find or to export had to filter.
    open_library_page = f"{panel_server.server.url}/library"
    if page.url != open_library_page:
        page.goto(open_library_page)
    missing = {panel_server.ids["missing"], panel_server.ids["imported_missing"]}
    for direction in ("ascending", "descending"):
        header = "#tracks-head th[data-column='missing']"
        page.click(f"{header} button")
        if page.get_attribute(header, "aria-sort") != direction:
            page.click(f"{header} button")
        page.wait_for_selector(f"{header}[aria-sort='{direction}']")
        page.wait_for_function("() => document.querySelector('#tracks-body tr[data-id]') !== null")
        first = page.eval_on_selector_all(
            "#tracks-body tr[data-id]",
            "rows => rows.slice(0, 2).map(r => [Number(r.dataset.id), r.classList.contains('missing')])",
        )
        assert {track for track, _ in first} == missing and all(flag for _, flag in first), (direction, first)
        # The header shows the mark and the direction in its 34 px, not "⚠…".
        button = f"{header} button"
        assert page.eval_on_selector(button, "b => b.scrollWidth <= b.clientWidth"), direction
    with Library.open(panel_server.server.state.service.library_path) as library:
        library.record_export(library.version, NmlFingerprint("/exported.nml", 1, 1, "x"))
        library.edit_tracks([panel_server.ids["key_off"]], {"comment": "to export"})
    page.reload()
    page.click("#tracks-head th[data-column='pending'] button")
    page.wait_for_selector("#tracks-head th[data-column='pending'][aria-sort='ascending']")
    page.wait_for_function(
        "id => { const row = document.querySelector('#tracks-body tr[data-id]');"
        " return row !== null && row.dataset.id === String(id); }",
        arg=panel_server.ids["key_off"],
    )
    assert "pending" in page.get_attribute("#tracks-body tr[data-id]", "class")


def test_ctrl_z_undoes_a_cue_edit_and_the_keyboard_stays_on_a_control(page: Any, panel_server: Fixture) -> None:  # noqa: F811
    """After a cue was renamed with Enter, moved, deleted or given a taken slot, Ctrl-Z did nothing: the keyboard was
    left in a text field (after a delete, the first cue's position, where stray keys moved it) or on the page. A
    field holding what was saved leaves Ctrl-Z to the page's undo; a field being typed in keeps the browser's."""
    names = "() => [...document.querySelectorAll('#cue-list input.cue-name')].map(n => n.value).join()"
    open_track(page, panel_server, "undo_cues")

    # Renamed with Enter, then Ctrl-Z in the same field: the old name is back, in the library and on the page.
    field = _cue_row(page, "Two").locator("input.cue-name")
    field.fill("Drop")
    field.press("Enter")
    _wait_for(lambda: [c["name"] for c in _cues(panel_server, "undo_cues")] == ["One", "Drop", "Three"])
    page.wait_for_function(f"() => ({names})() === 'One,Drop,Three'")
    page.keyboard.press("Control+z")
    _wait_for(lambda: [c["name"] for c in _cues(panel_server, "undo_cues")] == ["One", "Two", "Three"])
    page.wait_for_function(f"() => ({names})() === 'One,Two,Three'")

    # Typing not yet saved: Ctrl-Z is the field's own, and the library is left alone.
    field = _cue_row(page, "Three").locator("input.cue-name")
    field.click()
    page.keyboard.press("End")
    page.keyboard.type("xyz")
    page.keyboard.press("Control+z")
    # The field's own undo took typing back (a letter at a time or all three: the browser's choice, which a busy
    # machine changes), and the library was left alone.
    page.wait_for_function("() => ['Three', 'Threex', 'Threexy'].includes(document.activeElement.value)")
    page.wait_for_timeout(300)
    assert [c["name"] for c in _cues(panel_server, "undo_cues")] == ["One", "Two", "Three"]
    field.fill("Three")  # as it was saved: leaving it sends nothing

    # Deleted: the keyboard is on the Delete of the cue now in its place, and Ctrl-Z brings the cue back.
    _cue_row(page, "Two").locator("button.cue-delete").click()
    _wait_for(lambda: [c["name"] for c in _cues(panel_server, "undo_cues")] == ["One", "Three"])
    page.wait_for_function(
        "() => document.activeElement.classList.contains('cue-delete')"
        " && document.activeElement.closest('li.cue').querySelector('input.cue-name').value === 'Three'"
    )
    page.keyboard.press("Control+z")
    _wait_for(lambda: [c["name"] for c in _cues(panel_server, "undo_cues")] == ["One", "Two", "Three"])

    # A taken slot, swapped: the keyboard comes back to the slot asked about (it fell to the page).
    _cue_row(page, "Three").locator("select.cue-slot").select_option("0")
    page.wait_for_selector("#cue-confirm:not([hidden])")
    page.keyboard.press("Enter")  # Swap has the focus
    _wait_for(lambda: {c["name"]: c["slot"] for c in _cues(panel_server, "undo_cues")}["Three"] == 0)
    page.wait_for_function(
        "() => document.activeElement.classList.contains('cue-slot')"
        " && document.activeElement.closest('li.cue').querySelector('input.cue-name').value === 'Three'"
    )
    page.keyboard.press("Control+z")  # a select has no typing to undo: the swap is undone
    _wait_for(
        lambda: {c["name"]: c["slot"] for c in _cues(panel_server, "undo_cues")} == {"One": 0, "Two": 1, "Three": -1}
    )
    page.keyboard.press("Escape")


def test_ctrl_z_right_after_enter_undoes_that_edit_not_the_one_before(page: Any, panel_server: Fixture) -> None:  # noqa: F811
    """Ctrl-Z pressed before a cue's save had reached the server undid the edit before it (and the save then wiped
    its redo): an undo now waits for the changes sent before it."""
    open_track(page, panel_server, "undo_cues")
    first = _cue_row(page, "One").locator("input.cue-name")
    first.fill("Uno")
    first.press("Enter")
    _wait_for(lambda: [c["name"] for c in _cues(panel_server, "undo_cues")] == ["Uno", "Two", "Three"])
    # The next save leaves the page half a second late (a slow machine, the library busy with an import).
    page.evaluate(
        """() => { const send = window.fetch;
                   window.fetch = (url, options) => options && options.method === "PATCH"
                     ? new Promise((answer) => setTimeout(() => answer(send(url, options)), 500))
                     : send(url, options); }"""
    )
    second = _cue_row(page, "Two").locator("input.cue-name")
    second.fill("Drop")
    second.press("Enter")
    page.keyboard.press("Control+z")
    page.locator(".notification", has_text="Undone: Renamed cue “Two” to “Drop”").wait_for()
    assert [c["name"] for c in _cues(panel_server, "undo_cues")] == ["Uno", "Two", "Three"]
    # Put back for the other tests.
    first = _cue_row(page, "Uno").locator("input.cue-name")
    first.fill("One")
    first.press("Enter")
    _wait_for(lambda: [c["name"] for c in _cues(panel_server, "undo_cues")] == ["One", "Two", "Three"])
    page.keyboard.press("Escape")


def test_the_next_track_clicked_stays_in_the_panel_when_the_last_ones_refresh_answers_later(
    page: Any,  # noqa: F811
    panel_server: Fixture,
) -> None:
    """A star clicked on one track, then the next row at once: the library's event for the star read the first
    track again after the click, and that read dropped the next track's answer. The table had the next track
    selected while the panel went on showing the first, and what the DJ typed went to it."""
    open_track(page, panel_server, "form")
    first, nxt = panel_server.ids["form"], panel_server.ids["named"]
    # The next track's answer comes 800 ms late, the first track's reads 300 ms late.
    page.evaluate(
        """([first, nxt]) => { const send = window.fetch;
             const wait = (url) => String(url).endsWith(`/api/library/tracks/${nxt}`) ? 800
               : String(url).endsWith(`/api/library/tracks/${first}`) ? 300 : 0;
             window.asked = [];
             window.fetch = (url, ...rest) => { window.asked.push(String(url));
               return new Promise((done) => setTimeout(done, wait(url))).then(() => send(url, ...rest)); }; }""",
        [first, nxt],
    )
    page.locator("#tracks-body tr[data-id]", has_text="Named Track").first.locator("td", has_text="Named Track").click()
    # The first track changed meanwhile (its star's event), once the next track was asked for: the panel, still
    # showing the first, reads it again.
    page.wait_for_function("id => window.asked.some((url) => url.endsWith(`/api/library/tracks/${id}`))", arg=nxt)
    page.evaluate(
        "id => document.dispatchEvent(new CustomEvent('harmony:library-edited', { detail: { ids: [id] } }))", first
    )
    page.wait_for_selector(f"#track-detail[data-track-id='{nxt}']:not([hidden])", timeout=10_000)
    page.wait_for_timeout(1000)
    assert page.get_attribute("#track-detail", "data-track-id") == str(nxt)
    assert page.text_content("#detail-title") == "Named Track"
    page.keyboard.press("Escape")


def test_rating_stars_by_click_and_keyboard(page: Any, panel_server: Fixture) -> None:  # noqa: F811
    open_track(page, panel_server, "rating")
    assert page.get_attribute("#field-rating .star[data-value='2']", "aria-checked") == "true"
    page.click("#field-rating .star[data-value='4']")
    page.wait_for_function("() => document.querySelector('#form-status').textContent === 'Saved.'")
    assert panel_server.track("rating")["rating"] == 4
    assert page.get_attribute("#field-rating .star[data-value='4']", "aria-checked") == "true"
    assert page.locator("#field-rating .star.lit").count() == 4

    page.focus("#field-rating .star[data-value='4']")
    page.keyboard.press("ArrowLeft")
    page.wait_for_function(
        "() => document.querySelector('#field-rating .star[data-value=\"3\"]').ariaChecked === 'true'"
    )
    page.wait_for_function("() => document.activeElement.dataset.value === '3'")
    _wait_for(lambda: panel_server.track("rating")["rating"] == 3)
    page.keyboard.press("0")
    _wait_for(lambda: panel_server.track("rating")["rating"] == 0)
    assert page.locator("#field-rating .star.lit").count() == 0
    # Space in the star control rates; it does not start the player.
    page.focus("#field-rating .star[data-value='1']")
    page.keyboard.press("Space")
    _wait_for(lambda: panel_server.track("rating")["rating"] == 1)


def _wait_for(condition: Any, timeout: float = 10) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "the library did not change in time"
        time.sleep(0.05)


def _cue_row(browser_page: Any, name: str) -> Any:
    return browser_page.locator("#cue-list li.cue", has=browser_page.locator(f"input.cue-name[value='{name}']"))


def _cues(fixture: Fixture, track: str) -> list[dict[str, Any]]:
    cues: list[dict[str, Any]] = fixture.track(track)["cues"]
    return cues


def test_cues_renamed_moved_swapped_and_deleted(page: Any, panel_server: Fixture) -> None:  # noqa: F811
    open_track(page, panel_server, "cues")
    names = page.eval_on_selector_all("#cue-list input.cue-name", "ns => ns.map(n => n.value)")
    assert names == ["Intro", "Break", "Outro"]  # sorted by position

    # Rename: typing and leaving the field saves it.
    intro = _cue_row(page, "Intro")
    intro.locator("input.cue-name").fill("Mix In")
    intro.locator("input.cue-name").press("Enter")
    _wait_for(lambda: any(c["name"] == "Mix In" for c in _cues(panel_server, "cues")))

    # Move: a new position typed as m:ss.mmm; the list re-sorts.
    outro = _cue_row(page, "Outro")
    outro.locator("input.cue-start").fill("0:15.250")
    outro.locator("input.cue-start").press("Enter")
    _wait_for(lambda: any(c["name"] == "Outro" and c["position"] == 15250 for c in _cues(panel_server, "cues")))
    page.wait_for_function(
        "order => [...document.querySelectorAll('#cue-list input.cue-name')].map(n => n.value).join() === order",
        arg="Mix In,Outro,Break",
    )
    bad = _cue_row(page, "Break").locator("input.cue-start")
    bad.fill("soon")
    bad.press("Enter")
    assert "Position must look like m:ss.mmm" in page.text_content("#cue-error")

    # Slot: hot cue 2 is Break's; taking it asks, and Swap exchanges the slots.
    _cue_row(page, "Outro").locator("select.cue-slot").select_option("1")
    page.wait_for_selector("#cue-confirm:not([hidden])")
    assert "Hot cue 2 is taken by the cue “Break”" in page.text_content("#cue-confirm-text")
    page.click("#cue-confirm-yes")
    _wait_for(
        lambda: {c["name"]: c["slot"] for c in _cues(panel_server, "cues")} == {"Mix In": 0, "Outro": 1, "Break": -1}
    )
    # Cancel leaves everything as it was.
    _cue_row(page, "Mix In").locator("select.cue-slot").select_option("1")
    page.wait_for_selector("#cue-confirm:not([hidden])")
    page.click("#cue-confirm-no")
    assert {c["name"]: c["slot"] for c in _cues(panel_server, "cues")} == {"Mix In": 0, "Outro": 1, "Break": -1}
    assert _cue_row(page, "Mix In").locator("select.cue-slot").input_value() == "0"

    # Type with natural names, and delete.
    assert "Fade-in" in _cue_row(page, "Break").locator("select.cue-type").text_content()
    _cue_row(page, "Break").locator("select.cue-type").select_option(label="Fade-in")
    _wait_for(lambda: any(c["name"] == "Break" and c["type"] == "fade_in" for c in _cues(panel_server, "cues")))
    _cue_row(page, "Break").locator("button.cue-delete").click()
    _wait_for(lambda: [c["name"] for c in _cues(panel_server, "cues")] == ["Mix In", "Outro"])
    page.wait_for_function("() => document.querySelectorAll('#cue-list li.cue').length === 2")

    # Add one at a typed position.
    page.fill("#cue-add-position", "2:00.500")
    page.click("#cue-add button[type=submit]")
    _wait_for(lambda: any(c["position"] == 120500 for c in _cues(panel_server, "cues")))
    page.wait_for_function("() => document.querySelectorAll('#cue-list li.cue').length === 3")
    # A cue edit is an undo step like any other: its notification offers Undo, which takes the new cue away.
    note = page.locator(".notification", has_text="Undo").last
    note.wait_for()
    note.locator("button", has_text="Undo").click()
    _wait_for(lambda: [c["name"] for c in _cues(panel_server, "cues")] == ["Mix In", "Outro"])


def _hold_collection_info(browser_page: Any) -> list[Any]:
    """Hold the panel's question about the collection's NML version until the test answers it."""
    held: list[Any] = []
    browser_page.route("**/api/traktor/info", lambda route: held.append(route))
    return held


def _held_route(browser_page: Any, held: list[Any]) -> Any:
    deadline = time.monotonic() + 10
    while not held:  # the route's handler runs while Playwright waits
        assert time.monotonic() < deadline, "the panel did not ask for the collection's version"
        browser_page.wait_for_timeout(20)
    return held[0]


def test_a_cue_name_being_typed_survives_the_collection_version_answer(page: Any, panel_server: Fixture) -> None:  # noqa: F811
    # The panel asks the collection's NML version after it opens. Its answer drew the cue list again: a name half
    # typed was saved as it stood when its field went away, and the DJ went on typing in a new field (under CI,
    # the test above lost the field it was typing in).
    held = _hold_collection_info(page)
    open_track(page, panel_server, "typing")
    name = _cue_row(page, "Start").locator("input.cue-name")
    name.fill("Mix")
    name.evaluate("field => { field.dataset.typedIn = 'yes'; }")
    route = _held_route(page, held)
    with page.expect_response("**/api/traktor/info"):
        route.continue_()
    page.evaluate("() => new Promise((done) => setTimeout(done, 100))")  # let the answer's handler run
    assert page.evaluate("document.activeElement.dataset.typedIn") == "yes"  # the same field, still being typed in
    assert [c["name"] for c in _cues(panel_server, "typing")] == ["Start", "End"]  # nothing saved yet
    page.keyboard.type(" In")
    page.keyboard.press("Enter")
    _wait_for(lambda: any(c["name"] == "Mix In" for c in _cues(panel_server, "typing")))


def test_a_cue_name_selected_to_type_over_keeps_its_selection_through_a_refresh(
    page: Any,  # noqa: F811
    panel_server: Fixture,
) -> None:
    # The walk-through selected a cue's name (Ctrl+A), the track changed elsewhere, the list was drawn again with
    # the focus back but the selection gone, and "Drop" went in front of the old name: "DropEnd".
    open_track(page, panel_server, "typing")
    field = _cue_row(page, "End").locator("input.cue-name")
    field.click()
    page.keyboard.press("Control+A")
    field.evaluate("f => { f.dataset.before = 'yes'; }")
    with httpx.Client(base_url=panel_server.server.url, headers=panel_server.server.token) as client:
        answer = client.patch(f"/api/library/tracks/{panel_server.ids['typing']}", json={"comment": "elsewhere"})
        assert answer.status_code == 200, answer.text
    page.wait_for_function(
        "() => document.activeElement.classList.contains('cue-name') && !document.activeElement.dataset.before"
    )
    page.keyboard.type("Outro")
    page.keyboard.press("Enter")
    _wait_for(lambda: any(c["name"] == "Outro" for c in _cues(panel_server, "typing")))
    assert not any(c["name"].startswith("OutroEnd") for c in _cues(panel_server, "typing"))


def test_an_older_collection_offers_no_cue_colours(page: Any, panel_server: Fixture) -> None:  # noqa: F811
    # Traktor stores cue colours from NML version 20 on: for an older collection the colour controls are off and
    # the panel says why.
    held = _hold_collection_info(page)
    open_track(page, panel_server, "typing")
    _held_route(page, held).fulfill(status=200, content_type="application/json", body='{"collection": {"version": 19}}')
    page.wait_for_selector("#cue-colour-note:not([hidden])")
    assert "this collection is version 19" in page.text_content("#cue-colour-note")
    disabled = page.eval_on_selector_all("#cue-list select.cue-colour", "ss => ss.map(s => s.disabled)")
    assert disabled == [True, True]


def _current_time(page: Any) -> float:  # noqa: F811
    value: float = page.evaluate("document.getElementById('player-audio').currentTime")
    return value


def test_a_track_plays_and_a_hot_cue_click_seeks(page: Any, panel_server: Fixture) -> None:  # noqa: F811
    open_track(page, panel_server, "plays")
    page.wait_for_function("() => !document.getElementById('player-play').disabled")
    page.click("#player-play")
    page.wait_for_function("() => document.getElementById('player-audio').currentTime > 0.3", timeout=15_000)
    assert page.get_attribute("#player-play", "aria-label") == "Pause (Space)"
    assert page.text_content("#player-position").startswith("0:00.")
    # Space (focus outside any text field) pauses and plays.
    page.evaluate("document.activeElement.blur()")
    page.keyboard.press("Space")
    page.wait_for_function("() => document.getElementById('player-audio').paused")
    paused_at = _current_time(page)
    page.keyboard.press("Space")
    page.wait_for_function("t => document.getElementById('player-audio').currentTime > t + 0.2", arg=paused_at)

    # The pad of hot cue 3 ("Drop" at 0:04.000) jumps there.
    page.click("#player-hotcues .pad[data-slot='2']")
    page.wait_for_function("() => document.getElementById('player-audio').currentTime >= 4")
    page.click("#player-play")  # pause, so the position stays put
    page.wait_for_function("() => document.getElementById('player-audio').paused")
    assert page.text_content("#player-position").startswith("0:04.")

    # A click on the cue's marker in the waveform jumps there too.
    page.evaluate("document.getElementById('player-audio').currentTime = 1")
    box = page.locator("#player-waveform").bounding_box()
    page.mouse.click(box["x"] + box["width"] * 4 / SECONDS + 2, box["y"] + box["height"] / 2)
    page.wait_for_function("() => Math.abs(document.getElementById('player-audio').currentTime - 4) < 0.05")

    # "Add cue at playhead" puts a cue where the player is.
    page.click("#cue-add-playhead")
    _wait_for(lambda: any(abs(c["position"] - 4000) < 50 and c["slot"] == -1 for c in _cues(panel_server, "plays")))

    # Another track opened while this one plays: it is stopped, and the button offers to play (it stayed at
    # ❚❚ "Pause", and pressing it started the new track).
    page.click("#player-play")
    page.wait_for_function("() => document.getElementById('player-play').ariaLabel === 'Pause (Space)'")
    open_track(page, panel_server, "rating")
    assert page.evaluate("document.getElementById('player-audio').paused")
    page.wait_for_timeout(200)  # any event the switch queued has come
    assert page.get_attribute("#player-play", "aria-label") == "Play (Space)"
    assert page.text_content("#player-play") == "▶"
    open_track(page, panel_server, "plays")

    page.keyboard.press("Escape")
    page.wait_for_selector("#track-detail", state="hidden")
    assert page.evaluate("document.getElementById('player-audio').paused")


PLAY_BLUE = "rgb(37, 99, 235)"


def _background(page: Any, selector: str) -> str:  # noqa: F811
    return str(page.eval_on_selector(selector, "e => getComputedStyle(e).backgroundColor"))


def test_a_track_whose_file_is_missing_says_so(page: Any, panel_server: Fixture) -> None:  # noqa: F811
    # A track the import marked missing says so in the panel before anything is tried, and no cover is asked for.
    covers: list[str] = []
    page.on("request", lambda request: covers.append(request.url) if request.url.endswith("/cover") else None)
    for name in ("missing", "imported_missing"):
        open_track(page, panel_server, name)
        banner = page.locator("#detail-missing")
        banner.wait_for(state="visible")
        assert banner.text_content().startswith("The audio file is missing: ")
        if name == "missing":
            assert "lost.mp3" in banner.text_content()
        assert page.is_disabled("#player-play")
        # It does not look like the blue button it is where the track plays (dimmed, it still read as one).
        assert _background(page, "#player-play") != PLAY_BLUE
        assert page.text_content("#player-status") == "The audio file is missing, so it cannot be played."
        # The fields stay editable: a DJ can still fix the tags of a track whose drive is unplugged.
        assert page.is_editable("#field-title")
        # No playhead, so no cue "at the playhead" (it was added at 0:00 without a word).
        cues_before = _cues(panel_server, name)
        page.click("#cue-add-playhead")
        page.wait_for_selector("#cue-error:not([hidden])")
        assert page.text_content("#cue-error").startswith("This track cannot play here, so it has no playhead")
        assert _cues(panel_server, name) == cues_before
        # The waveform's place is drawn (its line and cue markers) at the panel's width: it was a blank white box,
        # a canvas left as it was, or drawn while hidden at 1 pixel and stretched.
        page.wait_for_function(
            "() => { const c = document.getElementById('player-waveform');"
            " return c.clientWidth > 100 && c.width === Math.round(c.clientWidth * (window.devicePixelRatio || 1)); }"
        )
    assert not any(url.endswith(f"/tracks/{panel_server.ids['imported_missing']}/cover") for url in covers), covers
    open_track(page, panel_server, "plays")  # a file that is there: its cover is asked for
    page.wait_for_function("() => !document.getElementById('player-play').disabled")
    assert _background(page, "#player-play") == PLAY_BLUE
    page.wait_for_function(
        "id => document.getElementById('detail-cover').src.endsWith(`/tracks/${id}/cover`)",
        arg=panel_server.ids["plays"],
    )

    # A file that went away since the import: the player says what the server found.
    open_track(page, panel_server, "vanished")
    page.wait_for_function("() => document.getElementById('player-status').textContent.includes('missing')")
    status = page.text_content("#player-status")
    assert status.startswith("The audio file of this track is missing: ")
    assert "vanished.mp3" in status
    assert page.is_disabled("#player-play")
    assert page.is_hidden("#detail-missing")


def test_a_track_that_cannot_play_keeps_its_seek_bar_still(page: Any, panel_server: Fixture, tmp_path: Path) -> None:  # noqa: F811
    """A file too small to hold audio: the player says so, and its seek bar no longer moves (its thumb jumped to
    38–64 % with the clock at 0:00, found in a walk-through)."""
    placeholder = tmp_path / "Placeholder Track.mp3"
    placeholder.write_bytes(b"ID3\x04\x00\x00\x00\x00\x00\x00")
    with Library.open(panel_server.server.state.service.library_path) as library:
        track = library.add_track(TrackValues(path=str(placeholder), title="Placeholder Track", duration=300.0))
    try:
        page.goto(f"{panel_server.server.url}/library")
        page.locator("#tracks-body tr[data-id] .title-cell", has_text="Placeholder Track").click()
        page.wait_for_selector(f"#track-detail[data-track-id='{track}']:not([hidden])")
        # The waveform's answer says so before Play is pressed: nothing to play, nothing to seek in.
        page.wait_for_function("() => document.getElementById('player-status').textContent.includes('holds no audio')")
        assert page.text_content("#player-status") == (
            "Placeholder Track.mp3 holds no audio: the file is only 10 bytes (a placeholder, or an empty or "
            "unfinished copy)."
        )
        assert page.is_disabled("#player-seek") and page.is_disabled("#player-play")
        assert page.input_value("#player-seek") == "0"
        assert "error" in (page.get_attribute("#player-status", "class") or "")
    finally:
        with Library.open(panel_server.server.state.service.library_path) as library:
            library.delete_tracks([track])


def test_colour_by_keyboard_and_a_change_elsewhere_keeps_what_is_typed(page: Any, panel_server: Fixture) -> None:  # noqa: F811
    open_track(page, panel_server, "rating")
    # The colour picker: arrows move through none and Traktor's seven colours, each saved at once.
    page.focus("#field-color .colour[aria-checked='true']")
    page.keyboard.press("ArrowRight")
    _wait_for(lambda: panel_server.track("rating")["color"] == 1)
    assert page.get_attribute("#field-color .colour[data-value='1']", "aria-checked") == "true"
    page.keyboard.press("ArrowLeft")
    _wait_for(lambda: panel_server.track("rating")["color"] is None)

    # Another tab (or the CLI) renames the track while the DJ types a comment here.
    page.fill("#field-comment", "half-typed")
    with httpx.Client(base_url=panel_server.server.url, headers=panel_server.server.token) as client:
        answer = client.patch(f"/api/library/tracks/{panel_server.ids['rating']}", json={"title": "Renamed Elsewhere"})
    assert answer.status_code == 200, answer.text
    page.wait_for_function("() => document.querySelector('#field-title').value === 'Renamed Elsewhere'")
    assert page.text_content("#detail-title") == "Renamed Elsewhere"
    assert page.input_value("#field-comment") == "half-typed"


def _serious_violations(page: Any, step: str) -> list[tuple[str, str, str, list[Any]]]:  # noqa: F811
    from tests.conftest import require

    try:
        from axe_playwright_python.sync_playwright import Axe
    except ImportError:
        Axe = None
    require(Axe is not None, "axe-playwright-python is not installed")
    assert Axe is not None
    results = Axe().run(page)
    return [
        (step, v["id"], v["impact"], [n["target"] for n in v["nodes"][:3]])
        for v in results.response["violations"]
        if v["impact"] in ("serious", "critical")
    ]


def test_axe_finds_no_serious_violation_with_the_player_open(page: Any, panel_server: Fixture) -> None:  # noqa: F811
    # The player playing, its waveform drawn with the cue markers and the pads of the hot cues.
    open_track(page, panel_server, "plays")
    page.wait_for_function("() => !document.getElementById('player-play').disabled")
    page.wait_for_selector("#player-hotcues .pad[data-slot='2']")
    page.click("#player-play")
    page.wait_for_function("() => document.getElementById('player-audio').currentTime > 0.2", timeout=15_000)
    bad = _serious_violations(page, "playing")
    page.click("#player-play")
    page.wait_for_function("() => document.getElementById('player-audio').paused")
    # A track whose file is missing: the banner and the disabled player.
    open_track(page, panel_server, "missing")
    page.locator("#detail-missing").wait_for(state="visible")
    bad += _serious_violations(page, "missing")
    page.keyboard.press("Escape")
    assert bad == [], bad
