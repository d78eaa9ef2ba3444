"""Take docs/web-library-{390,768,1024,1280,1440}.png: the library page at a phone's, a tablet's, three laptops'.

Usage: PYTHONPATH=src python bench/library_screenshots.py [--tracks 20000] [--nml PATH] [--out docs]

Generates a collection of N tracks (or takes the collection.nml ``--nml`` names), imports it through the app
(Traktor page settings, "Sync from Traktor") served on a free port, and opens /library in Debian's Chromium at
each width, sorted by the default column. A generated collection's audio files exist (placeholders); a real
collection's do not, so its tracks show as missing. Real collections hold other people's data: take their
screenshots into a temporary folder to look at, never into docs/.
"""

from __future__ import annotations

import argparse
import asyncio
import shutil
import socket
import sys
import tempfile
import threading
import time
from pathlib import Path

import httpx
import uvicorn
from playwright.sync_api import sync_playwright

from harmony.devtools.collection_gen import generate_collection
from harmony.web import create_app

sys.path.insert(0, str(Path(__file__).resolve().parent))
from web_screenshot import CHROMIUM_ARGS

WIDTHS = (390, 768, 1024, 1280, 1440)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tracks", type=int, default=20_000)
    parser.add_argument("--nml", type=Path, default=None, help="a real collection.nml instead of a generated one")
    parser.add_argument("--out", type=Path, default=Path(__file__).resolve().parents[1] / "docs")
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="harmony-shots-"))
    mappings: dict[str, str] = {}
    if args.nml is not None:
        nml = args.nml.resolve()
    else:
        made = generate_collection(folder / "collection.nml", tracks=args.tracks, seed=4, files_dir=folder / "files")
        nml = made.path
        mappings = {volume: str(path) for volume, path in made.path_mappings.items()}
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    app = create_app(folder / "library.db", port=port, browse_root=folder, spool_dir=str(folder), auto_sync=False)
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=lambda: asyncio.run(server.serve()), daemon=True)
    thread.start()
    while not server.started:
        time.sleep(0.05)
    url = f"http://127.0.0.1:{port}"
    token = {"X-Harmony-Token": app.state.web.guard.token}
    try:
        with httpx.Client(base_url=url, headers=token, timeout=60) as client:
            client.put("/api/traktor/config", json={"nml_path": str(nml), "path_mappings": mappings})
            operation = client.post("/api/traktor/sync").json()["operation_id"]
            while client.get(f"/api/operations/{operation}").json().get("status") in ("queued", "running"):
                time.sleep(0.2)
            total = client.get("/api/library/tracks", params={"limit": 1}).json()["total"]
            print(f"imported {total:,} tracks from {nml.name}")
        args.out.mkdir(parents=True, exist_ok=True)
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
            for width in WIDTHS:
                context = browser.new_context(viewport={"width": width, "height": 800 if width < 1440 else 900})
                page = context.new_page()
                page.goto(f"{url}/library")
                page.wait_for_selector("#tracks-body tr[data-id]")
                page.wait_for_timeout(300)  # the counts of the filters and the tree settle
                sideways = page.evaluate("document.documentElement.scrollWidth") > width
                shot = args.out / f"web-library-{width}.png"
                page.screenshot(path=str(shot))
                print(f"saved {shot}{' (the page scrolls sideways!)' if sideways else ''}")
                context.close()
            browser.close()
    finally:
        server.should_exit = True
        thread.join(30)
        shutil.rmtree(folder, ignore_errors=True)  # the generated library and collection
    return 0


if __name__ == "__main__":
    sys.exit(main())
