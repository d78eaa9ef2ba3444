"""An operation's events and history carry the outcome's figures with its long lists cut short: a first import
of 100,000 tracks whose drive is not attached has a missing file per track, and every open page gets every
event. The totals stay counts; the CLI's ``--json`` (the outcome's own JSON) keeps every item."""

from __future__ import annotations

from harmony.service import ImportOutcome, OperationLog
from harmony.service.operations import EVENT_LISTED
from harmony.sync import Conflict, ImportReport, ImportStats

MANY = EVENT_LISTED * 3 + 7


def _outcome() -> ImportOutcome:
    missing = tuple(f"/Volumes/Gone/{number:05d}.mp3" for number in range(MANY))
    conflicts = tuple(Conflict(path, "title", "A", "B", None, "traktor", "traktor_wins") for path in missing)
    stats = ImportStats(tracks_imported=MANY, missing_files=missing, conflicts=conflicts)
    return ImportOutcome(ImportReport(stats), applied=True, library_version=1, nml_path="/c/collection.nml")


def test_events_and_history_carry_the_first_items_and_the_totals() -> None:
    log = OperationLog()
    events = []
    log.subscribe(events.append)
    op = log.new("import", "/c/collection.nml")
    log.start(op, "Importing")
    log.finish(op, "succeeded", "Imported", result=_outcome())
    for shown in (events[-1].to_json()["result"], op.to_json()["result"]):
        assert shown["missing_files"] == [f"/Volumes/Gone/{number:05d}.mp3" for number in range(EVENT_LISTED)]
        assert len(shown["conflicts"]) == EVENT_LISTED
        assert shown["files_not_found"] == MANY
        assert shown["conflicts_total"] == MANY
        assert shown["tracks_imported"] == MANY


def test_the_outcome_itself_keeps_every_item() -> None:
    data = _outcome().to_json()
    assert len(data["missing_files"]) == MANY
    assert len(data["conflicts"]) == MANY
    assert data["conflicts_total"] == MANY
