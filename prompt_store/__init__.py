"""Versioned prompt store on Postgres + pgvector: versions, rollback, audit, search, lineage.

Flows and the CLI use the functions re-exported here (see `prompt_store.api`); tests build a
`PromptStore` over their own engine.
"""

from prompt_store.api import (
    add_prompt,
    commit_prompt,
    diff_prompt,
    ensure_default_prompts,
    get_active_prompt,
    get_store,
    lineage,
    list_prompts,
    next_queued_user_prompts,
    prompt_audit_log,
    prompt_history,
    queue_user_prompt,
    record_lineage,
    record_user_prompt,
    reindex,
    rollback_prompt,
    search_prompts,
    set_user_prompt_status,
    show_prompt,
    similar_user_prompts,
    upgrade_database,
)
from prompt_store.defaults import STORYBOARD_SYSTEM
from prompt_store.schemas import ActivePrompt
from prompt_store.store import PromptStore

__all__ = [
    "STORYBOARD_SYSTEM",
    "ActivePrompt",
    "PromptStore",
    "add_prompt",
    "commit_prompt",
    "diff_prompt",
    "ensure_default_prompts",
    "get_active_prompt",
    "get_store",
    "lineage",
    "list_prompts",
    "next_queued_user_prompts",
    "prompt_audit_log",
    "prompt_history",
    "queue_user_prompt",
    "record_lineage",
    "record_user_prompt",
    "reindex",
    "rollback_prompt",
    "search_prompts",
    "set_user_prompt_status",
    "show_prompt",
    "similar_user_prompts",
    "upgrade_database",
]
