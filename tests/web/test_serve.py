"""``harmony serve`` as the DJ runs it: a real process, stopped with Ctrl-C while a page listens to its events."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import httpx

from .conftest import free_port

ROOT = Path(__file__).resolve().parents[2]


def test_serve_answers_and_stops_on_ctrl_c(tmp_path: Path) -> None:
    port = free_port()
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src"), "HOME": str(tmp_path)}
    command = [sys.executable, "-m", "harmony", "--library", str(tmp_path / "library.db"), "serve", "--port", str(port)]
    server = subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                page = httpx.get(f"{url}/library", timeout=30)
                break
            except httpx.TransportError:
                assert server.poll() is None, server.communicate()
                assert time.monotonic() < deadline, "the server did not start"
                time.sleep(0.1)
        assert page.status_code == 200
        # A busy machine may take longer than httpx's default 5 s to answer.
        assert httpx.get(f"http://localhost:{port}/api/stats", timeout=30).status_code == 200
        attacker = {"Host": f"attacker.example:{port}"}
        assert httpx.get(f"{url}/api/stats", headers=attacker, timeout=30).status_code == 400

        # A page listening to the event stream must not keep the server from stopping.
        opened = threading.Event()

        def listen() -> None:
            try:
                with httpx.stream("GET", f"{url}/api/events", timeout=30) as response:
                    opened.set()
                    for _ in response.iter_lines():
                        pass
            except httpx.HTTPError:
                pass

        listener = threading.Thread(target=listen, daemon=True)
        listener.start()
        assert opened.wait(10)
        server.send_signal(signal.SIGINT)
        out, err = server.communicate(timeout=30)  # not forever
        assert server.returncode == 0, err
        # Nor by waiting out the graceful timeout, which uvicorn says when it cancels what held it (a stopwatch
        # would say the same on an idle machine, and fail on a busy one).
        assert "Shutting down" in err
        assert "graceful shutdown exceeded" not in err, err
        assert "Traceback" not in err
        assert f"http://127.0.0.1:{port}/library" in out
        listener.join(10)
        assert not listener.is_alive()
    finally:
        if server.poll() is None:
            server.kill()
            server.communicate()
