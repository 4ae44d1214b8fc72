"""The store's plumbing: engine, sessions, schema check, embedders and the active-prompt cache."""

import threading
import time
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager

import psycopg
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from prompt_store import migrate
from prompt_store.cache import TTLCache
from prompt_store.embeddings import Embedder, get_embedder, resolve_model
from prompt_store.schemas import ActivePrompt
from services.settings import Settings, get_settings


class StoreBase:
    """Connections to one database and the embedders of its versions and user prompts.

    `embedders` maps model names to instances (tests pass fakes); missing ones are built from settings.
    `model` is the embedding model new versions and user prompts are embedded with and searches use.
    """

    def __init__(
        self,
        engine: Engine,
        *,
        model: str | None = None,
        embedders: Mapping[str, Embedder] | None = None,
        settings: Settings | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.engine = engine
        self.settings = settings or get_settings()
        self.model = resolve_model(model, self.settings)
        self._embedders = dict(embedders or {})
        self._cache: TTLCache[ActivePrompt] = TTLCache(self.settings.prompt_cache_ttl_s, clock=clock)
        self._checked = False
        self._lock = threading.Lock()

    @contextmanager
    def session(self) -> Iterator[Session]:
        """A transaction on a schema known to be current (checked once per store)."""
        self.check_schema()
        with Session(self.engine, expire_on_commit=False) as session, session.begin():
            yield session

    @contextmanager
    def autocommit(self) -> Iterator[Session]:
        """A session for reads in autocommit mode: each query is one round trip (no BEGIN/COMMIT)."""
        self.check_schema()
        with self.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            with Session(bind=conn, expire_on_commit=False) as session:
                yield session

    @contextmanager
    def driver_connection(self) -> Iterator[psycopg.Connection]:
        """A pooled psycopg connection in autocommit mode, for the write that is one function call (a commit)."""
        self.check_schema()
        with self.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            yield conn.connection.driver_connection

    def check_schema(self) -> None:
        if not self._checked:
            with self._lock:
                migrate.check_schema(self.engine)
                migrate.warn_if_privileged(self.engine)
                self._checked = True

    def embedder(self, model: str | None = None) -> Embedder:
        name = resolve_model(model or self.model, self.settings)
        if name not in self._embedders:
            self._embedders[name] = get_embedder(name, self.settings)
        return self._embedders[name]

    def _embed_one(self, text: str) -> dict[str, list[float]]:
        return {self.model: self.embedder().embed([text])[0]}
