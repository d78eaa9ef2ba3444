"""``serve``: run the web app on uvicorn until Ctrl-C, then stop cleanly.

Open event streams never end on their own, and uvicorn waits for open connections before it runs the app's
shutdown; so the first Ctrl-C also ends the streams at once, and the app's shutdown then cancels running
operations and stops the worker pools.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import threading
import webbrowser
from pathlib import Path
from types import FrameType

import uvicorn

from harmony.web.app import DEFAULT_HOST, DEFAULT_PORT, create_app
from harmony.web.state import WebState

__all__ = ["HarmonyServer", "serve"]

log = logging.getLogger(__name__)


class HarmonyServer(uvicorn.Server):
    """A uvicorn server that ends the app's event streams as soon as it is asked to stop."""

    def __init__(self, config: uvicorn.Config, state: WebState) -> None:
        super().__init__(config)
        self._state = state
        self._loop: asyncio.AbstractEventLoop | None = None

    def handle_exit(self, sig: int, frame: FrameType | None) -> None:
        if self._loop is not None:
            self._loop.call_soon_threadsafe(self._state.hub.close)
        super().handle_exit(sig, frame)

    async def serve(self, sockets: list[object] | None = None) -> None:  # type: ignore[override]
        self._loop = asyncio.get_running_loop()
        await super().serve(sockets)  # type: ignore[arg-type]


def serve(
    library_path: Path | str | None = None,
    *,
    host: str = DEFAULT_HOST,
    port: int = DEFAULT_PORT,
    open_browser: bool = False,
    log_level: str = "info",
) -> None:
    """Serve the app on ``host:port`` until interrupted; ``open_browser`` opens the library page once ready."""
    app = create_app(library_path, host=host, port=port)
    config = uvicorn.Config(
        app, host=host, port=port, log_level=log_level, timeout_graceful_shutdown=5, access_log=False
    )
    server = HarmonyServer(config, app.state.web)
    if open_browser:
        url = f"http://{'127.0.0.1' if host in ('0.0.0.0', '::') else host}:{port}/library"

        def open_when_ready() -> None:
            for _ in range(100):
                if server.started:
                    webbrowser.open(url)
                    return
                threading.Event().wait(0.1)

        threading.Thread(target=open_when_ready, name="open browser", daemon=True).start()
    # uvicorn re-raises the Ctrl-C it has already handled: the app is stopped by then, nothing to add.
    with contextlib.suppress(KeyboardInterrupt):
        server.run()
