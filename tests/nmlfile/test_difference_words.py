"""How a backup differs from the current file, in the words of the Backups table."""

from __future__ import annotations

from harmony.nmlfile.restorable import difference


def test_more_and_fewer_read_as_words() -> None:
    assert difference((2357, 59), (2557, 59)) == "200 fewer tracks than now"
    assert difference((2558, 58), (2557, 59)) == "1 more track, 1 fewer playlist than now"
    assert difference((10, 2), (10, 2)) == "same counts as now"
    assert difference(None, (10, 2)) == "cannot be read"
    assert difference((10, 2), None) == "the current file cannot be read"
