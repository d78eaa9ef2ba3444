"""Property tests that run twice over: a short run in the quick suite, and the full run marked ``slow``.

``pytest -m "not slow"`` (the everyday suite) runs a handful of examples of each long property; the whole suite
(CI) runs both, so the full run keeps its strength::

    def _edits_settle(rounds: list[Edit]) -> None:
        ...

    test_edits_settle, test_edits_settle_full = quick_and_full(
        given(st.lists(EDIT)), _edits_settle, examples=40, deadline=None
    )
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

import pytest
from hypothesis import settings

F = TypeVar("F", bound=Callable[..., Any])

#: Examples of a long property in the quick suite: enough to run every step of it, not to search far.
QUICK_EXAMPLES = 6


def quick_and_full(
    given_: Callable[[F], F], body: F, *, examples: int, quick: int = QUICK_EXAMPLES, **options: Any
) -> tuple[F, F]:
    """Two tests of ``body`` under the ``given_`` strategies: ``quick`` examples, and ``examples`` marked slow.
    ``options`` are further hypothesis settings for both."""
    short = settings(max_examples=quick, **options)(given_(body))
    full = settings(max_examples=examples, **options)(given_(body))
    return short, pytest.mark.slow(full)
