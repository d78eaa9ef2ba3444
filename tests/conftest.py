"""Shared test fixtures.

Tests that need something a user's machine may lack (the shared real NML files, a browser) skip with a reason
there, but fail under CI (``CI=true``), where everything must be present.
"""

from __future__ import annotations

import atexit
import gc
import os
import shutil
import signal
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest
from hypothesis import settings

from harmony.collector import freeze_for_life
from harmony.nmlfile.traktor_process import SCOPE_VARIABLE
from harmony.workers import preload_modules

# Tests check behaviour, never time: hypothesis's per-example deadline fails pure tests that take well under a
# millisecond whenever a busy machine stalls one example.
settings.register_profile("harmony", deadline=None)
settings.load_profile("harmony")

# pytest keeps the test modules it has rewritten (its assertion messages) as bytecode beside them, and only when
# bytecode may be written: with PYTHONDONTWRITEBYTECODE set, every xdist process rewrote all of them again, about
# 5 CPU-s each. Set here, before the test modules are imported (the files go to git-ignored __pycache__ folders).
sys.dont_write_bytecode = False

# Every command-line run and interpreter a test starts runs the code under test: without this, one that sets no
# PYTHONPATH of its own runs whatever Harmony the interpreter's install points at (another checkout's, maybe
# changing under it while the suite runs).
# The project's root follows, so that a forkserver can import the tests' own child-process modules (below).
_SRC = str(Path(__file__).resolve().parents[1] / "src")
_ROOT = str(Path(__file__).resolve().parents[1])
os.environ["PYTHONPATH"] = os.pathsep.join(p for p in (_SRC, _ROOT, os.environ.get("PYTHONPATH", "")) if p)

# A test process has one forkserver, started by whichever test needs a worker first, with the preload list of
# that moment; every later worker is forked from it. Give it everything any test's workers run: the service's
# jobs and the crash tests' children. With a partial list (the crash tests used to set their own), every pool
# worker forked from it imported the jobs (SQLAlchemy included) on its first task, about a CPU-second each.
preload_modules("harmony.jobs", "tests.nmlfile.children")

# A test's Ctrl-C reaches the command it started (``harmony traktor watch``, ``harmony serve``) as it would from a
# terminal. A suite started in the background by a shell without job control (``pytest ... &`` in a script)
# inherits Ctrl-C ignored, passes that on to every command it starts, and Python (asyncio too) keeps an ignored
# Ctrl-C ignored: the command would never stop. A handler of our own is not inherited across exec, so the
# commands start with Ctrl-C's default.
if signal.getsignal(signal.SIGINT) == signal.SIG_IGN:
    signal.signal(signal.SIGINT, signal.default_int_handler)

# Tests run side by side (pytest-xdist), and other people's may run on this machine too: each test process sees
# only the stand-in Traktor processes it started itself (and its workers and subprocesses inherit this).
os.environ[SCOPE_VARIABLE] = str(os.getpid())


#: The free room /dev/shm needs for the tests' files to go there: a whole run writes several hundred megabytes.
MEMORY_TEMP_ROOM = 4 << 30


def _fast_temp_folder() -> Path | None:
    """Where the tests' temporary files go: ``HARMONY_TEST_TMPDIR`` if set, else a folder in ``/dev/shm`` (memory)
    when the machine has one with room enough. The tests write and fsync thousands of libraries and collections:
    on a busy disk that waiting, not the code under test, was most of the quick suite's time.
    ``HARMONY_TEST_TMPDIR=`` (empty) keeps the system's own temporary folder."""
    chosen = os.environ.get("HARMONY_TEST_TMPDIR")
    if chosen == "":
        return None
    if chosen is None:
        shm = Path("/dev/shm")
        if not (shm.is_dir() and os.access(shm, os.W_OK | os.X_OK)):
            return None
        room = os.statvfs(shm)
        if room.f_bavail * room.f_frsize < MEMORY_TEMP_ROOM:
            return None  # a container's small /dev/shm (64 MB by default in Docker) would fill up
        chosen = str(shm / f"harmony-tests-{os.getuid()}")
    folder = Path(chosen)
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    return folder


# Set before any temporary file is made: pytest's tmp_path, tempfile in the tests, the worker processes and the
# command-line runs they start (which inherit TMPDIR) all land there.
_FAST_TEMP = _fast_temp_folder()
if _FAST_TEMP is not None:
    os.environ["TMPDIR"] = str(_FAST_TEMP)
    tempfile.tempdir = str(_FAST_TEMP)

# What Harmony caches (the player's audio and waveforms, the backups' counts) goes to a folder of the run's own,
# for the command-line runs and servers the tests start too: never the user's cache folder.
os.environ["HARMONY_CACHE_DIR"] = tempfile.mkdtemp(prefix="harmony-cache-")
atexit.register(shutil.rmtree, os.environ["HARMONY_CACHE_DIR"], True)

ROOT = Path(__file__).resolve().parents[1]
_BESIDE = Path("shared") / "fixtures" / "real"


def _real_fixtures_folder() -> Path:
    """The real collection files: ``HARMONY_REAL_FIXTURES``, else ``../shared/fixtures/real`` beside the project,
    else beside the repository this one was cloned from (a clean clone in a temporary folder, as CI is checked
    by hand, has nothing beside it)."""
    if "HARMONY_REAL_FIXTURES" in os.environ:
        return Path(os.environ["HARMONY_REAL_FIXTURES"])
    beside = ROOT.parent / _BESIDE
    if beside.is_dir():
        return beside
    try:
        origin = subprocess.run(
            ["git", "-C", str(ROOT), "config", "--get", "remote.origin.url"], capture_output=True, text=True, timeout=10
        ).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return beside
    if origin and Path(origin).is_dir() and (Path(origin).resolve().parent / _BESIDE).is_dir():
        return Path(origin).resolve().parent / _BESIDE
    return beside


REAL_FIXTURES = _real_fixtures_folder()


def running_in_ci() -> bool:
    return os.environ.get("CI", "").lower() in {"1", "true", "yes"}


def require(condition: bool, reason: str) -> None:
    """Skip the calling test when ``condition`` is false, or fail it under CI."""
    if condition:
        return
    if running_in_ci():
        pytest.fail(f"required in CI: {reason}")
    pytest.skip(reason)


@pytest.fixture(scope="session")
def real_fixtures() -> Path:
    """The folder of real collection.nml files shipped beside the project (../shared/fixtures/real)."""
    require(REAL_FIXTURES.is_dir(), f"real NML fixtures not found at {REAL_FIXTURES}")
    return REAL_FIXTURES


#: Fixtures that make a test a long end-to-end run: a real Chromium driving the pages. What those tests prove
#: about the API is proven in-process by tests/web/test_api*.py; the quick suite leaves them out, the whole
#: suite (``pytest`` without ``-m``, as ``.ci/run`` does) runs them.
SLOW_FIXTURES = frozenset({"chromium"})


def pytest_collection_finish(session: pytest.Session) -> None:
    """Move what start-up and collection built (every module, pytest's and hypothesis's own state: most of a
    test process's objects) out of the garbage collector's reach, as a worker does at its start. The full
    collections tests set off (an export job run in-process runs one) then walk only what the tests made: in
    the quick suite the collector had taken 14-18 CPU-s, most of it walking those."""
    gc.collect()
    freeze_for_life()


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Mark ``slow`` every test that uses one of :data:`SLOW_FIXTURES`, unless it is marked ``quick`` (a test an
    issue names as its proof, kept in the everyday suite whatever it costs); put the ``long`` ones first."""
    for item in items:
        fixtures = set(getattr(item, "fixturenames", ()))
        if fixtures & SLOW_FIXTURES and item.get_closest_marker("quick") is None:
            item.add_marker(pytest.mark.slow)
    # The longest single tests go first: the xdist workers then fill the time around them with the short ones,
    # instead of one worker running a long test alone at the end while the other cores wait.
    items.sort(key=lambda item: item.get_closest_marker("long") is None)
