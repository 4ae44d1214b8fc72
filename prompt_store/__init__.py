"""Versioned prompt store on Postgres + pgvector: versions, rollback, audit, search, lineage.

Flows and the CLI use the process-wide `get_store()` (and `get_ledger()` for publications); tests build a
`PromptStore` over their own engine.
"""

from prompt_store.api import get_ledger, get_store, preload_embedder, upgrade_database
from prompt_store.defaults import STORYBOARD_SYSTEM
from prompt_store.schemas import ActivePrompt
from prompt_store.store import PromptStore

__all__ = [
    "STORYBOARD_SYSTEM",
    "ActivePrompt",
    "PromptStore",
    "get_ledger",
    "get_store",
    "preload_embedder",
    "upgrade_database",
]
