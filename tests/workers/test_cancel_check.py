"""A worker task's cancel check and its last look, without a pool: the pool's answers come from a stand-in."""

from __future__ import annotations

import threading
import time

from harmony.workers.child import _CancelCheck


class _Pool:
    """Answers every last look with ``go``, counting the questions."""

    def __init__(self, go: bool) -> None:
        self.go = go
        self.asked = 0
        self.check: _CancelCheck | None = None

    def ask(self) -> None:
        self.asked += 1
        assert self.check is not None
        self.check.answer(self.go)


def _check(go: bool) -> tuple[_CancelCheck, _Pool, threading.Event]:
    pool, event = _Pool(go), threading.Event()
    check = _CancelCheck(event, threading.Lock(), pool.ask)
    pool.check = check
    return check, pool, event


def test_a_yes_lets_the_task_past_once_and_for_all() -> None:
    check, pool, _ = _check(go=True)
    assert check.last_look() is False
    assert check.past
    assert check.last_look() is False
    assert pool.asked == 1  # past is past: not asked again


def test_a_no_stops_the_task_even_with_no_cancel_seen() -> None:
    check, pool, event = _check(go=False)
    assert check.last_look() is True
    assert pool.asked == 1
    assert not check.past
    assert event.is_set() and check()  # from now on the task's other checks say cancelled too


def test_a_cancel_that_came_before_the_yes_stops_the_task() -> None:
    check, _, event = _check(go=True)

    def cancel_then_answer() -> None:
        event.set()  # the receiver took a cancel in just before the pool's answer
        check.answer(True)

    check._ask_pool = cancel_then_answer
    assert check.last_look() is True
    assert not check.past


def test_a_cancel_seen_before_the_last_look_asks_nothing() -> None:
    check, pool, event = _check(go=True)
    event.set()
    assert check.last_look() is True
    assert pool.asked == 0


def test_a_thread_waiting_when_the_task_ends_hears_no_and_later_looks_too() -> None:
    check, _, _ = _check(go=True)
    check._ask_pool = lambda: None  # the pool's answer never comes (the task returned meanwhile)
    answers: list[bool] = []
    waiter = threading.Thread(target=lambda: answers.append(check.last_look()))
    waiter.start()
    time.sleep(0.1)
    assert waiter.is_alive()  # waiting for the answer
    check.end()
    waiter.join(timeout=5)
    assert answers == [True]
    assert check.last_look() is True  # after the task's end nothing may go past


def test_two_threads_looking_at_once_ask_the_pool_once() -> None:
    check, pool, _ = _check(go=True)
    release = threading.Event()

    def slow_ask() -> None:
        pool.asked += 1
        release.wait(5)
        check.answer(True)

    check._ask_pool = slow_ask
    answers: list[bool] = []
    threads = [threading.Thread(target=lambda: answers.append(check.last_look())) for _ in range(2)]
    for thread in threads:
        thread.start()
    time.sleep(0.1)
    release.set()
    for thread in threads:
        thread.join(timeout=5)
    assert answers == [False, False]
    assert pool.asked == 1
