"""Big data never moves in one message, and the loop never spends long on worker messages at a time."""

from __future__ import annotations

import asyncio
import multiprocessing
import threading
import time

import pytest

from harmony.workers import child, protocol
from harmony.workers.inbox import DRAIN_BUDGET, LoopInbox

pytestmark = pytest.mark.timeout(30)


def test_a_big_list_result_is_sent_in_chunks_of_bounded_size() -> None:
    sender, receiver = multiprocessing.Pipe(duplex=True)
    frames: list[bytes] = []

    def read() -> None:
        while True:
            frame = receiver.recv_bytes()
            frames.append(frame)
            if protocol.decode(frame)[0] == protocol.OK_ITEMS:
                return

    reader = threading.Thread(target=read)
    reader.start()
    records = [(i, f"track {i:08d}", i * 0.5) for i in range(200_000)]
    child._Worker(sender, "test")._stream(7, records, threading.Event())
    reader.join(10)

    messages = [protocol.decode(frame) for frame in frames]
    chunks = [message for message in messages if message[0] == protocol.ITEMS]
    assert messages[-1] == (protocol.OK_ITEMS, 7)
    assert len(chunks) > 20
    assert max(len(frame) for frame in frames) < 4 * child.CHUNK_BYTES
    assert [item for chunk in chunks for item in chunk[2]] == records


def test_streaming_stops_when_the_task_is_cancelled() -> None:
    sender, _receiver = multiprocessing.Pipe(duplex=True)
    cancelled = threading.Event()
    cancelled.set()
    with pytest.raises(child.TaskCancelled):
        child._Worker(sender, "test")._stream(1, iter(range(10)), cancelled)


async def test_the_inbox_hands_over_to_other_callbacks_between_slices() -> None:
    loop = asyncio.get_running_loop()
    inbox = LoopInbox(loop)
    producer = inbox.sender()
    handled: list[int] = []
    seen_by_other_callback: list[int] = []

    def slow_handler(index: int) -> None:
        time.sleep(DRAIN_BUDGET / 3)
        handled.append(index)

    for index in range(50):
        assert inbox.post(producer, slow_handler, index)
    loop.call_soon(lambda: seen_by_other_callback.append(len(handled)))
    while len(handled) < 50:
        await asyncio.sleep(0.001)

    assert handled == list(range(50))  # in order
    assert seen_by_other_callback and seen_by_other_callback[0] < 10  # ran long before the inbox was empty


async def test_events_behind_one_whose_handler_raises_a_base_exception_are_still_handled() -> None:
    class Interrupted(BaseException):
        """What asyncio's loop logs and carries on after, when a callback raises it (as a test's timeout)."""

    loop = asyncio.get_running_loop()
    swallowed: list[BaseException] = []
    loop.set_exception_handler(lambda _loop, context: swallowed.append(context["exception"]))
    inbox = LoopInbox(loop)
    producer = inbox.sender()
    handled: list[int] = []

    def handler(index: int) -> None:
        if index == 1:
            raise Interrupted
        handled.append(index)

    for index in range(4):
        assert inbox.post(producer, handler, index)
    for _ in range(200):
        if len(handled) == 3:
            break
        await asyncio.sleep(0.005)
    assert handled == [0, 2, 3]
    assert [type(error) for error in swallowed] == [Interrupted]
    assert inbox.post(producer, handler, 4)  # and the inbox still works afterwards
    await asyncio.sleep(0.05)
    assert handled == [0, 2, 3, 4]


async def test_the_inbox_refuses_events_once_its_loop_is_closed() -> None:
    other = asyncio.new_event_loop()
    inbox = LoopInbox(other)
    other.close()
    assert not inbox.post(inbox.sender(), lambda data: None, 1)
