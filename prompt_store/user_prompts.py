"""User prompts, the batch queue and lineage. Every function takes `*, session` and never commits."""

from typing import Any, cast

from sqlalchemy import func, or_, select, text, update
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.orm import Session

from prompt_store.exceptions import InvalidPromptInput, UserPromptNotFound, VersionNotFound
from prompt_store.models import (
    Prompt,
    PromptVersion,
    RunPromptVersion,
    User,
    UserPrompt,
    UserPromptEmbedding,
)
from prompt_store.schemas import Lineage, QueuedUserPrompt, UserPromptRow, UserPromptStatus


def user_id(username: str, *, session: Session) -> int:
    """The id of `username`, created on first use."""
    session.execute(insert(User).values(username=username).on_conflict_do_nothing(index_elements=["username"]))
    return session.scalars(select(User.id).where(User.username == username)).one()


def record(
    text_: str,
    *,
    session: Session,
    language: str | None,
    metadata: dict[str, Any],
    username: str,
    status: UserPromptStatus,
    embeddings: dict[str, list[float]],
) -> int:
    row = UserPrompt(
        user_id=user_id(username, session=session),
        text=text_,
        language=language,
        metadata_=metadata,
        status=status,
    )
    session.add(row)
    session.flush()
    session.add_all(
        UserPromptEmbedding(user_prompt_id=row.id, model=model, embedding=vector)
        for model, vector in embeddings.items()
    )
    return row.id


def text_without_embedding(user_prompt_id: int, model: str, *, session: Session) -> str | None:
    """The text of a user prompt that has no embedding of `model`; None when it has one."""
    row = session.get(UserPrompt, user_prompt_id)
    if row is None:
        raise UserPromptNotFound(str(user_prompt_id))
    done = session.get(UserPromptEmbedding, (user_prompt_id, model))
    return None if done is not None else row.text


def add_embeddings(user_prompt_id: int, embeddings: dict[str, list[float]], *, session: Session) -> None:
    """Store embeddings of a user prompt; one written meanwhile by another process is kept."""
    rows = [{"user_prompt_id": user_prompt_id, "model": m, "embedding": v} for m, v in embeddings.items()]
    if rows:
        session.execute(insert(UserPromptEmbedding).values(rows).on_conflict_do_nothing())


def record_lineage(
    user_prompt_id: int,
    *,
    session: Session,
    flow_run_id: str | None,
    video_path: str | None,
    publication_url: str | None,
    prompt_versions: dict[str, int],
    prompt_labels: dict[str, str] | None = None,
) -> None:
    """Link a user prompt to the prompt versions its run used and to what it produced.

    Only the given (non-None) outputs are written, so a flow can call this at start and again at the end;
    a video path or publication marks the user prompt done.
    """
    row = session.get(UserPrompt, user_prompt_id, with_for_update=True)
    if row is None:
        raise UserPromptNotFound(str(user_prompt_id))
    for name, version in prompt_versions.items():
        version_id = session.scalars(
            select(PromptVersion.id).join(Prompt).where(Prompt.name == name, PromptVersion.version == version)
        ).one_or_none()
        if version_id is None:
            raise VersionNotFound(name, version)
        session.execute(
            insert(RunPromptVersion)
            .values(user_prompt_id=row.id, version_id=version_id, label=(prompt_labels or {}).get(name))
            .on_conflict_do_nothing()
        )
    for field, value in (
        ("flow_run_id", flow_run_id),
        ("video_path", video_path),
        ("publication_url", publication_url),
    ):
        if value is not None:
            setattr(row, field, value)
    if video_path is not None or publication_url is not None:
        row.status = "done"
    row.updated_at = func.now()


def claim_queued(limit: int, *, session: Session) -> list[QueuedUserPrompt]:
    """Mark up to `limit` queued prompts running and return them (oldest first); concurrent callers
    never get the same prompt (SKIP LOCKED)."""
    if limit < 1:
        raise InvalidPromptInput("limit", "must be at least 1")
    picked = (
        select(UserPrompt.id)
        .where(UserPrompt.status == "queued")
        .order_by(UserPrompt.id)
        .limit(limit)
        .with_for_update(skip_locked=True)
        .scalar_subquery()
    )
    ids = session.scalars(
        update(UserPrompt)
        .where(UserPrompt.id.in_(picked))
        .values(status="running", updated_at=func.now())
        .returning(UserPrompt.id)
    ).all()
    rows = session.execute(
        select(UserPrompt, User.username).join(User).where(UserPrompt.id.in_(ids)).order_by(UserPrompt.id)
    )
    return [
        QueuedUserPrompt(id=up.id, text=up.text, language=up.language, metadata=up.metadata_, username=username)
        for up, username in rows
    ]


def list_by_status(
    statuses: list[UserPromptStatus], limit: int, *, username: str | None = None, session: Session
) -> list[UserPromptRow]:
    """User prompts in one of `statuses`, oldest first (the order a batch takes queued ones in)."""
    query = select(UserPrompt, User.username).join(User).where(UserPrompt.status.in_(statuses))
    if username is not None:
        query = query.where(User.username == username)
    rows = session.execute(query.order_by(UserPrompt.id).limit(limit))
    return [
        UserPromptRow(
            id=up.id,
            text=up.text,
            language=up.language,
            metadata=up.metadata_,
            username=username,
            status=cast(UserPromptStatus, up.status),
            created_at=up.created_at,
        )
        for up, username in rows
    ]


def set_status(user_prompt_id: int, status: UserPromptStatus, *, session: Session) -> None:
    updated = session.execute(
        update(UserPrompt)
        .where(UserPrompt.id == user_prompt_id)
        .values(status=status, updated_at=func.now())
        .returning(UserPrompt.id)
    ).first()
    if updated is None:
        raise UserPromptNotFound(str(user_prompt_id))


def lineage(key: str | int, *, session: Session) -> Lineage:
    """Lineage of a user prompt found by id, flow run id or video path."""
    match = [UserPrompt.flow_run_id == str(key), UserPrompt.video_path == str(key)]
    if str(key).isdigit():
        match.append(UserPrompt.id == int(key))
    found = session.execute(
        select(UserPrompt, User.username).join(User).where(or_(*match)).order_by(UserPrompt.id.desc()).limit(1)
    ).first()
    if found is None:
        raise UserPromptNotFound(str(key))
    row, username = found
    versions = session.execute(
        text(
            "SELECT p.name, v.version, r.label FROM run_prompt_versions r "
            "JOIN prompt_versions v ON v.id = r.version_id JOIN prompts p ON p.id = v.prompt_id "
            "WHERE r.user_prompt_id = :id ORDER BY p.name"
        ),
        {"id": row.id},
    ).all()
    return Lineage(
        user_prompt_id=row.id,
        text=row.text,
        username=username,
        status=cast(UserPromptStatus, row.status),
        created_at=row.created_at,
        flow_run_id=row.flow_run_id,
        video_path=row.video_path,
        publication_url=row.publication_url,
        prompt_versions={name: version for name, version, _ in versions},
        prompt_labels={name: label for name, _, label in versions if label is not None},
    )
