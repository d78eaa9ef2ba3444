"""The fingerprint of a collection as it was read (harmony.nmlfile.fingerprint), hashed on a thread beside the
caller's parse: the same value as hashing the bytes read, and a torn read still refused."""

from __future__ import annotations

import hashlib
import os
from datetime import UTC
from pathlib import Path

import pytest

from harmony import nml
from harmony.nmlfile import TornReadError, changed_on_disk, read_fingerprinting, read_with_fingerprint
from harmony.nmlfile import fingerprint as fingerprint_module

SMALL = (
    b'<?xml version="1.0" encoding="UTF-8" standalone="no" ?>\n<NML VERSION="19"><HEAD></HEAD>\n'
    b'<COLLECTION ENTRIES="1"><ENTRY TITLE="a"><LOCATION DIR="/:m/:" FILE="a.mp3" VOLUME="C:"></LOCATION></ENTRY>\n'
    b"</COLLECTION>\n</NML>\n"
)


def test_the_fingerprint_taken_meanwhile_is_of_exactly_the_bytes_read(tmp_path: Path) -> None:
    path = tmp_path / "collection.nml"
    path.write_bytes(SMALL)
    data, pending = read_fingerprinting(path)
    collection = nml.load(data, read_only=True)  # the caller parses while the hash runs
    fingerprint = pending.result()
    stat = os.stat(path)
    assert data == SMALL and len(collection.tracks) == 1
    assert fingerprint.sha256 == hashlib.sha256(SMALL).hexdigest()
    assert (fingerprint.path, fingerprint.size, fingerprint.mtime_ns) == (str(path), len(SMALL), stat.st_mtime_ns)
    assert pending.result() is fingerprint  # asked again: the same answer, no second hash
    assert read_with_fingerprint(path) == (SMALL, fingerprint)


def test_a_file_that_changes_during_the_read_is_refused_before_any_hash(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "collection.nml"
    path.write_bytes(SMALL)
    real_read = fingerprint_module.read_collection_file

    def read_then_grow(given: Path) -> tuple[bytes, os.stat_result]:
        read = real_read(given)
        path.write_bytes(SMALL + b"\n")  # Traktor saving meanwhile
        return read

    monkeypatch.setattr(fingerprint_module, "read_collection_file", read_then_grow)
    with pytest.raises(TornReadError):
        read_fingerprinting(path)


def test_changed_on_disk_says_when_the_file_was_saved_after_it_was_read(tmp_path: Path) -> None:
    path = tmp_path / "collection.nml"
    path.write_bytes(SMALL)
    _, known = read_with_fingerprint(path)
    assert changed_on_disk(known, path) is None  # the file as it was read
    assert changed_on_disk(None, path) is None  # nothing read yet: nothing to compare with

    later = known.mtime_ns + 7_000_000_000
    os.utime(path, ns=(later, later))  # saved again with the same bytes (Traktor quitting, nothing changed)
    assert changed_on_disk(known, path) is None

    path.write_bytes(SMALL.replace(b'TITLE="a"', b'TITLE="b"'))  # the same size, another title: changed
    os.utime(path, ns=(later, later))
    saved = changed_on_disk(known, path)
    assert saved is not None and abs(saved.replace(tzinfo=UTC).timestamp() - later / 1e9) < 0.001

    path.write_bytes(SMALL + b"\n")  # a byte more, the time put back: the size tells
    os.utime(path, ns=(known.mtime_ns, known.mtime_ns))
    assert changed_on_disk(known, path) is not None

    other = tmp_path / "other.nml"  # the settings now name another file, never read: not the one synced
    other.write_bytes(SMALL)
    os.utime(other, ns=(known.mtime_ns, known.mtime_ns))
    assert changed_on_disk(known, other) is not None
    link = tmp_path / "link.nml"  # the same file by another name is the same file
    path.write_bytes(SMALL)
    os.utime(path, ns=(known.mtime_ns, known.mtime_ns))
    link.symlink_to(path)
    assert changed_on_disk(known, link) is None

    path.unlink()
    assert changed_on_disk(known, path) is None  # no file: the collection's health says what is wrong
