"""Programmatic Alembic (no alembic.ini): migrations ship inside the package."""

import logging

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, Engine, text
from sqlalchemy.exc import OperationalError

from prompt_store.exceptions import DatabaseUnavailable, SchemaOutOfDate

log = logging.getLogger(__name__)
VERSION_TABLE = "prompt_store_alembic_version"  # not `alembic_version`: Prefect may share the database


def alembic_config(connection: Connection | None = None) -> Config:
    config = Config()
    config.set_main_option("script_location", "prompt_store:migrations")
    config.attributes["connection"] = connection
    return config


def head_revision() -> str:
    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    assert head is not None
    return head


def current_revision(engine: Engine) -> str | None:
    try:
        with engine.connect() as conn:
            context = MigrationContext.configure(conn, opts={"version_table": VERSION_TABLE})
            return context.get_current_revision()
    except OperationalError as exc:  # psycopg's first line names host and reason, not the password
        raise DatabaseUnavailable(str(exc.orig).strip().splitlines()[0]) from None


def upgrade(engine: Engine, revision: str = "head") -> str | None:
    """Migrate the database to `revision`; returns the revision it ends at."""
    with engine.begin() as conn:
        command.upgrade(alembic_config(conn), revision)
    return current_revision(engine)


def check_schema(engine: Engine) -> None:
    """Refuse to work on a database whose schema is not exactly the one this code was written for."""
    current, expected = current_revision(engine), head_revision()
    if current != expected:
        raise SchemaOutOfDate(current, expected)


_PRIVILEGED = text(
    "SELECT rolsuper OR pg_has_role(current_user, (SELECT relowner FROM pg_class WHERE oid = 'prompts'::regclass),"
    " 'MEMBER') FROM pg_roles WHERE rolname = current_user"
)


def is_privileged(engine: Engine) -> bool:
    """True when the app's role could alter the prompt tables or their triggers (superuser or owner)."""
    with engine.connect() as conn:
        return bool(conn.execute(_PRIVILEGED).scalar())


_warned: set[str] = set()


def warn_if_privileged(engine: Engine) -> None:
    """Once per database URL and process: the single-URL setup works, but without the role separation."""
    key = engine.url.render_as_string(hide_password=True)
    if key not in _warned and is_privileged(engine):
        _warned.add(key)
        log.warning(
            "the prompt store runs as the tables' owner or a superuser, who can disable its integrity triggers: "
            "set DATABASE_URL to a role in p2v_runtime and P2V_DATABASE_OWNER_URL to the owner "
            "(docs/prompt-store.md)"
        )
