"""Where the database is: DATABASE_URL when set, else an embedded Postgres under the data folder.

Two roles: the tables' owner runs the migrations; the app runs as the least-privilege role `p2v_runtime`, which
cannot alter tables or triggers and writes prompts only through the owner's functions (migration 0008). For the
embedded server both are automatic; for DATABASE_URL, P2V_DATABASE_OWNER_URL names the owner (docs/prompt-store.md).
"""

import logging
from functools import lru_cache
from pathlib import Path

import psycopg
from psycopg import sql
from sqlalchemy import Engine, create_engine
from sqlalchemy.engine import make_url

from prompt_store.embedded import join_embedded
from services.settings import Settings, get_settings

log = logging.getLogger(__name__)
EMBEDDED_DATABASE = "prompt_store"
RUNTIME_ROLE = "p2v_runtime"


def normalise_url(url: str) -> str:
    """Accept postgres://, postgresql:// or postgresql+psycopg:// and always use psycopg 3."""
    parsed = make_url(url.replace("postgres://", "postgresql://", 1))
    return parsed.set(drivername="postgresql+psycopg").render_as_string(hide_password=False)


def embedded_url(data_dir: Path, *, shared_buffers: str = "512MB") -> str:
    """Start (or join) the embedded server for `data_dir` and return a URL to its database.

    The server's socket lives in its data folder, so the folder path must stay short; every process that
    opens the same folder shares one server, which stops when the last of them exits.
    """
    pgdata = (data_dir / "pg").expanduser().resolve()
    pgdata.parent.mkdir(parents=True, exist_ok=True)
    server = join_embedded(pgdata)
    admin_uri = server.get_uri()
    with psycopg.connect(admin_uri, autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (EMBEDDED_DATABASE,)).fetchone()
        if not exists:
            conn.execute(f'CREATE DATABASE "{EMBEDDED_DATABASE}"')
        _size_shared_buffers(conn, shared_buffers)
        ensure_runtime_login(conn)
    log.info("embedded Postgres ready at %s", pgdata)
    return normalise_url(server.get_uri(EMBEDDED_DATABASE))


def ensure_runtime_login(conn: psycopg.Connection) -> None:
    """Create (or allow to log in) the runtime role on a server where we are superuser (the embedded one)."""
    role = sql.Identifier(RUNTIME_ROLE)
    if conn.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", (RUNTIME_ROLE,)).fetchone() is None:
        try:
            conn.execute(sql.SQL("CREATE ROLE {} LOGIN").format(role))
        except psycopg.errors.DuplicateObject:  # another process created it first
            pass
    conn.execute(sql.SQL("ALTER ROLE {} LOGIN").format(role))


def runtime_url(owner_url: str) -> str:
    """The same database as `owner_url`, as the runtime role (the embedded server trusts local connections)."""
    return make_url(owner_url).set(username=RUNTIME_ROLE, password=None).render_as_string(hide_password=False)


def _size_shared_buffers(conn: psycopg.Connection, wanted: str) -> None:
    """Ask for `wanted` shared_buffers from the server's next start (it stops when its last user exits).

    Postgres' default of 128MB is smaller than the HNSW index of ~100k versions (~200 MB): every insert and search
    would then read pages back from the OS cache. Not applied by a restart here: other processes may be connected.
    """
    if conn.execute("SHOW shared_buffers").fetchone() == (wanted,):
        return
    pending = conn.execute(
        "SELECT setting FROM pg_file_settings WHERE name = 'shared_buffers' ORDER BY seqno DESC LIMIT 1"
    ).fetchone()
    if pending != (wanted,):
        conn.execute(sql.SQL("ALTER SYSTEM SET shared_buffers = {}").format(sql.Literal(wanted)))
        log.info("embedded Postgres: shared_buffers = %s from its next start", wanted)


def make_engine(url: str, *, ef_search: int = 40) -> Engine:
    """An engine sized for many concurrent writers (version commits queue on a row lock, not the pool).

    Every connection starts with HNSW iterative scans on (filtered k-NN still returns k rows) and the
    given ef_search, so a search needs no extra round trip to set them. No pre-ping either: it would
    cost a round trip per checkout; a dropped connection fails one call and the pool is invalidated, and the
    store's tasks retry that call (a server restart mid-run: tests/faults/test_database_restart.py).
    """
    options = f"-c hnsw.iterative_scan=strict_order -c hnsw.ef_search={int(ef_search)}"
    return create_engine(
        normalise_url(url),
        pool_size=10,
        max_overflow=40,
        pool_recycle=1800,
        connect_args={"options": options},
    )


@lru_cache(maxsize=4)
def _engine_for(url: str, ef_search: int) -> Engine:
    return make_engine(url, ef_search=ef_search)


def is_embedded(settings: Settings | None = None) -> bool:
    return (settings or get_settings()).database_url is None


def get_engine(settings: Settings | None = None) -> Engine:
    """The process-wide engine the app runs on: DATABASE_URL, or the embedded database as `p2v_runtime`."""
    settings = settings or get_settings()
    if settings.database_url is not None:
        return _engine_for(settings.database_url.get_secret_value(), settings.hnsw_ef_search)
    url = embedded_url(settings.data_dir, shared_buffers=settings.embedded_shared_buffers)
    return _engine_for(runtime_url(url), settings.hnsw_ef_search)


def get_owner_engine(settings: Settings | None = None) -> Engine:
    """The engine migrations run on: P2V_DATABASE_OWNER_URL, else DATABASE_URL, else the embedded superuser."""
    settings = settings or get_settings()
    if settings.database_url is not None:
        owner = settings.database_owner_url or settings.database_url
        return _engine_for(owner.get_secret_value(), settings.hnsw_ef_search)
    url = embedded_url(settings.data_dir, shared_buffers=settings.embedded_shared_buffers)
    return _engine_for(url, settings.hnsw_ef_search)
