"""Fixtures for the web app tests: a generated collection, the app on its own pools (in-process through
httpx's ASGI transport), and a real uvicorn server on a free port (for the event stream and the browser)."""

from __future__ import annotations

import asyncio
import socket
import threading
import time
from collections.abc import AsyncIterator, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
import uvicorn
from fastapi import FastAPI

from harmony.devtools.collection_gen import GeneratedCollection, generate_collection
from harmony.web import create_app
from harmony.web.state import WebState
from harmony.workers import PoolConfig, WorkerManager

HOST = "127.0.0.1"
PORT = 8765
BASE = f"http://{HOST}:{PORT}"


@dataclass(frozen=True)
class Demo:
    generated: GeneratedCollection

    @property
    def nml(self) -> Path:
        return self.generated.path

    @property
    def mappings(self) -> dict[str, str]:
        return {volume: str(folder) for volume, folder in self.generated.path_mappings.items()}

    def config(self) -> dict[str, Any]:
        """The settings body that points the app at this collection."""
        return {"nml_path": str(self.nml), "path_mappings": self.mappings}


def make_demo(folder: Path, tracks: int, seed: int = 7) -> Demo:
    folder.mkdir(parents=True, exist_ok=True)
    return Demo(generate_collection(folder / "collection.nml", tracks=tracks, seed=seed, files_dir=folder / "files"))


@pytest.fixture
def home(tmp_path: Path) -> Path:
    """The folder browser's root (the "home folder" of these tests)."""
    folder = tmp_path / "home"
    folder.mkdir()
    return folder


@pytest.fixture
def demo(home: Path) -> Demo:
    return make_demo(home / "Music" / "Traktor", tracks=120)


def build_app(tmp_path: Path, home: Path, *, port: int = PORT) -> FastAPI:
    manager = WorkerManager(PoolConfig(max_workers=1), PoolConfig(max_workers=1))
    return create_app(
        tmp_path / "library.db", manager, port=port, browse_root=home, spool_dir=str(tmp_path), freeze_gc=False
    )


@dataclass
class Api:
    """The app in-process, with a client that sends the session token (as the pages do)."""

    app: FastAPI
    client: httpx.AsyncClient

    @property
    def state(self) -> WebState:
        state: WebState = self.app.state.web
        return state

    @property
    def token(self) -> dict[str, str]:
        return {"X-Harmony-Token": self.state.guard.token}

    async def configure(self, demo: Demo) -> None:
        response = await self.client.put("/api/traktor/config", json=demo.config(), headers=self.token)
        assert response.status_code == 200, response.text

    async def run(self, path: str, body: dict[str, Any] | None = None) -> dict[str, Any]:
        """Start an operation, wait for it, and return its JSON."""
        response = await self.client.post(path, json=body, headers=self.token)
        assert response.status_code == 202, response.text
        await self.state.service.wait(response.json()["operation_id"])
        answer = await self.client.get(f"/api/operations/{response.json()['operation_id']}")
        data: dict[str, Any] = answer.json()
        return data


@pytest.fixture
async def api(tmp_path: Path, home: Path) -> AsyncIterator[Api]:
    app = build_app(tmp_path, home)
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
        async with httpx.AsyncClient(transport=transport, base_url=BASE) as client:
            yield Api(app, client)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        port: int = sock.getsockname()[1]
        return port


@dataclass
class LiveServer:
    app: FastAPI
    url: str
    server: uvicorn.Server
    loop: asyncio.AbstractEventLoop | None = None

    @property
    def state(self) -> WebState:
        state: WebState = self.app.state.web
        return state

    @property
    def token(self) -> dict[str, str]:
        return {"X-Harmony-Token": self.state.guard.token}

    def call(self, coro: Any, timeout: float = 60) -> Any:
        """Run a coroutine on the server's event loop (the service is not thread-safe) and return its result."""
        assert self.loop is not None
        return asyncio.run_coroutine_threadsafe(coro, self.loop).result(timeout)


@contextmanager
def serving(app: FastAPI, port: int) -> Iterator[LiveServer]:
    """Run ``app`` on uvicorn in a thread on ``port``; shut it down (operations cancelled, pools stopped) after."""
    config = uvicorn.Config(app, host=HOST, port=port, log_level="warning", timeout_graceful_shutdown=2)
    server = uvicorn.Server(config)
    live = LiveServer(app, f"http://{HOST}:{port}", server)

    def run() -> None:
        async def main() -> None:
            live.loop = asyncio.get_running_loop()
            await server.serve()

        asyncio.run(main())

    thread = threading.Thread(target=run, name="uvicorn", daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            raise RuntimeError("the test server did not start")
        time.sleep(0.02)
    try:
        yield live
    finally:
        assert live.loop is not None
        live.loop.call_soon_threadsafe(live.state.hub.close)
        server.should_exit = True
        thread.join(30)


@pytest.fixture
def live_server(tmp_path: Path, home: Path) -> Iterator[LiveServer]:
    """The app on uvicorn in a thread, on a free port, shut down (operations cancelled, pools stopped) after."""
    port = free_port()
    with serving(build_app(tmp_path, home, port=port), port) as live:
        yield live
