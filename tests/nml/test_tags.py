"""The byte searches of harmony.nml.tags answer as their regular expressions do."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from harmony.nml.tags import MARKUP, has_markup

# Bytes made mostly of the characters that matter here, so that "<!" and "<?" (and near misses) are common.
_text = st.lists(st.sampled_from([b"<", b"!", b"?", b"a", b" ", b"<!--", b"<?x", b"!<", b"?<"]), max_size=40).map(
    b"".join
)


@settings(max_examples=400, deadline=None)
@given(data=_text, bounds=st.tuples(st.integers(0, 60), st.integers(0, 60)))
def test_has_markup_answers_as_the_pattern_does(data: bytes, bounds: tuple[int, int]) -> None:
    start, end = bounds
    assert has_markup(data, start, end) == (MARKUP.search(data, start, end) is not None)


def test_has_markup_sees_only_its_range() -> None:
    data = b"ab<!cd<?ef"
    assert has_markup(data, 0, len(data))
    assert not has_markup(data, 3, 6)  # the "<" of "<!" is before the range, the "<?" after it
    assert has_markup(data, 2, 4) and not has_markup(data, 2, 3)
    assert has_markup(data, 6, 8) and not has_markup(data, 7, 10)
