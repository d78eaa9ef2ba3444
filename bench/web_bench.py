"""Is the web app responsive while it works? Search latency and event-loop gaps during a big import and export.

Usage: PYTHONPATH=src python bench/web_bench.py [--tracks 100000] [--pause S] [--folder DIR] [--no-export] [--why]

1. Generates two Traktor collections of ``--tracks`` tracks each (with placeholder audio files).
2. Starts ``harmony serve``'s app in a child process, with a ticker task on its event loop that wakes every
   5 ms and records how late it woke (an event-loop gap: the time the loop could not answer anyone).
3. Imports collection A (untimed), so the library holds ``--tracks`` tracks to search; then starts importing
   collection B (``--tracks`` new tracks: parsing, matching, then one big write transaction; A's tracks, no
   longer in the collection imported, leave the library, allowed past the removal guard) and, until it ends,
   sends the library page's requests: a search for a word from the library, sorted by a random column, at a
   random page; now and then a track's detail. Between two requests it waits ``--pause`` (default 0.2 s, the
   page's own typing delay: it searches 0.2 s after the last key). Back to back (``--pause 0``) the searches
   alone keep a core busy in the server (each is tens of ms of SQLite work at 100,000 tracks) and the client
   another; on a two-core machine the ticker then measures mostly the wait for a free core, a load no page makes.
4. Edits one track in 100 in the library, then exports the library into collection B (backup, safe write) and
   sends the same requests until the export ends.
5. Prints, for the import and for the export, the search latency (p50, p95, max), the ticker's gaps in the same
   window (by phase, with the CPU time the server used meanwhile; how many came with the server's CPU at least
   half the gap), how long the machine spent waiting for a core (``/proc/pressure/cpu``), and the server's long
   GC pauses.

Targets: search p95 <= 150 ms, no event-loop gap over 25 ms.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import gc
import json
import os
import random
import re
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import httpx

TICK = 0.005
SORTS = ["artist", "title", "-bpm", "album", "-date_added", "genre", "key", "-rating"]


# --- the server process ---------------------------------------------------------------------------------------


async def _ticker(gaps: list[tuple[float, float, str, float]], service: Any, heartbeat: list[float]) -> None:
    """Wake every TICK; record each late wake-up with the phase of the running operation (where it came from)."""
    loop = asyncio.get_running_loop()
    expected = loop.time() + TICK
    cpu = time.process_time()
    while True:
        await asyncio.sleep(TICK)
        heartbeat[0] = time.monotonic()
        now, cpu_now = loop.time(), time.process_time()
        late = now - expected
        if late > 0.002:
            active = service.log.active()
            phase = active[0].phase if active else "idle"
            # CPU time this process spent during the gap (all threads): about the gap when something in the
            # process held the loop up; far less when the process was simply waiting for a free core.
            gaps.append((time.time(), late, phase, cpu_now - cpu))
        expected = now + TICK
        cpu = cpu_now


def _sampler(heartbeat: list[float], samples: list[tuple[float, dict[str, list[str]]]]) -> None:
    """``--why``: while the ticker is late (the loop held up), note where every thread of the server is, so a
    gap can be traced to its code. A thread that holds the GIL in one long C call leaves no sample meanwhile:
    the samples just after such a gap show who had it."""
    import threading
    import traceback

    me = threading.get_ident()
    names = {}
    while len(samples) < 20_000:
        time.sleep(0.002)
        if time.monotonic() - heartbeat[0] < 0.012:
            continue
        names = {thread.ident: thread.name for thread in threading.enumerate()}
        where: dict[str, list[str]] = {}
        for ident, frame in sys._current_frames().items():
            if ident == me:
                continue
            # The innermost frames only, and no source lines read: the sampler holds the GIL while it looks, and
            # must not lengthen the gaps it is there to explain.
            innermost = traceback.StackSummary.extract(traceback.walk_stack(frame), limit=6, lookup_lines=False)
            stack = list(reversed(innermost))
            where[names.get(ident, str(ident))] = [f"{Path(f.filename).name}:{f.lineno} {f.name}" for f in stack]
        samples.append((time.time(), where))


def serve(library: Path, port: int, out: Path, spool: Path) -> None:
    """The child: the app on uvicorn plus the ticker; writes the gaps to ``out`` when stopped (SIGINT)."""
    import logging

    import uvicorn

    from harmony.web import create_app

    logging.basicConfig(level=logging.WARNING)
    app = create_app(library, port=port, spool_dir=str(spool), browse_root=library.parent)
    gaps: list[tuple[float, float, str, float]] = []
    collections: list[tuple[float, float, str]] = []
    gc_started = [0.0]

    def gc_timer(phase: str, info: dict[str, int]) -> None:
        # The garbage collector stops every thread; long collections show up as event-loop gaps.
        if phase == "start":
            gc_started[0] = time.perf_counter()
        elif (took := time.perf_counter() - gc_started[0]) > 0.005:
            collections.append((time.time(), took, f"gc gen {info['generation']}"))

    gc.callbacks.append(gc_timer)
    heartbeat = [time.monotonic()]
    samples: list[tuple[float, dict[str, list[str]]]] = []
    if os.environ.get("WEB_BENCH_WHY"):
        import threading

        threading.Thread(target=_sampler, args=(heartbeat, samples), name="bench sampler", daemon=True).start()

    async def main() -> None:
        config = uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", timeout_graceful_shutdown=3)
        server = uvicorn.Server(config)
        ticker = asyncio.create_task(_ticker(gaps, app.state.web.service, heartbeat))
        try:
            await server.serve()
        finally:
            ticker.cancel()
            out.write_text(json.dumps({"gaps": gaps, "gc": collections, "samples": samples}))

    with contextlib.suppress(KeyboardInterrupt):  # uvicorn re-raises the SIGINT it handled, once shut down
        asyncio.run(main())


# --- the client -----------------------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))] if ordered else 0.0


def generate(folder: Path, tracks: int, seed: int) -> tuple[Path, dict[str, str]]:
    """A collection with its files in ``folder`` (reused when a previous run with ``--folder`` made it)."""
    from harmony.devtools.collection_gen import generate_collection

    made_file = folder / "mappings.json"
    if made_file.exists():
        known = json.loads(made_file.read_text())
        if known["tracks"] == tracks:
            return folder / "collection.nml", known["mappings"]
    folder.mkdir(parents=True, exist_ok=True)
    made = generate_collection(folder / "collection.nml", tracks=tracks, seed=seed, files_dir=folder / "files")
    mappings = {volume: str(path) for volume, path in made.path_mappings.items()}
    made_file.write_text(json.dumps({"tracks": tracks, "mappings": mappings}))
    return made.path, mappings


def edit_tracks(library_path: Path, count: int) -> int:
    """Change the comment of ``count`` tracks (one edit each), as a DJ tagging in Harmony would: an export's work."""
    from harmony.library import Library

    with Library.open(library_path) as library:
        # The newest tracks: those of collection B, which the export writes into.
        ids = [track.id for track in library.search_tracks(limit=count, sort="id", descending=True).tracks]
        for number, track_id in enumerate(ids):
            library.update_track(track_id, {"comment": f"edited in Harmony {number}"})
    return len(ids)


def wait_operation(client: httpx.Client, op_id: str) -> dict[str, Any]:
    while True:
        op: dict[str, Any] = client.get(f"/api/operations/{op_id}").json()
        if op["status"] in ("succeeded", "failed", "cancelled"):
            return op
        time.sleep(0.2)


def browse_while(client: httpx.Client, op_id: str, words: list[str], ids: list[int], pause: float) -> dict[str, Any]:
    """Send library requests until the operation ends; return latencies and the window."""
    rng = random.Random(1)
    searches: list[float] = []
    details: list[float] = []
    started = time.time()
    waiting = cpu_waiting()
    checked = 0.0
    op: dict[str, Any] = {}
    while True:
        now = time.monotonic()
        if now - checked > 0.25:
            op = client.get(f"/api/operations/{op_id}").json()
            checked = now
            if op["status"] in ("succeeded", "failed", "cancelled"):
                break
        params = {
            "search": rng.choice(words),
            "sort": rng.choice(SORTS),
            "limit": 100,
            "offset": rng.choice([0, 0, 100, 500]),
        }
        began = time.perf_counter()
        response = client.get("/api/library/tracks", params=params)
        searches.append(time.perf_counter() - began)
        response.raise_for_status()
        if rng.random() < 0.2 and ids:
            began = time.perf_counter()
            detail = client.get(f"/api/library/tracks/{rng.choice(ids)}")
            if detail.status_code != 404:  # a track of collection A the import has just removed is a fair 404
                detail.raise_for_status()
            details.append(time.perf_counter() - began)
        if pause:
            time.sleep(pause)
    ended = time.time()
    waited = None if waiting is None or (now_waiting := cpu_waiting()) is None else now_waiting - waiting
    return {
        "op": op,
        "searches": searches,
        "details": details,
        "window": (started, ended),
        "cpu_waiting": None if waited is None else waited / (ended - started),
        "load": os.getloadavg()[0],
    }


def cpu_waiting() -> float | None:
    """Seconds, since boot, during which some task of the machine was waiting for a core (Linux's pressure
    stall information; None elsewhere). Over a window, it tells a gap made by the app from the wait for a core
    that the machine's other work imposes on every process."""
    try:
        line = Path("/proc/pressure/cpu").read_text().splitlines()[0]
    except (OSError, IndexError):
        return None
    fields = dict(item.split("=") for item in line.split()[1:])
    return int(fields["total"]) / 1e6


def explain(gaps: list[tuple[float, float, str, float]], samples: list[Any], window: tuple[float, float]) -> None:
    """``--why``: for each gap over 25 ms, where the server's threads were while the loop was held up."""
    start, end = window
    for at, gap, phase, _cpu in gaps:
        if not (start <= at <= end and gap > 0.025):
            continue
        print(f"    gap of {gap * 1000:.0f} ms ({phase}) at {time.strftime('%X', time.localtime(at))}:")
        seen: set[str] = set()
        for sampled_at, where in samples:
            if at - gap - 0.01 <= sampled_at <= at + 0.01:
                for thread, stack in where.items():
                    line = f"{thread}: {' > '.join(stack[-4:])}"
                    if line not in seen and "selectors.py" not in line and "threading.py:" not in stack[-1]:
                        seen.add(line)
                        print(f"      {line}")
        if not seen:
            print("      (no sample: one call held the GIL throughout, or the sampler too was waiting for a core)")


def report(name: str, run: dict[str, Any], gaps: list[tuple[float, float, str, float]]) -> None:
    start, end = run["window"]
    inside = [gap for at, gap, _, _ in gaps if start <= at <= end]
    by_phase: dict[str, list[str]] = {}
    for at, gap, phase, cpu in gaps:
        if start <= at <= end and gap > 0.025:
            by_phase.setdefault(phase, []).append(f"{gap * 1000:.0f} ({cpu * 1000:.0f} cpu)")
    searches = run["searches"]
    op = run["op"]
    print(f"\n{name}: {op['status']} in {op.get('seconds')} s — {op['message'][:100]}")
    print(
        f"  search requests: {len(searches)}, p50 {percentile(searches, 0.5) * 1000:.1f} ms, "
        f"p95 {percentile(searches, 0.95) * 1000:.1f} ms, max {max(searches, default=0) * 1000:.1f} ms"
        f"   (target p95 <= 150 ms)"
    )
    if run["details"]:
        print(f"  track details: {len(run['details'])}, p95 {percentile(run['details'], 0.95) * 1000:.1f} ms")
    over = [gap for gap in inside if gap > 0.025]
    print(
        f"  event-loop ticker ({TICK * 1000:.0f} ms): max gap {max(inside, default=0) * 1000:.1f} ms, "
        f"gaps > 25 ms: {len(over)}, p99 of late wake-ups {percentile(inside, 0.99) * 1000:.1f} ms"
        f"   (target: none over 25 ms)"
    )
    busy = [gap for at, gap, _, cpu in gaps if start <= at <= end and gap > 0.025 and cpu >= gap / 2]
    if over:
        print(
            f"    of which {len(busy)} with the server's CPU at least half the gap (look at these first); "
            "the others mostly waited for a core"
        )
    waiting = run.get("cpu_waiting")
    print(
        f"  machine: load average {run['load']:.1f} at the end"
        + ("" if waiting is None else f"; some task waited for a core {waiting:.0%} of the time (/proc/pressure/cpu)")
    )
    if by_phase:
        print("    gaps over 25 ms by phase, in ms (with the CPU ms this process used meanwhile, all threads):")
    for phase, late in by_phase.items():
        print(f"      {phase}: {', '.join(late)}")


def main() -> int:
    parser = argparse.ArgumentParser(description="Web app responsiveness during a big import.")
    parser.add_argument("--tracks", type=int, default=100_000)
    parser.add_argument("--no-preload", action="store_true", help="search an empty library during the import")
    parser.add_argument(
        "--pause",
        type=float,
        default=0.2,
        help="seconds between the page's requests (default: the page's typing delay; 0: back to back, the worst case)",
    )
    parser.add_argument("--no-export", action="store_true", help="measure the import only")
    parser.add_argument("--folder", type=Path, help="work here and reuse the collections of an earlier run")
    parser.add_argument(
        "--why", action="store_true", help="sample the server's threads during gaps and print where they were"
    )
    parser.add_argument("--serve", nargs=4, metavar=("LIBRARY", "PORT", "OUT", "SPOOL"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve:
        library, port, out, spool = args.serve
        serve(Path(library), int(port), Path(out), Path(spool))
        return 0

    folder = args.folder or Path(tempfile.mkdtemp(prefix="harmony-web-bench-"))
    folder.mkdir(parents=True, exist_ok=True)
    for stale in ("library.db", "library.db-wal", "library.db-shm", "gaps.json"):
        (folder / stale).unlink(missing_ok=True)
    began = time.perf_counter()
    first = generate(folder / "a", args.tracks, seed=101)
    second = generate(folder / "b", args.tracks, seed=202)
    print(f"generated 2 × {args.tracks:,} tracks in {time.perf_counter() - began:.1f} s under {folder}")

    port = free_port()
    gaps_file = folder / "gaps.json"
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join(
            [str(Path(__file__).resolve().parents[1] / "src"), os.environ.get("PYTHONPATH", "")]
        ),
        **({"WEB_BENCH_WHY": "1"} if args.why else {}),
    }
    child = subprocess.Popen(
        [sys.executable, __file__, "--serve", str(folder / "library.db"), str(port), str(gaps_file), str(folder)],
        env=env,
    )
    try:
        with httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=120) as client:
            for _ in range(300):
                try:
                    client.get("/api/stats")
                    break
                except httpx.TransportError:
                    time.sleep(0.1)
            page = client.get("/library").text
            token = re.search(r'name="harmony-token" content="([^"]+)"', page)
            assert token is not None
            client.headers["X-Harmony-Token"] = token.group(1)

            words = ["techno", "house", "deep", "mix", "love", "night", "dub", "acid"]
            ids: list[int] = []
            if not args.no_preload:
                began = time.perf_counter()
                op = client.post(
                    "/api/traktor/sync", json={"nml_path": str(first[0]), "path_mappings": first[1]}
                ).json()
                done = wait_operation(client, op["operation_id"])
                print(f"preload import: {done['status']} in {time.perf_counter() - began:.1f} s")
                sample = client.get("/api/library/tracks", params={"limit": 500, "sort": "title"}).json()["tracks"]
                ids = [t["id"] for t in sample]
                titles = " ".join(t["title"] or "" for t in sample)
                words += sorted({w for w in re.findall(r"[A-Za-z]{4,}", titles)})[:40]

            body = {"nml_path": str(second[0]), "path_mappings": second[1]}
            # Collection A's tracks are not in B: the import removes them (the removal guard would ask first).
            op = client.post("/api/traktor/sync", json={**body, "allow_mass_removal": True}).json()
            run = browse_while(client, op["operation_id"], words, ids, args.pause)
            runs = [(f"import of {args.tracks:,} new tracks", run)]
            if not args.no_export:
                edited = edit_tracks(folder / "library.db", max(1, args.tracks // 100))
                print(f"edited {edited:,} tracks in the library for the export to write")
                op = client.post("/api/traktor/export", json=body).json()
                run = browse_while(client, op["operation_id"], words, ids, args.pause)
                runs.append((f"export of the {args.tracks:,}-track library into collection B", run))
            stats = client.get("/api/stats").json()
        child.send_signal(signal.SIGINT)
        child.wait(60)
    finally:
        if child.poll() is None:
            child.kill()
    measured = json.loads(gaps_file.read_text()) if gaps_file.exists() else {"gaps": [], "gc": []}
    gaps = [(at, gap, phase, cpu) for at, gap, phase, cpu in measured["gaps"]]
    start, end = runs[0][1]["window"][0], runs[-1][1]["window"][1]
    pauses = [(at, took, what) for at, took, what in measured["gc"] if start <= at <= end]
    print(f"\nlibrary: {stats['library']['tracks']:,} tracks after the import; machine: {os.cpu_count()} cores")
    print("page requests: " + (f"one, then a {args.pause} s pause" if args.pause else "back to back (worst case)"))
    for name, measured_run in runs:
        report(name, measured_run, gaps)
        if args.why:
            explain(gaps, measured.get("samples", []), measured_run["window"])
    if pauses:
        longest = max(pauses, key=lambda p: p[1])
        print(
            f"  garbage collections over 5 ms in the server: {len(pauses)}, longest {longest[1] * 1000:.1f} ms "
            f"({longest[2]})"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
