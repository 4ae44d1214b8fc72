"""Writes: create a prompt, commit versions, roll back. Every function takes `*, session`, never commits."""

import json
from typing import Any

import psycopg
from sqlalchemy import func
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.orm import Session

from prompt_store.exceptions import AlreadyActive, PromptAlreadyExists, PromptNotFound
from prompt_store.history import event_info, get_prompt, get_version, version_info
from prompt_store.models import Prompt, PromptAudit, PromptEmbedding, PromptVersion
from prompt_store.schemas import AuditEvent, VersionInfo
from prompt_store.search import vector_literal

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


# A commit is three statements sent in one pipeline (one round trip), so the prompt's row lock is held only
# while the server runs the second statement and the COMMIT, never while a client thread waits for the GIL.
# The embedding goes in first, before any lock, under a version id drawn from the sequence (its foreign key is
# deferred to COMMIT): the HNSW insert is the slow part of a commit and must not sit in the queue. Nothing is
# inserted for an unknown prompt.
_EMBED_SQL = """
WITH n AS (SELECT nextval(pg_get_serial_sequence('prompt_versions', 'id')) AS id)
INSERT INTO prompt_embeddings (version_id, model, embedding)
SELECT n.id, e.model, CAST(e.vector AS vector)
FROM n, unnest(CAST(%(models)s AS text[]), CAST(%(vectors)s AS text[])) AS e (model, vector)
WHERE EXISTS (SELECT 1 FROM prompts WHERE name = %(name)s)
"""

# Then one statement takes the row lock. Under READ COMMITTED the FOR UPDATE waits for a concurrent committer
# and then sees its bumped counter, so numbers never repeat or skip; the UPDATE of the same row later in the
# statement re-reads that newest row. `currval` is this session's id from the statement above.
_COMMIT_SQL = """
WITH locked AS (
    SELECT id, active_version, latest_version + 1 AS next, parameters FROM prompts
    WHERE name = %(name)s FOR UPDATE
), ver AS (
    INSERT INTO prompt_versions (id, prompt_id, version, text, parameters, author, message)
    SELECT currval(pg_get_serial_sequence('prompt_versions', 'id')), id, next, %(text)s,
        coalesce(CAST(%(parameters)s AS jsonb), parameters), %(author)s, %(message)s
    FROM locked
    RETURNING id, prompt_id, version, parameters, created_at
), moved AS (
    UPDATE prompts p SET latest_version = ver.version, active_version = ver.version, text = %(text)s,
        parameters = ver.parameters, updated_at = now()
    FROM ver WHERE p.id = ver.prompt_id
), audited AS (
    INSERT INTO prompt_audit (prompt_id, action, from_version, to_version, actor, reason)
    SELECT locked.id, 'commit', locked.active_version, ver.version, %(author)s, %(message)s FROM locked, ver
)
SELECT version, parameters, created_at FROM ver
"""


def commit_version(
    *,
    connection: psycopg.Connection,
    name: str,
    text: str,
    parameters: dict[str, Any] | None,
    author: str,
    message: str,
    embeddings: Embeddings,
) -> VersionInfo:
    """Add the next version (number allocated under the prompt's row lock), make it active and commit.

    `connection` is a psycopg connection outside any transaction. `parameters=None` keeps the active version's.
    """
    values = {
        "name": name,
        "text": text,
        "author": author,
        "message": message,
        "parameters": None if parameters is None else json.dumps(parameters),
        "models": list(embeddings),
        "vectors": [vector_literal(v) for v in embeddings.values()],
    }
    with connection.pipeline():
        connection.execute(_EMBED_SQL, values)
        committed = connection.execute(_COMMIT_SQL, values)
        connection.commit()
    row = committed.fetchone()
    if row is None:
        raise PromptNotFound(name)
    version, params, created_at = row
    return VersionInfo(
        name=name,
        version=version,
        text=text,
        parameters=params,
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
