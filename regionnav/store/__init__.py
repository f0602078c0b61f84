"""The store: SQLAlchemy tables (``models``), the engine (``engine``), migrations
(``migrate``), and the codec of stored posts (``packing``).

Deliberately empty: the importer's reading processes load ``packing`` alone,
without SQLAlchemy and Alembic, which would cost each of them a third of a
second to start.
"""
