"""The id batches every long ``IN (...)`` list is cut into."""

from collections.abc import Iterator

from hypothesis import given
from hypothesis import strategies as st

from harmony.library.batches import BATCH, in_batches


@given(st.lists(st.integers()), st.integers(min_value=1, max_value=7))
def test_batches_keep_every_item_in_order_and_none_is_too_long(items: list[int], size: int) -> None:
    batches = list(in_batches(items, size))
    assert [item for batch in batches for item in batch] == items
    assert all(1 <= len(batch) <= size for batch in batches)
    assert all(len(batch) == size for batch in batches[:-1])


def test_an_iterable_is_read_once_and_a_set_of_ids_is_cut_too() -> None:
    reads: list[int] = []

    def ids() -> Iterator[int]:
        for i in range(BATCH + 3):
            reads.append(i)
            yield i

    batches = list(in_batches(ids()))
    assert [len(batch) for batch in batches] == [BATCH, 3]
    assert reads == list(range(BATCH + 3))
    assert sorted(x for batch in in_batches({3, 1, 2}, 2) for x in batch) == [1, 2, 3]
