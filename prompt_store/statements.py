"""How search statements are sent: built once per SQL string, and the hybrid one with its generic plan."""

from functools import lru_cache
from typing import Any

from psycopg.rows import namedtuple_row
from sqlalchemy import Dialect, TextClause, text
from sqlalchemy.orm import Session


@lru_cache(maxsize=128)
def statement(sql: str) -> TextClause:
    """`text(sql)`, built once per SQL string: parsing the bind parameters of a hybrid statement with a regular
    expression costs about as much as fusing its rows. The SQL varies only with the model and which filters are
    set, so a few statements cover every search."""
    return text(sql)


def generic_plan_rows(session: Session, sql: str, params: dict[str, Any]) -> list[Any]:
    """Rows of `sql` (named tuples) run with the generic plan of its prepared statement, in one round trip.

    Planning the hybrid statement (three rankings, their joins and label subqueries) takes ~1 ms, as long as its
    HNSW scan at ef_search 40; Postgres keeps planning it anew for every query because the generic plan's estimates
    cannot see the query's words. That plan has the same shape (HNSW scan, GIN bitmap scan, the names' function)
    and returns the same rows, so it runs between `SET plan_cache_mode = force_generic_plan` and `RESET`, the three
    sent as one pipeline: one implicit transaction, so a failing statement rolls the SET back too. psycopg prepares
    a statement from its 5th run on a connection: the first runs are planned for their values, as before."""
    driver = session.connection().connection.driver_connection
    query = _driver_sql(sql, session.get_bind().dialect)
    with driver.pipeline():
        driver.execute("SET plan_cache_mode = force_generic_plan")
        cursor = driver.cursor(row_factory=namedtuple_row)
        cursor.execute(query, params)
        driver.execute("RESET plan_cache_mode")
    return cursor.fetchall()


@lru_cache(maxsize=128)
def _driver_sql(sql: str, dialect: Dialect) -> str:
    """`sql` with psycopg's placeholders (`%(name)s`, `%` escaped), as SQLAlchemy would send it."""
    return str(statement(sql).compile(dialect=dialect))
