"""The store's module-level API, used by flows, tasks and the CLI; each call runs in its own transaction.

All functions use one process-wide `PromptStore` over the configured database (`get_store()`).
The embedded database (no DATABASE_URL) belongs to this tool, so it is migrated on first use; a database
given by DATABASE_URL is never migrated implicitly: run `p2v db upgrade`, or calls raise SchemaOutOfDate.
"""

from functools import lru_cache
from typing import Any

from prompt_store import db, migrate
from prompt_store.schemas import (
    ActivePrompt,
    AuditEvent,
    Lineage,
    PromptDiff,
    PromptInfo,
    QueuedUserPrompt,
    SearchHit,
    SearchMode,
    UserPromptHit,
    UserPromptStatus,
    VersionInfo,
)
from prompt_store.store import PromptStore


@lru_cache(maxsize=1)
def get_store() -> PromptStore:
    """The process-wide store (engine, embedders and active-prompt cache are shared)."""
    engine = db.get_engine()
    if db.is_embedded():
        migrate.upgrade(engine)
    return PromptStore(engine)


def upgrade_database(revision: str = "head") -> str | None:
    """Run the store's migrations on the configured database; returns the revision reached."""
    return migrate.upgrade(db.get_engine(), revision)


def ensure_default_prompts() -> list[str]:
    """Create the built-in prompts (e.g. `storyboard.system`) if missing; returns the names created."""
    return get_store().ensure_default_prompts()


def get_active_prompt(name: str) -> ActivePrompt:
    """The active version of a prompt (cached with a short TTL, dropped by local writes)."""
    return get_store().get_active_prompt(name)


def record_user_prompt(
    text: str, *, language: str | None, metadata: dict[str, Any], username: str = "cli"
) -> int:
    """Store a user's request; returns its id for `record_lineage`."""
    return get_store().record_user_prompt(text, language=language, metadata=metadata, username=username)


def record_lineage(
    user_prompt_id: int,
    *,
    flow_run_id: str | None,
    video_path: str | None,
    publication_url: str | None,
    prompt_versions: dict[str, int],
) -> None:
    """Record which prompt versions (name -> version) a run used, its flow run id and what it produced."""
    get_store().record_lineage(
        user_prompt_id,
        flow_run_id=flow_run_id,
        video_path=video_path,
        publication_url=publication_url,
        prompt_versions=prompt_versions,
    )


def queue_user_prompt(
    text: str, *, language: str | None = None, metadata: dict[str, Any] | None = None, username: str = "cli"
) -> int:
    """Queue a user prompt for the batch flow; returns its id."""
    return get_store().queue_user_prompt(text, language=language, metadata=metadata, username=username)


def next_queued_user_prompts(limit: int = 10) -> list[QueuedUserPrompt]:
    """Claim up to `limit` queued prompts (they become `running`); concurrent callers get distinct ones."""
    return get_store().next_queued_user_prompts(limit)


def set_user_prompt_status(user_prompt_id: int, status: UserPromptStatus) -> None:
    """Mark a user prompt running / done / failed (e.g. when its batch run fails)."""
    get_store().set_user_prompt_status(user_prompt_id, status)


def lineage(key: str | int) -> Lineage:
    """Lineage of a user prompt by id, flow run id or video path."""
    return get_store().lineage(key)


def add_prompt(
    name: str,
    text: str,
    *,
    prompt_type: str = "system",
    parameters: str | dict[str, Any] | None = None,
    tags: list[str] | None = None,
    author: str = "cli",
    message: str = "created",
) -> VersionInfo:
    """Create a prompt with version 1 active."""
    return get_store().add_prompt(
        name, text, prompt_type=prompt_type, parameters=parameters, tags=tags, author=author, message=message
    )


def commit_prompt(
    name: str,
    text: str,
    *,
    parameters: str | dict[str, Any] | None = None,
    author: str = "cli",
    message: str = "",
) -> VersionInfo:
    """Add the next version of a prompt and make it active."""
    return get_store().commit(name, text, parameters=parameters, author=author, message=message)


def show_prompt(name: str, version: int | None = None) -> VersionInfo:
    """One version (the active one by default)."""
    return get_store().show(name, version)


def prompt_history(name: str) -> list[VersionInfo]:
    """All versions of a prompt, newest first."""
    return get_store().history(name)


def prompt_audit_log(name: str) -> list[AuditEvent]:
    """Every move of a prompt's active version, oldest first."""
    return get_store().audit_log(name)


def diff_prompt(name: str, from_version: int, to_version: int) -> PromptDiff:
    """Text and parameter differences between two versions."""
    return get_store().diff(name, from_version, to_version)


def rollback_prompt(name: str, to_version: int, *, actor: str = "cli", reason: str = "") -> AuditEvent:
    """Make an existing version active again (audited)."""
    return get_store().rollback(name, to_version, actor=actor, reason=reason)


def list_prompts(*, prompt_type: str | None = None, tag: str | None = None) -> list[PromptInfo]:
    """All prompts, optionally of one type or carrying one tag."""
    return get_store().list_prompts(prompt_type=prompt_type, tag=tag)


def search_prompts(
    query: str,
    *,
    mode: SearchMode = "semantic",
    k: int = 10,
    prompt_type: str | None = None,
    tags: list[str] | None = None,
    model: str | None = None,
) -> list[SearchHit]:
    """Semantic, full-text or hybrid search over prompt versions."""
    return get_store().search(query, mode=mode, k=k, prompt_type=prompt_type, tags=tags, model=model)


def similar_user_prompts(text: str, *, k: int = 5) -> list[UserPromptHit]:
    """Earlier user prompts closest in meaning to `text`."""
    return get_store().similar_user_prompts(text, k=k)


def reindex(model: str | None = None) -> int:
    """Embed every version and user prompt with `model`; returns the rows written."""
    return get_store().reindex(model)
