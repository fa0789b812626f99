"""Alembic environment: runs the numbered migrations, then re-applies the current definitions of sql/
(functions, triggers, views, grants) whenever the database ends at head."""

from __future__ import annotations

from alembic import context
from alembic.script import ScriptDirectory
from sqlalchemy import create_engine, text
from sqlalchemy.pool import NullPool

from predator.db import migrate


def _run(connection) -> None:  # type: ignore[no-untyped-def]
    context.configure(connection=connection, target_metadata=None, transactional_ddl=True)
    with context.begin_transaction():
        context.run_migrations()
        head = ScriptDirectory.from_config(context.config).get_current_head()
        current = connection.execute(text("SELECT version_num FROM alembic_version")).scalar()
        if current is not None and current == head:
            migrate.apply_definitions(connection.connection.driver_connection)


connection = context.config.attributes.get("connection")
if connection is not None:
    _run(connection)
else:
    import psycopg

    from predator.db.connection import default_target

    dsn = default_target().dsn
    engine = create_engine("postgresql+psycopg://", creator=lambda: psycopg.connect(dsn), poolclass=NullPool)
    with engine.connect() as conn:
        _run(conn)
        conn.commit()
