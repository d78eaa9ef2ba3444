"""Take docs/web-traktor.png: the Traktor page during an import, with its blue notification showing a phase.

Usage: PYTHONPATH=src python bench/web_screenshot.py [--tracks 20000] [--out docs/web-traktor.png]

Generates a collection, serves the app on a free port (uvicorn in a thread), opens the Traktor page in Debian's
Chromium through Playwright, points it at the collection, clicks "Sync from Traktor" and takes the screenshot
once the notification shows a progress line ("Phase: message (NN%)").
"""

from __future__ import annotations

import argparse
import asyncio
import re
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

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tracks", type=int, default=20_000)
    parser.add_argument("--out", type=Path, default=Path(__file__).resolve().parents[1] / "docs" / "web-traktor.png")
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="harmony-shot-"))
    music = folder / "Music" / "Traktor 3.11.1"
    music.mkdir(parents=True)
    made = generate_collection(music / "collection.nml", tracks=args.tracks, seed=4, files_dir=folder / "files")
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    app = create_app(folder / "library.db", port=port, browse_root=folder, spool_dir=str(folder))
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=lambda: asyncio.run(server.serve()), daemon=True)
    thread.start()
    while not server.started:
        time.sleep(0.05)
    url = f"http://127.0.0.1:{port}"
    token = {"X-Harmony-Token": app.state.web.guard.token}
    mappings = {volume: str(path) for volume, path in made.path_mappings.items()}
    with httpx.Client(base_url=url, headers=token) as client:
        client.put("/api/traktor/config", json={"nml_path": str(made.path), "path_mappings": mappings})
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
            page = browser.new_page(viewport={"width": 1280, "height": 900})
            page.goto(f"{url}/traktor")
            page.wait_for_selector("#nml-badges .badge.blue", timeout=60_000)
            page.click("text=Sync from Traktor")
            progress = re.compile(r"^(Analyzing|Syncing|Saving): .+ \(\d+%\)$")
            deadline = time.monotonic() + 120
            while time.monotonic() < deadline:
                text = page.text_content(".notification .message") or ""
                if progress.match(text):
                    break
                time.sleep(0.02)
            args.out.parent.mkdir(parents=True, exist_ok=True)
            page.screenshot(path=str(args.out))
            print(f"saved {args.out} (notification: {text!r})")
            browser.close()
    finally:
        server.should_exit = True
        thread.join(30)
    return 0


if __name__ == "__main__":
    sys.exit(main())
