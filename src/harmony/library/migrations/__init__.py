"""Alembic migrations of the library schema, shipped inside the package and run by
:mod:`harmony.library.database`.

Add a revision with ``alembic -c <an ini whose script_location is harmony.library:migrations> revision -m
"..."``
or by copying the newest file in ``versions/``; every revision must have a working ``downgrade``.
"""
