"""The job functions the worker pools run: thin compositions of ``nml``, ``sync`` and ``nmlfile``.

Each reads what it needs itself (the collection.nml, the library read-only), calls the pure planners, and hands
back a result the service can apply: :mod:`harmony.jobs.import_job` and :mod:`harmony.jobs.export_job`.
"""
