"""harmony.progress.last_look: a plain check is asked; a worker's check holds its answer (tests/workers)."""

from __future__ import annotations

from harmony.progress import last_look


def test_a_plain_check_is_simply_asked() -> None:
    asked: list[int] = []

    def cancelled() -> bool:
        asked.append(1)
        return len(asked) > 1

    assert last_look(cancelled) is False
    assert last_look(cancelled) is True
    assert len(asked) == 2
