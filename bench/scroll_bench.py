"""Benchmark of the library page's one scrolling list at 100,000 tracks, in Debian's Chromium.

Builds a library of N generated tracks (default 100,000), serves the app on a free port and opens /library
through Playwright. Then, watching long tasks (a PerformanceObserver on 'longtask': main-thread work of 50 ms or
more, what a DJ feels as lag) and the requests for rows:

- *jumps*: the list is scrolled to 20 places from the top to the very end, one at a time; for each, the time
  until every row in sight shows a track (no "…" row left);
- *drag*: the scroll bar dragged from the top to the end in one second (60 small steps a frame apart), then the
  time until the rows at the end show, and how many row requests the drag made;
- *End key*: back to the top, Ctrl-End on the focused row; the time until the last track's row is focused.

Prints the figures; asserts nothing about speed. Targets: no long task while scrolling, rows in sight within
300 ms of a jump on an idle machine.

Run: ``PYTHONPATH=src python bench/scroll_bench.py [--tracks 100000]``
"""

from __future__ import annotations

import argparse
import asyncio
import shutil
import socket
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

import uvicorn
from playwright.sync_api import sync_playwright

from harmony.library import Library
from harmony.web import create_app

sys.path.insert(0, str(Path(__file__).resolve().parent))
from library_bench import make_tracks
from web_screenshot import CHROMIUM_ARGS

# Collects long tasks from the page's start, and says whether every row in sight shows a track.
WATCH = """
window.__longTasks = [];
new PerformanceObserver((list) => {
  for (const entry of list.getEntries()) window.__longTasks.push(entry.duration);
}).observe({ type: "longtask", buffered: true });
"""
ROWS_SHOWN = """() => {
  const wrap = document.getElementById("table-wrap");
  const box = wrap.getBoundingClientRect();
  const rows = [...document.querySelectorAll("#tracks-body tr[data-index]")].filter((row) => {
    const r = row.getBoundingClientRect();
    return r.bottom > box.top + 40 && r.top < box.bottom;  // under the sticky header, inside the list
  });
  return rows.length > 0 && rows.every((row) => !row.classList.contains("loading"));
}"""


def serve(folder: Path, tracks: int) -> tuple[uvicorn.Server, threading.Thread, str]:
    library = Library.open(folder / "library.db")
    library.add_tracks(make_tracks(tracks))
    library.close()
    return serve_library(folder)


def serve_library(folder: Path) -> tuple[uvicorn.Server, threading.Thread, str]:
    """The app on ``folder/library.db``, on a free port, in a thread; stop it with ``server.should_exit``."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    app = create_app(folder / "library.db", port=port, browse_root=folder, spool_dir=str(folder), auto_sync=False)
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=lambda: asyncio.run(server.serve()), daemon=True)
    thread.start()
    while not server.started:
        time.sleep(0.05)
    return server, thread, f"http://127.0.0.1:{port}"


def until_rows_show(page: Any, limit_s: float = 30.0) -> float:
    """Milliseconds until every row in sight shows a track."""
    started = time.perf_counter()
    page.wait_for_function(ROWS_SHOWN, timeout=limit_s * 1000, polling="raf")
    return (time.perf_counter() - started) * 1000


def long_tasks(page: Any) -> list[float]:
    found: list[float] = page.evaluate("window.__longTasks.splice(0)")
    return found


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tracks", type=int, default=100_000)
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="harmony-scroll-"))
    built = time.perf_counter()
    server, thread, url = serve(folder, args.tracks)
    print(f"library of {args.tracks:,} tracks built and served in {time.perf_counter() - built:.1f} s")
    requests: list[str] = []
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
            page = browser.new_page(viewport={"width": 1440, "height": 900})
            page.add_init_script(WATCH)
            page.on("request", lambda r: requests.append(r.url) if "/api/library/tracks?" in r.url else None)
            page.goto(f"{url}/library")
            first = until_rows_show(page)
            print(f"first rows: {first:.0f} ms")
            long_tasks(page)  # the page's start is not scrolling

            jumps = []
            height = page.evaluate("document.getElementById('table-wrap').scrollHeight")
            for step in range(1, 21):
                page.evaluate(f"document.getElementById('table-wrap').scrollTop = {height * step // 20}")
                jumps.append(until_rows_show(page))
            tasks = long_tasks(page)
            print(
                f"20 jumps to the end: rows in sight after p50 {statistics.median(jumps):.0f} ms, max "
                f"{max(jumps):.0f} ms; long tasks {len(tasks)} (longest {max(tasks, default=0):.0f} ms)"
            )

            page.evaluate("document.getElementById('table-wrap').scrollTop = 0")
            until_rows_show(page)
            long_tasks(page)
            before = len(requests)
            page.evaluate(
                """async () => {
                  const wrap = document.getElementById("table-wrap");
                  const end = wrap.scrollHeight - wrap.clientHeight;
                  for (let i = 1; i <= 60; i += 1) {
                    wrap.scrollTop = end * i / 60;
                    await new Promise((done) => requestAnimationFrame(done));
                  }
                }"""
            )
            settle = until_rows_show(page)
            page.wait_for_timeout(500)  # requests still coming after the rows show count too
            tasks = long_tasks(page)
            print(
                f"drag to the end in 60 frames: rows in sight {settle:.0f} ms after the last frame; "
                f"{len(requests) - before} row requests; long tasks {len(tasks)} "
                f"(longest {max(tasks, default=0):.0f} ms)"
            )

            page.evaluate("document.getElementById('table-wrap').scrollTop = 0")
            until_rows_show(page)
            page.locator("#tracks-body tr[data-index]").first.click()
            page.keyboard.press("Escape")  # the click opened the track panel; the row keeps the focus
            page.wait_for_timeout(300)
            long_tasks(page)
            started = time.perf_counter()
            page.keyboard.press("Control+End")
            page.wait_for_function(
                f"() => document.activeElement && document.activeElement.closest('tr')"
                f" && document.activeElement.closest('tr').dataset.index === '{args.tracks - 1}'",
                timeout=30_000,
                polling="raf",
            )
            end_ms = (time.perf_counter() - started) * 1000
            tasks = long_tasks(page)
            print(
                f"Ctrl-End: last row focused after {end_ms:.0f} ms; long tasks {len(tasks)} "
                f"(longest {max(tasks, default=0):.0f} ms)"
            )
            browser.close()
    finally:
        server.should_exit = True
        thread.join(30)
        shutil.rmtree(folder, ignore_errors=True)  # the generated library and collection
    return 0


if __name__ == "__main__":
    sys.exit(main())
