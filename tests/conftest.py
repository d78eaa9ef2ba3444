"""Shared test fixtures.

Tests that need something a user's machine may lack (the shared real NML files, a browser) skip with a reason
there, but fail under CI (``CI=true``), where everything must be present.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import settings

from harmony.nmlfile.traktor_process import SCOPE_VARIABLE

# Tests check behaviour, never time: hypothesis's per-example deadline fails pure tests that take well under a
# millisecond whenever a busy machine stalls one example.
settings.register_profile("harmony", deadline=None)
settings.load_profile("harmony")

# Tests run side by side (pytest-xdist), and other people's may run on this machine too: each test process sees
# only the stand-in Traktor processes it started itself (and its workers and subprocesses inherit this).
os.environ[SCOPE_VARIABLE] = str(os.getpid())

ROOT = Path(__file__).resolve().parents[1]
REAL_FIXTURES = Path(os.environ.get("HARMONY_REAL_FIXTURES", ROOT.parent / "shared" / "fixtures" / "real"))


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
