"""Alembic environment for reindus.store.

Run from code with `reindus.store.db.init_schema(engine)` (the connection is passed in
`config.attributes["connection"]`), or from a shell with
`alembic -c lib/reindus/store/migrations/alembic.ini upgrade head`; the URL then comes from the
`sqlalchemy.url` option if set, else from REINDUS_DATABASE_URL / REINDUS_HOME.
"""

from __future__ import annotations

from alembic import context
from sqlalchemy.engine import Connection

from reindus.config import database_url
from reindus.store.db import make_engine
from reindus.store.models import Base

config = context.config
target_metadata = Base.metadata


def _configure(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        compare_type=True,
        # SQLite cannot ALTER most things: later migrations use batch mode there.
        render_as_batch=connection.dialect.name == "sqlite",
    )


def run_migrations_offline() -> None:
    context.configure(
        url=config.get_main_option("sqlalchemy.url") or database_url(),
        target_metadata=target_metadata,
        literal_binds=True,
        dialect_opts={"paramstyle": "named"},
    )
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:
        _configure(connection)
        with context.begin_transaction():
            context.run_migrations()
        return
    engine = make_engine(config.get_main_option("sqlalchemy.url") or None)
    try:
        with engine.connect() as conn:
            _configure(conn)
            with context.begin_transaction():
                context.run_migrations()
            conn.commit()
    finally:
        engine.dispose()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
