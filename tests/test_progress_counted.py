"""harmony.progress.counted: how far an operation got, in every progress message, with thousands separators."""

from __future__ import annotations

from harmony.progress import counted
from harmony.sync.ticker import Ticker


def test_counts_are_written_with_thousands_separators() -> None:
    assert counted("Saving to database...", 1500, 20000) == "Saving to database... (1,500/20,000)"
    assert counted("Preparing sync...", 0, 100000, "library track") == "Preparing sync... (0/100,000 library tracks)"
    assert counted("Analyzing differences", 250, 500) == "Analyzing differences (250/500)"


def test_one_is_said_in_the_singular_and_nothing_to_count_is_not_counted() -> None:
    assert counted("Preparing sync...", 0, 1, "library track") == "Preparing sync... (0/1 library track)"
    assert counted("Validating imported tracks", 0, 0) == "Validating imported tracks"
    assert counted("Preparing sync...", 0, 0, "library track") == "Preparing sync..."


def test_the_planners_ticker_says_it_so() -> None:
    messages: list[str] = []
    ticker = Ticker(
        lambda phase, percent, message, item=None: messages.append(message),
        "analyzing",
        (60, 80),
        20000,
        "Analyzing differences",
    )
    ticker.tick(20000, None)
    assert messages[-1] == "Analyzing differences (20,000/20,000)"
