"""Alembic environment: runs on the connection `prompt_store.migrate` hands over (no alembic.ini)."""

from alembic import context
from sqlalchemy import text

from prompt_store.migrate import VERSION_TABLE
from prompt_store.models import Base

_LOCK_KEY = 7_245_190_331  # serialises concurrent `p2v db upgrade` runs


def run_migrations_online() -> None:
    connection = context.config.attributes.get("connection")
    if connection is None:
        raise RuntimeError("run migrations through prompt_store.migrate.upgrade(), not the alembic CLI")
    context.configure(
        connection=connection,
        target_metadata=Base.metadata,
        version_table=VERSION_TABLE,
        transaction_per_migration=False,
    )
    with context.begin_transaction():
        connection.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": _LOCK_KEY})
        context.run_migrations()


if context.is_offline_mode():
    raise RuntimeError("offline (SQL script) migrations are not supported")
run_migrations_online()
