"""retry_transient: busy failures are retried with growing, jittered, bounded waits; others fail at once."""

from __future__ import annotations

import errno
from collections.abc import Callable
from pathlib import Path

import pytest

from harmony.errors import NMLError
from harmony.nmlfile import NmlBusyError, NmlChangedError, SafeWriteError, is_transient, retry_transient


class Flaky:
    """Fails with the given errors, one per call, then returns ``"done"``."""

    def __init__(self, *errors: BaseException) -> None:
        self.errors = list(errors)
        self.calls = 0

    def __call__(self) -> str:
        self.calls += 1
        if self.errors:
            raise self.errors.pop(0)
        return "done"


def busy() -> NmlBusyError:
    return NmlBusyError(Path("collection.nml"), 10)


def _run(fn: Callable[[], str], jitter: float = 0.0, **kwargs: float) -> tuple[str | BaseException, list[float]]:
    waits: list[float] = []
    try:
        result: str | BaseException = retry_transient(fn, sleep=waits.append, jitter=lambda: jitter, **kwargs)  # type: ignore[arg-type]
    except Exception as error:
        result = error
    return result, waits


def test_busy_twice_then_done() -> None:
    flaky = Flaky(busy(), busy())
    result, waits = _run(flaky)
    assert result == "done" and flaky.calls == 3
    assert waits == pytest.approx([0.1, 0.2])  # first_delay 0.2, doubled, halved by the lowest jitter


def test_waits_grow_up_to_the_bound_and_attempts_are_bounded() -> None:
    flaky = Flaky(*(busy() for _ in range(10)))
    result, waits = _run(flaky, jitter=0.999999, attempts=6, first_delay=0.5, factor=3.0, max_delay=2.0)
    assert isinstance(result, NmlBusyError)
    assert flaky.calls == 6
    assert waits == pytest.approx([0.5, 1.5, 2.0, 2.0, 2.0], rel=1e-5)


def test_jitter_spreads_the_wait_between_half_and_all_of_it() -> None:
    for jitter, expected in ((0.0, 0.1), (0.5, 0.15), (0.999, 0.1999)):
        _, waits = _run(Flaky(busy()), jitter=jitter)
        assert waits == pytest.approx([expected], rel=1e-3)


@pytest.mark.parametrize(
    "error",
    [
        ValueError("a bug"),
        NmlChangedError(Path("collection.nml"), "its content changed"),
        SafeWriteError("verify", "the written file has 1 tracks"),
        PermissionError(errno.EACCES, "Permission denied"),
        OSError(errno.ENOSPC, "No space left on device"),
    ],
)
def test_anything_else_fails_at_once(error: Exception) -> None:
    flaky = Flaky(error)
    result, waits = _run(flaky)
    assert result is error and flaky.calls == 1 and waits == []


def test_which_failures_are_transient() -> None:
    assert is_transient(busy())
    assert is_transient(OSError(errno.EBUSY, "Device or resource busy"))
    assert is_transient(OSError(errno.ETXTBSY, "Text file busy"))
    assert is_transient(BlockingIOError(errno.EAGAIN, "Resource temporarily unavailable"))
    sharing_violation = PermissionError(errno.EACCES, "The process cannot access the file")
    sharing_violation.winerror = 32  # type: ignore[attr-defined]
    assert is_transient(sharing_violation)
    assert not is_transient(PermissionError(errno.EACCES, "Permission denied"))

    # Through the wrapping of the safe write: the busy rename behind a failed "replace" step.
    try:
        try:
            raise OSError(errno.EBUSY, "Device or resource busy")
        except OSError as cause:
            raise NMLError("cannot write collection.nml") from cause
    except NMLError as wrapped:
        replace_failed = SafeWriteError("replace", str(wrapped))
        replace_failed.__cause__ = wrapped
    assert is_transient(replace_failed)
    after_replace = SafeWriteError("fsync folder", "busy", unchanged=False)
    after_replace.__cause__ = OSError(errno.EBUSY, "busy")
    assert not is_transient(after_replace)


def test_a_custom_rule_and_a_bad_attempt_count() -> None:
    flaky = Flaky(KeyError("x"))
    result, _ = _run(flaky)
    assert isinstance(result, KeyError) and flaky.calls == 1
    flaky = Flaky(KeyError("x"))
    assert retry_transient(flaky, is_transient=lambda e: isinstance(e, KeyError), sleep=lambda s: None) == "done"
    with pytest.raises(ValueError, match="attempts"):
        retry_transient(Flaky(), attempts=0)
