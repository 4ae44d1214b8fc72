"""Versioned prompt store on Postgres + pgvector: versions, rollback, audit, search, lineage.

Flows and the CLI use the process-wide `get_store()` (and `get_ledger()` for publications); tests build a
`PromptStore` over their own engine. Programs without database access use `prompt_store.client.PromptClient`.
The names below are loaded on first use (PEP 562), so importing a light submodule such as `prompt_store.schemas`
does not import SQLAlchemy, Alembic and the embedding registry.
"""

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from prompt_store.api import get_ledger, get_store, preload_embedder, upgrade_database
    from prompt_store.defaults import STORYBOARD_SYSTEM
    from prompt_store.schemas import ActivePrompt
    from prompt_store.store import PromptStore

_EXPORTS = {
    "STORYBOARD_SYSTEM": "prompt_store.defaults",
    "ActivePrompt": "prompt_store.schemas",
    "PromptStore": "prompt_store.store",
    "get_ledger": "prompt_store.api",
    "get_store": "prompt_store.api",
    "preload_embedder": "prompt_store.api",
    "upgrade_database": "prompt_store.api",
}
__all__ = [
    "STORYBOARD_SYSTEM",
    "ActivePrompt",
    "PromptStore",
    "get_ledger",
    "get_store",
    "preload_embedder",
    "upgrade_database",
]


def __getattr__(name: str) -> Any:
    if name not in _EXPORTS:
        raise AttributeError(f"module 'prompt_store' has no attribute {name!r}")
    return getattr(import_module(_EXPORTS[name]), name)
