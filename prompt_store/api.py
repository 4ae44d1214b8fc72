"""The process-wide store and publication ledger over the configured database, for flows, tasks and the CLI.

The embedded database (no DATABASE_URL) belongs to this tool, so it is migrated on first use; a database given by
DATABASE_URL is never migrated implicitly: run `p2v db upgrade`, or calls raise SchemaOutOfDate.
Tests that switch databases clear `get_store`'s cache; the ledger shares the store's engine, so that is enough.
"""

import logging
import threading
from functools import lru_cache

from prompt_store import db, migrate
from prompt_store.embeddings import local, resolve_model
from prompt_store.publications import PostgresLedger
from prompt_store.store import PromptStore


@lru_cache(maxsize=1)
def get_store() -> PromptStore:
    """The process-wide store (engine, embedders and active-prompt cache are shared)."""
    if db.is_embedded():
        migrate.upgrade(db.get_owner_engine())
    return PromptStore(db.get_engine())


def get_ledger() -> PostgresLedger:
    """The publication ledger, on the store's engine and schema check."""
    store = get_store()
    store.check_schema()
    return PostgresLedger(store.engine)


def preload_embedder() -> threading.Thread | None:
    """Start loading the local embedding model (~8 s of imports and weights) in a background thread.

    The CLI calls this before Prefect starts up, so that the run's first step, which embeds the request, finds the
    model ready. Returns None when the configured model is remote. A failure is left to the step that needs it.
    """
    if resolve_model(None) != local.MODEL:
        return None
    thread = threading.Thread(target=_preload_quietly, name="p2v-preload-embedder", daemon=True)
    thread.start()
    return thread


def _preload_quietly() -> None:
    try:
        local.preload()
    except Exception:  # noqa: BLE001 - reported by the step that embeds, with the step's name
        logging.getLogger(__name__).debug("preloading the local embedding model failed", exc_info=True)


def upgrade_database(revision: str = "head") -> str | None:
    """Run the store's migrations on the configured database; returns the revision reached."""
    return migrate.upgrade(db.get_owner_engine(), revision)
