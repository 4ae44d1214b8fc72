"""The database enforces immutability, and the store refuses a schema it was not written for."""

from pathlib import Path

import psycopg
import pytest
from sqlalchemy import Engine, text
from sqlalchemy.engine import make_url

import prompt_store
from prompt_store import migrate
from prompt_store.db import make_engine
from prompt_store.exceptions import SchemaOutOfDate
from prompt_store.store import PromptStore


@pytest.fixture(scope="module")
def dsn(blank_url: str, engine: Engine) -> str:
    return make_url(blank_url).set(drivername="postgresql").render_as_string(hide_password=False)


@pytest.fixture(scope="module", autouse=True)
def _history(store: PromptStore) -> None:
    store.add_prompt("frozen", "v1")
    store.commit("frozen", "v2")
    store.rollback("frozen", 1, reason="test")


@pytest.mark.parametrize(
    "sql",
    [
        "UPDATE prompt_versions SET text = 'rewritten'",
        "DELETE FROM prompt_versions",
        "TRUNCATE prompt_versions CASCADE",
        "TRUNCATE prompts CASCADE",
        "UPDATE prompt_audit SET reason = 'hidden'",
        "DELETE FROM prompt_audit",
        "TRUNCATE prompt_audit",
    ],
)
def test_raw_sql_cannot_change_versions_or_audit(dsn: str, sql: str) -> None:
    with psycopg.connect(dsn) as conn:
        with pytest.raises(psycopg.errors.RestrictViolation, match="immutable"):
            conn.execute(sql)
        conn.rollback()
        assert conn.execute("SELECT count(*) FROM prompt_versions").fetchone() == (2,)
        assert conn.execute("SELECT count(*) FROM prompt_audit").fetchone() == (3,)
        assert conn.execute("SELECT text FROM prompt_versions WHERE version = 1").fetchone() == ("v1",)


def test_migrations_ship_inside_the_package() -> None:
    from alembic.script import ScriptDirectory

    script_dir = Path(ScriptDirectory.from_config(migrate.alembic_config()).dir)
    assert script_dir.is_relative_to(Path(prompt_store.__file__).parent)
    assert migrate.head_revision() == "0010"


def test_unmigrated_database_is_refused(server_url: str, minilm) -> None:
    with psycopg.connect(_plain(server_url), autocommit=True) as conn:
        conn.execute("DROP DATABASE IF EXISTS t_unmigrated WITH (FORCE)")
        conn.execute("CREATE DATABASE t_unmigrated")
    engine = make_engine(make_url(server_url).set(database="t_unmigrated").render_as_string(False))
    store = PromptStore(engine, model=minilm.model, embedders={minilm.model: minilm})
    try:
        with pytest.raises(SchemaOutOfDate, match="p2v db upgrade") as info:
            store.get_active_prompt("anything")
        assert info.value.current is None

        migrate.upgrade(engine, "0001")  # an older schema
        with pytest.raises(SchemaOutOfDate, match="revision 0001, this code needs 0010"):
            PromptStore(engine, model=minilm.model).get_active_prompt("anything")

        assert migrate.upgrade(engine) == "0010"
        store = PromptStore(engine, model=minilm.model, embedders={minilm.model: minilm})
        store.add_prompt("after.upgrade", "works now")
        assert store.get_active_prompt("after.upgrade").version == 1
        with engine.connect() as conn:  # upgrading twice is a no-op
            assert conn.execute(text("SELECT count(*) FROM prompts")).scalar() == 1
        assert migrate.upgrade(engine) == "0010"
    finally:
        engine.dispose()
        with psycopg.connect(_plain(server_url), autocommit=True) as conn:
            conn.execute("DROP DATABASE t_unmigrated WITH (FORCE)")


def _plain(url: str) -> str:
    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


def test_orm_models_match_the_migrations(engine: Engine) -> None:
    """Tables, columns, types and keys agree; indexes (HNSW, GIN, partial) live only in the migrations."""
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    from prompt_store.models import Base

    with engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"version_table": migrate.VERSION_TABLE, "compare_type": True})
        diffs = compare_metadata(context, Base.metadata)
    assert [d for d in diffs if d[0] != "remove_index"] == []
