"""harmony.background: a call on its own thread, its value or its exception handed to whoever waits."""

from __future__ import annotations

import threading

import pytest

from harmony.background import started


def test_the_value_comes_back_and_the_call_ran_on_another_thread() -> None:
    called_on: list[str] = []

    def work(a: int, *, b: int) -> int:
        called_on.append(threading.current_thread().name)
        return a + b

    running = started("harmony-test", work, 2, b=3)
    assert running.result() == 5 and running.exception() is None
    assert called_on == ["harmony-test"]


def test_the_exception_is_raised_in_the_waiting_thread_or_handed_over() -> None:
    def fails() -> None:
        raise ValueError("no")

    running = started("harmony-test", fails)
    error = running.exception()
    assert isinstance(error, ValueError)
    with pytest.raises(ValueError, match="no"):
        running.result()
