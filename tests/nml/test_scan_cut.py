"""The fast cut of COLLECTION's content (what Traktor writes) gives exactly the general cut's items, or leaves
the content to it: it never cuts differently."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from lxml import etree

from harmony.errors import NMLError
from harmony.nml.scan import _cut_traktor_items, _scan_items

HEAD = b'<NML VERSION="19"><COLLECTION ENTRIES="3">'
START = len(HEAD)

# Pieces of a collection's content: what Traktor writes, and the shapes the fast cut must leave alone.
_pieces = st.lists(
    st.sampled_from(
        [
            b'<ENTRY TITLE="a"><LOCATION FILE="a.mp3"></LOCATION></ENTRY>',
            b"<ENTRY>\n</ENTRY>",
            b"\n",
            b" \t",
            b"\x0c",  # whitespace to Python, not to XML
            b"<ENTRY/>",
            b'<ENTRY TITLE="x"/>',
            b"<ENTRYX></ENTRYX>",
            b"<!-- </COLLECTION> -->",
            b"<!-- <ENTRY> -->",
            b"<?pi </ENTRY>?>",
            b"text",
            b"<ENTRY><ENTRY></ENTRY></ENTRY>",
            b"<INFO></INFO>",
            b"</ENTRY>",
            b"<ENTRY>",
        ]
    ),
    max_size=8,
).map(b"".join)


@settings(max_examples=500, deadline=None)
@given(content=_pieces, closed=st.booleans())
def test_the_fast_cut_agrees_with_the_general_cut(content: bytes, closed: bool) -> None:
    data = HEAD + content + (b"</COLLECTION><PLAYLISTS><ENTRY></ENTRY></PLAYLISTS></NML>" if closed else b"")
    fast = _cut_traktor_items(data, START)
    if fast is None:
        return  # the general cut decides, as it always did
    closing, items = fast
    assert closing == data.find(b"</COLLECTION", START)
    bounds = [START, *(at for pair in zip(items.starts, items.ends, strict=True) for at in pair), closing]
    assert bounds == sorted(bounds), bounds  # in order, inside the content, not overlapping
    assert all(
        data.startswith(b"<ENTRY", at) and data.endswith(b"</ENTRY>", 0, end)
        for at, end in zip(items.starts, items.ends, strict=True)
    )
    try:
        general = _scan_items(data, START, closing)
    except NMLError:
        # Only a file that is not XML: a self-closing entry followed by a stray end tag is one item to the fast
        # cut, and the parse of that item refuses it, as a parse of the whole file does.
        with pytest.raises(etree.XMLSyntaxError):
            etree.fromstring(data)
        assert any(_malformed(data[at:end]) for at, end in zip(items.starts, items.ends, strict=True))
        return
    assert list(items.tags) == list(general.tags)
    assert list(items.starts) == list(general.starts)
    assert list(items.ends) == list(general.ends)


def test_traktor_content_takes_the_fast_cut() -> None:
    entries = [b'<ENTRY TITLE="a"></ENTRY>', b"<ENTRY\n>\n</ENTRY>"]
    data = HEAD + b"\n" + b"\n".join(entries) + b"\n</COLLECTION></NML>"
    fast = _cut_traktor_items(data, START)
    assert fast is not None
    closing, items = fast
    assert closing == data.index(b"</COLLECTION")
    assert [data[s:e] for s, e in zip(items.starts, items.ends, strict=True)] == entries


def test_a_comment_holding_the_end_tag_is_left_to_the_general_cut() -> None:
    data = HEAD + b"<ENTRY></ENTRY><!-- </COLLECTION> --><ENTRY></ENTRY></COLLECTION></NML>"
    assert _cut_traktor_items(data, START) is None


def _malformed(item: bytes) -> bool:
    try:
        etree.fromstring(item)
    except etree.XMLSyntaxError:
        return True
    return False
