"""Alembic environment: runs against the engine handed over by ``migrate``."""

from __future__ import annotations

from alembic import context
from sqlalchemy import create_engine

from regionnav.errors import StoreError
from regionnav.store.models import Base

config = context.config
engine = config.attributes.get("engine")
if engine is None:
    engine = create_engine(config.get_main_option("sqlalchemy.url") or "sqlite://")

with engine.connect() as connection:
    sqlite = connection.dialect.name == "sqlite"
    # A batch migration rebuilds a SQLite table (copy, drop, rename); with
    # foreign keys enforced, dropping person_versions fails as soon as persons
    # rows refer to it. SQLite only honours the pragma outside a transaction,
    # so it goes to the driver before the first statement begins one.
    driver = connection.connection.driver_connection if sqlite else None
    if driver is not None:
        driver.execute("PRAGMA foreign_keys=OFF")
    try:
        context.configure(
            connection=connection,
            target_metadata=Base.metadata,
            render_as_batch=sqlite,
        )
        with context.begin_transaction():
            context.run_migrations()
            check = "PRAGMA foreign_key_check"
            if sqlite and connection.exec_driver_sql(check).first():
                raise StoreError("the migrated store breaks its foreign keys")
        connection.commit()
    finally:
        if driver is not None:
            driver.execute("PRAGMA foreign_keys=ON")
