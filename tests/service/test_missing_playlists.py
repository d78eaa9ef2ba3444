"""A collection with no ``PLAYLISTS`` section says nothing about playlists: an import keeps the library's."""

from __future__ import annotations

import re
from dataclasses import replace

from harmony.library import Library
from harmony.service import ImportOutcome, TraktorService
from harmony.sync.report import NO_PLAYLISTS_NOTE

from .conftest import Demo


def _outcome(op: object) -> ImportOutcome:
    result = getattr(op, "result", None)
    assert isinstance(result, ImportOutcome), getattr(op, "error", None)
    return result


def _tree(library: Library) -> tuple[int, int]:
    counts = library.stats()
    return counts.playlists, counts.folders


async def test_import_of_a_file_without_playlists_keeps_the_library_playlists(
    service: TraktorService, demo: Demo
) -> None:
    first = await service.sync(demo.request())
    assert first.status == "succeeded", first.error
    with Library.open(service.library_path) as library:
        before = _tree(library)
    assert before[0] > 0 and before[1] > 0  # the demo has playlists and folders to lose

    data = demo.nml.read_bytes()
    stripped = re.sub(rb"<PLAYLISTS>.*</PLAYLISTS>\n?", b"", data, flags=re.S)
    assert stripped != data and b"<PLAYLISTS" not in stripped
    demo.nml.write_bytes(stripped)

    preview = await service.preview(demo.request())
    assert preview.status == "succeeded", preview.error
    assert _outcome(preview).stats.playlists_updated == 0
    assert _outcome(preview).summary() == "No changes needed" + NO_PLAYLISTS_NOTE
    assert not _outcome(preview).report.playlist_changes

    again = await service.sync(demo.request())
    assert again.status == "succeeded", again.error
    stats = _outcome(again).stats
    assert (stats.playlists_updated, stats.playlists_imported) == (0, 0)
    assert _outcome(again).summary().endswith(NO_PLAYLISTS_NOTE)
    with Library.open(service.library_path) as library:
        assert _tree(library) == before


async def test_an_empty_playlist_tree_still_means_no_playlists(service: TraktorService, demo: Demo) -> None:
    """The difference is the section itself: a file whose tree is there but empty did delete its playlists."""
    assert (await service.sync(demo.request())).status == "succeeded"
    data = demo.nml.read_bytes()
    emptied = re.sub(
        rb"<PLAYLISTS>.*</PLAYLISTS>",
        b'<PLAYLISTS><NODE TYPE="FOLDER" NAME="$ROOT"><SUBNODES COUNT="0"></SUBNODES>\n</NODE>\n</PLAYLISTS>',
        data,
        flags=re.S,
    )
    demo.nml.write_bytes(emptied)
    # Losing every playlist looks like damage and like a mass removal: the DJ confirms both, as on the page.
    service.recovery.accept(str(demo.nml))
    op = await service.sync(replace(demo.request(), allow_mass_removal=True))
    assert op.status == "succeeded", op.error
    assert not _outcome(op).stats.playlists_kept
    with Library.open(service.library_path) as library:
        assert _tree(library) == (0, 0)
