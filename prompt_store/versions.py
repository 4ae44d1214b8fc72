"""Writes: create a prompt, commit versions, roll back.

Each function takes `*, session` and never commits, except `commit_version`: one autocommitted function call.
"""

from collections.abc import Sequence
from typing import Any

import psycopg
from psycopg.types.json import Jsonb
from sqlalchemy import func
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.orm import Session

from prompt_store.exceptions import AlreadyActive, PromptAlreadyExists, PromptNotFound
from prompt_store.history import event_info, get_prompt, get_version, version_info
from prompt_store.models import Prompt, PromptAudit, PromptEmbedding, PromptVersion
from prompt_store.schemas import AuditEvent, VersionInfo
from prompt_store.vector_param import VectorParam

Embeddings = dict[str, list[float]]  # model name -> vector


def create_prompt(
    *,
    session: Session,
    name: str,
    prompt_type: str,
    text: str,
    parameters: dict[str, Any],
    tags: list[str],
    author: str,
    message: str,
    embeddings: Embeddings,
) -> VersionInfo:
    """Create a prompt with version 1 active; raises PromptAlreadyExists if the name is taken."""
    values = dict(
        type=prompt_type,
        name=name,
        text=text,
        parameters=parameters,
        tags=tags,
        active_version=1,
        latest_version=1,
    )
    inserted = session.execute(
        insert(Prompt).values(**values).on_conflict_do_nothing(index_elements=["name"]).returning(Prompt.id)
    ).scalar_one_or_none()
    if inserted is None:
        raise PromptAlreadyExists(name)
    prompt = session.get_one(Prompt, inserted)
    version = _add_version(
        session,
        prompt,
        text=text,
        parameters=parameters,
        author=author,
        message=message,
        embeddings=embeddings,
    )
    _audit(session, prompt, "create", None, 1, author, message)
    return version_info(name, version, active=True)


_COMMIT_SQL = "SELECT * FROM commit_prompt_version(%s, %s, %s, %s, %s, %s, %s)"


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
) -> VersionInfo:
    """Add the next version (number allocated under the prompt's row lock), make it active and commit.

    `connection` is a psycopg connection in autocommit mode: the call is one statement, hence one transaction
    (the function and why its order matters: migration 0005). `parameters=None` keeps the active version's.
    """
    params = None if parameters is None else Jsonb(parameters)
    values = (name, text, params, author, message, model, VectorParam(embedding))
    row = connection.execute(_COMMIT_SQL, values).fetchone()
    if row is None:
        raise PromptNotFound(name)
    version, committed_parameters, created_at = row
    return VersionInfo(
        name=name,
        version=version,
        text=text,
        parameters=committed_parameters,
        author=author,
        message=message,
        created_at=created_at,
        is_active=True,
    )


def rollback(*, session: Session, name: str, to_version: int, actor: str, reason: str) -> AuditEvent:
    """Make an earlier (or later) existing version active again; no version is rewritten."""
    prompt = get_prompt(name, session=session, lock=True)
    target = get_version(session, prompt, to_version)
    if prompt.active_version == to_version:
        raise AlreadyActive(name, to_version)
    previous = prompt.active_version
    _activate(prompt, target)
    event = _audit(session, prompt, "rollback", previous, to_version, actor, reason)
    session.flush()
    session.refresh(event)
    return event_info(name, event)


def _add_version(
    session: Session,
    prompt: Prompt,
    *,
    text: str,
    parameters: dict[str, Any],
    author: str,
    message: str,
    embeddings: Embeddings,
) -> PromptVersion:
    version = PromptVersion(
        prompt_id=prompt.id,
        version=prompt.latest_version,
        text=text,
        parameters=parameters,
        author=author,
        message=message,
    )
    session.add(version)
    session.flush()
    session.add_all(
        PromptEmbedding(version_id=version.id, model=model, embedding=vector) for model, vector in embeddings.items()
    )
    return version


def _activate(prompt: Prompt, version: PromptVersion) -> None:
    prompt.active_version = version.version
    prompt.text = version.text
    prompt.parameters = version.parameters
    prompt.updated_at = func.now()


def _audit(
    session: Session,
    prompt: Prompt,
    action: str,
    from_version: int | None,
    to_version: int,
    actor: str,
    reason: str,
) -> PromptAudit:
    event = PromptAudit(
        prompt_id=prompt.id,
        action=action,
        from_version=from_version,
        to_version=to_version,
        actor=actor,
        reason=reason,
    )
    session.add(event)
    return event
