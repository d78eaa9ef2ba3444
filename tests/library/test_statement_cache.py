"""Every library engine of a process shares one cache of compiled SQL (harmony.library.statement_cache): a
statement compiled for one library is not compiled again for the next, and each still reads its own file."""

from __future__ import annotations

from pathlib import Path

from harmony.library import Library, TrackValues
from harmony.library.statement_cache import SHARED_STATEMENTS


def _library_with(path: Path, title: str) -> Library:
    library = Library.open(path)
    library.add_track(TrackValues(path=f"/music/{title}.mp3", title=title, artist="Someone"))
    return library


def _titles(library: Library) -> list[str | None]:
    return [track.values.title for track in library.search_tracks("Someone").tracks]


def test_a_second_library_compiles_nothing_the_first_compiled_not_even_its_schema_upgrade(tmp_path: Path) -> None:
    with _library_with(tmp_path / "one.db", "First") as one:
        assert _titles(one) == ["First"]
    compiled = len(SHARED_STATEMENTS)
    assert compiled > 0
    with _library_with(tmp_path / "two.db", "Second") as two:
        assert _titles(two) == ["Second"]
    assert len(SHARED_STATEMENTS) == compiled


def test_libraries_open_side_by_side_each_read_their_own_file(tmp_path: Path) -> None:
    with _library_with(tmp_path / "one.db", "First") as one, _library_with(tmp_path / "two.db", "Second") as two:
        read_only = Library.open(tmp_path / "one.db", read_only=True)
        try:
            assert (_titles(one), _titles(two), _titles(read_only)) == (["First"], ["Second"], ["First"])
        finally:
            read_only.close()
