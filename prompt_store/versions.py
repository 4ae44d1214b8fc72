"""Writes: create a prompt, commit versions, move labels (rollback is a move of `production`).

Every write is one call of an owner function (migration 0008) on an autocommitted psycopg connection: one
statement, one transaction. The runtime role cannot write the prompt tables any other way.
"""

from collections.abc import Sequence
from typing import Any

import psycopg
from psycopg.types.json import Jsonb

from prompt_store.exceptions import (
    AlreadyActive,
    InvalidPromptInput,
    LabelAlreadyThere,
    LabelNotFound,
    PromptAlreadyExists,
    PromptNotFound,
    VersionNotFound,
)
from prompt_store.schemas import AuditEvent, LabelMove, VersionInfo
from prompt_store.vector_param import VectorParam

Embeddings = dict[str, list[float]]  # model name -> vector
PRODUCTION = "production"

_CREATE_SQL = "SELECT * FROM create_prompt_version(%s, %s, %s, %s, %s, %s, %s, %s, %s, %s)"
_COMMIT_SQL = "SELECT * FROM commit_prompt_version(%s, %s, %s, %s, %s, %s, %s, %s, %s, %s)"
_MOVE_SQL = "SELECT * FROM move_prompt_label(%s, %s, %s, %s, %s, %s)"
_DELETE_SQL = "SELECT * FROM delete_prompt_label(%s, %s, %s, %s)"


def create_prompt(
    *,
    connection: psycopg.Connection,
    name: str,
    prompt_type: str,
    text: str,
    parameters: dict[str, Any],
    tags: list[str],
    metadata: dict[str, Any],
    author: str,
    message: str,
    embeddings: Embeddings,
) -> VersionInfo:
    """Create a prompt with version 1 labelled `production`; raises PromptAlreadyExists if the name is taken."""
    model, vector = next(iter(embeddings.items()), (None, None))
    values = (
        name,
        prompt_type,
        text,
        Jsonb(parameters),
        Jsonb(tags),
        Jsonb(metadata),
        author,
        message,
        model,
        None if vector is None else VectorParam(vector),
    )
    row = connection.execute(_CREATE_SQL, values).fetchone()
    if row is None:
        raise PromptAlreadyExists(name)
    version, created_at = row
    return VersionInfo(
        name=name,
        version=version,
        text=text,
        parameters=parameters,
        author=author,
        message=message,
        created_at=created_at,
        is_active=True,
        metadata=metadata,
    )


def commit_version(
    *,
    connection: psycopg.Connection,
    name: str,
    text: str,
    parameters: dict[str, Any] | None,
    author: str,
    message: str,
    model: str,
    embedding: Sequence[float],
    tags: list[str] | None = None,
    metadata: dict[str, Any] | None = None,
    label: str = PRODUCTION,
) -> VersionInfo:
    """Add the next version (numbered under the prompt's row lock) and point `label` at it (production: active).

    `parameters=None` keeps the active version's, `tags=None` the prompt's tags (the function adds them to the
    version's metadata).
    """
    values = (
        name,
        text,
        None if parameters is None else Jsonb(parameters),
        None if tags is None else Jsonb(tags),
        Jsonb(metadata or {}),
        author,
        message,
        model,
        VectorParam(embedding),
        label,
    )
    row = connection.execute(_COMMIT_SQL, values).fetchone()
    if row is None:
        raise PromptNotFound(name)
    version, committed_parameters, committed_metadata, created_at = row
    return VersionInfo(
        name=name,
        version=version,
        text=text,
        parameters=committed_parameters,
        author=author,
        message=message,
        created_at=created_at,
        is_active=label == PRODUCTION,
        metadata=committed_metadata,
    )


def move_label(
    *,
    connection: psycopg.Connection,
    name: str,
    label: str,
    version: int,
    actor: str,
    reason: str,
    action: str = "label",
) -> LabelMove:
    """Point `label` at an existing version under the prompt's row lock, with an audit row (who/when/from/to)."""
    try:
        row = connection.execute(_MOVE_SQL, (name, label, version, actor, reason, action)).fetchone()
    except psycopg.Error as exc:
        raise _move_error(exc, name, label, version) from None
    assert row is not None
    previous, to_version, created_at = row
    return LabelMove(
        name=name, label=label, from_version=previous, to_version=to_version, actor=actor, created_at=created_at
    )


def rollback(*, connection: psycopg.Connection, name: str, to_version: int, actor: str, reason: str) -> AuditEvent:
    """Make an earlier (or later) existing version active again; no version is rewritten."""
    try:
        move = move_label(
            connection=connection,
            name=name,
            label=PRODUCTION,
            version=to_version,
            actor=actor,
            reason=reason,
            action="rollback",
        )
    except LabelAlreadyThere:
        raise AlreadyActive(name, to_version) from None
    return AuditEvent(
        name=name,
        action="rollback",
        label=PRODUCTION,
        from_version=move.from_version,
        to_version=move.to_version,
        actor=actor,
        reason=reason,
        created_at=move.created_at,
    )


def delete_label(*, connection: psycopg.Connection, name: str, label: str, actor: str, reason: str) -> AuditEvent:
    """Remove `label` under the prompt's row lock, with an `unlabel` audit row; production cannot be removed."""
    try:
        row = connection.execute(_DELETE_SQL, (name, label, actor, reason)).fetchone()
    except psycopg.Error as exc:
        if exc.sqlstate == "PS400":
            raise InvalidPromptInput("label", "production cannot be deleted: it is the active version") from None
        raise {"PS404": PromptNotFound(name), "PS406": LabelNotFound(name, label)}.get(exc.sqlstate, exc) from None
    assert row is not None
    previous, created_at = row
    return AuditEvent(
        name=name,
        action="unlabel",
        label=label,
        from_version=previous,
        to_version=previous,
        actor=actor,
        reason=reason,
        created_at=created_at,
    )


def _move_error(exc: psycopg.Error, name: str, label: str, version: int) -> Exception:
    errors: dict[str | None, Exception] = {
        "PS404": PromptNotFound(name),
        "PS405": VersionNotFound(name, version),
        "PS409": LabelAlreadyThere(name, label, version),
    }
    return errors.get(exc.sqlstate, exc)
