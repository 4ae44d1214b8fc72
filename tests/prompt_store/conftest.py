"""A real Postgres for the prompt-store tests: DATABASE_URL when set, else an embedded server.

Each test module gets its own freshly migrated database, because versions and audit rows cannot be
deleted (that is the point) and so cannot be cleaned up between tests.
"""

import os
import shutil
import tempfile
import uuid
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest
from pydantic import SecretStr
from sqlalchemy import Engine
from sqlalchemy.engine import make_url

from prompt_store import migrate
from prompt_store.db import embedded_url, make_engine, normalise_url
from prompt_store.embeddings.local import MiniLMEmbedder
from prompt_store.embeddings.openai import OpenAIEmbedder
from prompt_store.store import PromptStore
from services.settings import Settings
from tests.prompt_store.fake_openai import FakeOpenAI, serve_fake_openai


@pytest.fixture(scope="session")
def server_url() -> Iterator[str]:
    """URL of a database on a server where the tests may create databases."""
    if os.environ.get("DATABASE_URL"):
        yield normalise_url(os.environ["DATABASE_URL"])
        return
    data_dir = Path(tempfile.mkdtemp(prefix="pg", dir="/tmp"))  # short: the socket lives inside
    yield embedded_url(data_dir)
    shutil.rmtree(data_dir, ignore_errors=True)


def _admin(url: str) -> psycopg.Connection:
    return psycopg.connect(make_url(url).set(drivername="postgresql").render_as_string(False), autocommit=True)


@pytest.fixture(scope="module")
def blank_url(server_url: str) -> Iterator[str]:
    """A brand-new, empty database, dropped after the module."""
    name = f"t_{uuid.uuid4().hex[:12]}"
    with _admin(server_url) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    yield make_url(server_url).set(database=name).render_as_string(hide_password=False)
    with _admin(server_url) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(scope="module")
def engine(blank_url: str) -> Iterator[Engine]:
    engine = make_engine(blank_url)
    migrate.upgrade(engine)
    yield engine
    engine.dispose()


@pytest.fixture(scope="session")
def minilm() -> MiniLMEmbedder:
    """The real local model, loaded once per session."""
    embedder = MiniLMEmbedder()
    embedder.embed(["warm up"])
    return embedder


@pytest.fixture(scope="session")
def fake_openai() -> Iterator[FakeOpenAI]:
    with serve_fake_openai() as server:
        yield server


@pytest.fixture(scope="session")
def openai_embedder(fake_openai: FakeOpenAI) -> OpenAIEmbedder:
    return OpenAIEmbedder(SecretStr("sk-test-secret-key"), base_url=fake_openai.base_url)


@pytest.fixture(scope="module")
def settings() -> Settings:
    return Settings(_env_file=None, embedding_model="all-MiniLM-L6-v2", prompt_cache_ttl_s=60)


@pytest.fixture(scope="module")
def store(engine: Engine, minilm: MiniLMEmbedder, settings: Settings) -> PromptStore:
    return PromptStore(engine, embedders={minilm.model: minilm}, settings=settings)
