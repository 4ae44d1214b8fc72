"""A login as the least-privilege runtime role on the test server (created there like on the embedded server)."""

import psycopg
import pytest
from sqlalchemy.engine import make_url

from prompt_store.db import ensure_runtime_login, runtime_url


def runtime_dsn(blank_url: str) -> str:
    """`blank_url`'s database as p2v_runtime (plain libpq URL); skips when the test server refuses to create it."""
    admin = make_url(blank_url).set(drivername="postgresql").render_as_string(hide_password=False)
    with psycopg.connect(admin, autocommit=True) as conn:
        try:
            ensure_runtime_login(conn)
        except psycopg.errors.InsufficientPrivilege:
            pytest.skip("the test database's user cannot create the runtime role")
    return make_url(runtime_url(blank_url)).set(drivername="postgresql").render_as_string(hide_password=False)
