"""Read-only views of prompts, versions and the audit log. Every function takes `*, session`."""

import difflib
from typing import cast

from sqlalchemy import select
from sqlalchemy.orm import Session

from prompt_store.exceptions import PromptNotFound, VersionNotFound
from prompt_store.models import Prompt, PromptAudit, PromptVersion
from prompt_store.schemas import ActivePrompt, AuditEvent, PromptDiff, PromptInfo, PromptType, VersionInfo


def get_prompt(name: str, *, session: Session, lock: bool = False) -> Prompt:
    """The prompt row; `lock=True` takes the row lock that serialises version allocation."""
    query = select(Prompt).where(Prompt.name == name)
    prompt = session.scalars(query.with_for_update() if lock else query).one_or_none()
    if prompt is None:
        raise PromptNotFound(name)
    return prompt


def active_prompt(name: str, *, session: Session) -> ActivePrompt:
    """The production version, read from its immutable version row (never from the `prompts` copy)."""
    from prompt_store.labels import resolve

    return resolve(name, "production", session=session)


def show(name: str, *, session: Session, version: int | None = None) -> VersionInfo:
    prompt = get_prompt(name, session=session)
    row = get_version(session, prompt, prompt.active_version if version is None else version)
    return version_info(name, row, active=row.version == prompt.active_version)


def history(name: str, *, session: Session) -> list[VersionInfo]:
    """All versions, newest first."""
    prompt = get_prompt(name, session=session)
    rows = session.scalars(
        select(PromptVersion).where(PromptVersion.prompt_id == prompt.id).order_by(PromptVersion.version.desc())
    )
    return [version_info(name, row, active=row.version == prompt.active_version) for row in rows]


def audit_log(name: str, *, session: Session) -> list[AuditEvent]:
    """Every move of the active version, oldest first."""
    prompt = get_prompt(name, session=session)
    rows = session.scalars(select(PromptAudit).where(PromptAudit.prompt_id == prompt.id).order_by(PromptAudit.id))
    return [event_info(name, row) for row in rows]


def diff(name: str, from_version: int, to_version: int, *, session: Session) -> PromptDiff:
    """Unified text diff plus changed parameter keys between two versions."""
    prompt = get_prompt(name, session=session)
    old, new = get_version(session, prompt, from_version), get_version(session, prompt, to_version)
    text_diff = "".join(
        difflib.unified_diff(
            _lines(old.text),
            _lines(new.text),
            fromfile=f"{name}@{from_version}",
            tofile=f"{name}@{to_version}",
        )
    )
    keys = sorted(set(old.parameters) | set(new.parameters))
    changes = {
        k: (old.parameters.get(k), new.parameters.get(k))
        for k in keys
        if old.parameters.get(k) != new.parameters.get(k)
    }
    return PromptDiff(
        name=name,
        from_version=from_version,
        to_version=to_version,
        text_diff=text_diff,
        parameter_changes=changes,
    )


def list_prompts(*, session: Session, prompt_type: str | None = None, tag: str | None = None) -> list[PromptInfo]:
    query = select(Prompt).order_by(Prompt.name)
    if prompt_type is not None:
        query = query.where(Prompt.type == prompt_type)
    if tag is not None:
        query = query.where(Prompt.tags.contains([tag]))
    return [_prompt_info(row) for row in session.scalars(query)]


def get_version(session: Session, prompt: Prompt, version: int) -> PromptVersion:
    row = session.scalars(
        select(PromptVersion).where(PromptVersion.prompt_id == prompt.id, PromptVersion.version == version)
    ).one_or_none()
    if row is None:
        raise VersionNotFound(prompt.name, version)
    return row


def _lines(text: str) -> list[str]:
    return [line if line.endswith("\n") else line + "\n" for line in text.splitlines()]


def version_info(name: str, row: PromptVersion, *, active: bool) -> VersionInfo:
    return VersionInfo(
        name=name,
        version=row.version,
        text=row.text,
        parameters=row.parameters,
        author=row.author,
        message=row.message,
        created_at=row.created_at,
        is_active=active,
        metadata=row.metadata_,
    )


def event_info(name: str, row: PromptAudit) -> AuditEvent:
    return AuditEvent(
        name=name,
        action=row.action,
        label=row.label,
        from_version=row.from_version,
        to_version=row.to_version,
        actor=row.actor,
        reason=row.reason,
        created_at=row.created_at,
    )


def _prompt_info(row: Prompt) -> PromptInfo:
    return PromptInfo(
        name=row.name,
        type=cast(PromptType, row.type),
        tags=row.tags,
        active_version=row.active_version,
        latest_version=row.latest_version,
        text=row.text,
        parameters=row.parameters,
        updated_at=row.updated_at,
    )
