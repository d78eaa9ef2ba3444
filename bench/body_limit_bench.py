"""The web server's memory while a client sends it a 2 GB request body with the session token.

Starts ``harmony serve`` on a free port with a fresh library, reads the token from the Traktor page, sends
``--size`` bytes of zeros to ``PUT /api/traktor/config`` (once with a ``Content-Length``, once in chunks
without one) and prints the answer's status, the bytes the client managed to send, and the server's resident
memory before and at its peak (``VmHWM`` from ``/proc/PID/status``, Linux only).

    .venv/bin/python bench/body_limit_bench.py [--size 2147483648]
"""

from __future__ import annotations

import argparse
import os
import re
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import httpx

SRC = Path(__file__).resolve().parents[1] / "src"
PIECE = 1 << 20


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def _memory(pid: int, field: str) -> int:
    """``VmRSS`` or ``VmHWM`` of ``pid`` in bytes."""
    text = Path(f"/proc/{pid}/status").read_text()
    match = re.search(rf"^{field}:\s+(\d+) kB", text, re.M)
    return int(match.group(1)) * 1024 if match else 0


def _send(url: str, token: str, size: int, chunked: bool) -> tuple[int | str, int]:
    sent = 0

    def body() -> Iterator[bytes]:
        nonlocal sent
        while sent < size:
            piece = b"\0" * min(PIECE, size - sent)
            sent += len(piece)
            yield piece

    headers = {"X-Harmony-Token": token, "Content-Type": "application/json"}
    if not chunked:
        headers["Content-Length"] = str(size)
    try:
        answer = httpx.put(f"{url}/api/traktor/config", content=body(), headers=headers, timeout=120)
        return answer.status_code, sent
    except httpx.HTTPError as error:  # the server closed the connection while we were still sending
        return type(error).__name__, sent


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=2 * 1024**3)
    args = parser.parse_args()
    port = _free_port()
    with tempfile.TemporaryDirectory() as folder:
        server = subprocess.Popen(
            [sys.executable, "-m", "harmony", "--library", f"{folder}/library.db", "serve", "--port", str(port)],
            env={**os.environ, "PYTHONPATH": str(SRC)},
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        try:
            url = f"http://127.0.0.1:{port}"
            for _ in range(200):
                try:
                    page = httpx.get(f"{url}/traktor", timeout=5)
                    break
                except httpx.TransportError:
                    time.sleep(0.2)
            match = re.search(r'name="harmony-token" content="([^"]+)"', page.text)
            assert match is not None
            before = _memory(server.pid, "VmRSS")
            for chunked in (False, True):
                status, sent = _send(url, match.group(1), args.size, chunked)
                print(
                    f"{'chunked' if chunked else 'with Content-Length'}: answer {status}, "
                    f"{sent / 1024**2:,.0f} MiB of {args.size / 1024**2:,.0f} MiB sent"
                )
            print(
                f"server memory: {before / 1024**2:,.0f} MiB before, peak {_memory(server.pid, 'VmHWM') / 1024**2:,.0f}"
                f" MiB, now {_memory(server.pid, 'VmRSS') / 1024**2:,.0f} MiB"
            )
        finally:
            server.terminate()
            server.wait(30)


if __name__ == "__main__":
    main()
