"""Alembic migrations of the library schema, shipped inside the package and run by
:mod:`harmony.library.database` (never by hand on a DJ's library).

To write a new revision, point an ini file at a scratch library::

    [alembic]
    script_location = harmony.library:migrations
    sqlalchemy.url = sqlite:////tmp/scratch/library.db

then ``alembic -c that.ini revision --autogenerate -m "..."`` (or copy the newest file in ``versions/``), and
``alembic -c that.ini check`` to confirm the models and migrations agree. Every revision needs a working
``downgrade``; the tests upgrade from the first revision with data and downgrade again.
"""
