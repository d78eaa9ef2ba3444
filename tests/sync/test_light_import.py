"""``import harmony.sync`` stays light: the pure planning layer pulls in no database, migrations, tag reader,
process list or file lock.

Workers import the sync layer to plan, and its unit tests run in milliseconds; both depend on the value types
that cross layers living in small modules without SQLAlchemy behind them. Checked in a fresh interpreter,
since this test process has long imported everything."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

#: The database, its migrations, the tag reader, the process list and the file lock: none is needed to plan.
HEAVY = ("sqlalchemy", "alembic", "mutagen", "psutil", "filelock")


def _imported_after(statement: str) -> list[str]:
    code = f"import json, sys\n{statement}\nprint(json.dumps(sorted(sys.modules)))"
    out = subprocess.run([sys.executable, "-c", code], check=True, capture_output=True, text=True, timeout=60)
    return list(json.loads(out.stdout))


@pytest.mark.parametrize(
    "statement", ["import harmony.sync", "import harmony.nml", "from harmony.library import TrackValues"]
)
def test_the_pure_layers_import_no_database_or_tag_reader(statement: str) -> None:
    modules = _imported_after(statement)
    heavy = sorted(name for name in modules if name.split(".")[0] in HEAVY)
    assert heavy == [], f"{statement!r} imported {heavy}"


def test_the_library_store_is_still_there_when_asked_for() -> None:
    # The check above must be able to fail: asking for the store does bring SQLAlchemy in.
    modules = _imported_after("from harmony.library import Library")
    assert "sqlalchemy" in modules


def test_the_safe_write_is_still_there_when_asked_for() -> None:
    # Likewise for the collection file's lock and the process list, imported when first used.
    modules = _imported_after("from harmony.nmlfile import write_collection, running_traktor")
    assert {"filelock", "psutil"} <= set(modules)
