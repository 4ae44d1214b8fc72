"""SQLAlchemy 2 ORM models of the prompt store; the Alembic migrations are the source of truth for DDL."""

from datetime import datetime
from typing import Any

from pgvector.sqlalchemy import VECTOR
from sqlalchemy import (
    CHAR,
    BigInteger,
    CheckConstraint,
    Computed,
    DateTime,
    ForeignKey,
    ForeignKeyConstraint,
    Integer,
    String,
    Text,
    UniqueConstraint,
    func,
)
from sqlalchemy.dialects.postgresql import JSONB, TSVECTOR
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from services.models import Publication

PROMPT_TYPES = ("system", "template", "tool", "user")
USER_PROMPT_STATUSES = ("recorded", "queued", "running", "done", "failed")


class Base(DeclarativeBase):
    type_annotation_map = {dict[str, Any]: JSONB, list[str]: JSONB, datetime: DateTime(timezone=True)}


class User(Base):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    username: Mapped[str] = mapped_column(String(100), unique=True)
    created_at: Mapped[datetime] = mapped_column(server_default=func.now())
    token_sha256: Mapped[str | None] = mapped_column(CHAR(64), unique=True, doc="SHA-256 hex of the API token.")
    token_created_at: Mapped[datetime | None] = mapped_column()
    revoked_at: Mapped[datetime | None] = mapped_column()


class Prompt(Base):
    """A named prompt; `text`/`parameters` mirror the production version (a deferred trigger checks the copy)."""

    __tablename__ = "prompts"
    __table_args__ = (CheckConstraint(f"type IN {PROMPT_TYPES}", name="ck_prompts_type"),)

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    type: Mapped[str] = mapped_column(String(16))
    name: Mapped[str] = mapped_column(String(100), unique=True)
    text: Mapped[str] = mapped_column(Text)
    parameters: Mapped[dict[str, Any]] = mapped_column(server_default="{}")
    tags: Mapped[list[str]] = mapped_column(server_default="[]")
    active_version: Mapped[int] = mapped_column(Integer)
    latest_version: Mapped[int] = mapped_column(Integer, doc="Counter bumped under a row lock.")
    created_at: Mapped[datetime] = mapped_column(server_default=func.now())
    updated_at: Mapped[datetime] = mapped_column(server_default=func.now())


class PromptVersion(Base):
    """An immutable snapshot; triggers reject UPDATE, DELETE and TRUNCATE."""

    __tablename__ = "prompt_versions"
    __table_args__ = (UniqueConstraint("prompt_id", "version", name="uq_prompt_versions_prompt_version"),)

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    prompt_id: Mapped[int] = mapped_column(ForeignKey("prompts.id"))
    version: Mapped[int] = mapped_column(Integer)
    text: Mapped[str] = mapped_column(Text)
    parameters: Mapped[dict[str, Any]] = mapped_column(server_default="{}")
    metadata_: Mapped[dict[str, Any]] = mapped_column(
        "metadata", server_default="{}", doc="Template variables and tags of this version."
    )
    author: Mapped[str] = mapped_column(String(100))
    message: Mapped[str] = mapped_column(Text, server_default="")
    created_at: Mapped[datetime] = mapped_column(server_default=func.now())
    tsv: Mapped[Any] = mapped_column(TSVECTOR, Computed("to_tsvector('english', text)", persisted=True), deferred=True)


class PromptLabel(Base):
    """A named pointer (production, staging, ...) at one version; moved only by `move_prompt_label` (0008)."""

    __tablename__ = "prompt_labels"
    __table_args__ = (
        ForeignKeyConstraint(
            ["prompt_id", "version"],
            ["prompt_versions.prompt_id", "prompt_versions.version"],
            name="fk_prompt_labels_version",
            deferrable=True,
            initially="DEFERRED",
        ),
        CheckConstraint("label ~ '^[a-z0-9][a-z0-9._-]{0,63}$'"),
    )

    prompt_id: Mapped[int] = mapped_column(ForeignKey("prompts.id"), primary_key=True)
    label: Mapped[str] = mapped_column(String(64), primary_key=True)
    version: Mapped[int] = mapped_column(Integer)
    updated_by: Mapped[str] = mapped_column(String(100))
    updated_at: Mapped[datetime] = mapped_column(server_default=func.now())


class PromptAudit(Base):
    """Append-only log of every label move (earlier rows, and `production`, move the active version)."""

    __tablename__ = "prompt_audit"

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    prompt_id: Mapped[int] = mapped_column(ForeignKey("prompts.id"))
    action: Mapped[str] = mapped_column(String(16))
    label: Mapped[str] = mapped_column(String(64), server_default="production")
    from_version: Mapped[int | None] = mapped_column(Integer)
    to_version: Mapped[int] = mapped_column(Integer)
    actor: Mapped[str] = mapped_column(String(100))
    reason: Mapped[str] = mapped_column(Text, server_default="")
    created_at: Mapped[datetime] = mapped_column(server_default=func.now())


class PromptEmbedding(Base):
    """(version, model) -> vector; the column is untyped so models of any width live side by side."""

    __tablename__ = "prompt_embeddings"

    # deferred: a commit writes its embedding before the version row (see versions.commit_version)
    version_id: Mapped[int] = mapped_column(
        ForeignKey("prompt_versions.id", deferrable=True, initially="DEFERRED"), primary_key=True
    )
    model: Mapped[str] = mapped_column(String(100), primary_key=True)
    embedding: Mapped[list[float]] = mapped_column(VECTOR())


class UserPrompt(Base):
    """A user's raw request and what it led to (lineage)."""

    __tablename__ = "user_prompts"
    __table_args__ = (CheckConstraint(f"status IN {USER_PROMPT_STATUSES}", name="ck_user_prompts_status"),)

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    text: Mapped[str] = mapped_column(Text)
    language: Mapped[str | None] = mapped_column(String(35))
    metadata_: Mapped[dict[str, Any]] = mapped_column("metadata", server_default="{}")
    status: Mapped[str] = mapped_column(String(16), server_default="recorded")
    flow_run_id: Mapped[str | None] = mapped_column(String(64))
    video_path: Mapped[str | None] = mapped_column(Text)
    publication_url: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(server_default=func.now())
    updated_at: Mapped[datetime] = mapped_column(server_default=func.now())


class UserPromptEmbedding(Base):
    __tablename__ = "user_prompt_embeddings"

    user_prompt_id: Mapped[int] = mapped_column(ForeignKey("user_prompts.id"), primary_key=True)
    model: Mapped[str] = mapped_column(String(100), primary_key=True)
    embedding: Mapped[list[float]] = mapped_column(VECTOR())


class RunPromptVersion(Base):
    """Which prompt versions a user prompt's run used, and through which label."""

    __tablename__ = "run_prompt_versions"

    user_prompt_id: Mapped[int] = mapped_column(ForeignKey("user_prompts.id"), primary_key=True)
    version_id: Mapped[int] = mapped_column(ForeignKey("prompt_versions.id"), primary_key=True)
    label: Mapped[str | None] = mapped_column(String(64))


class PublicationRow(Base):
    """A successful publication; the migration 0004 is the source of truth for the DDL."""

    __tablename__ = "publications"
    __table_args__ = (UniqueConstraint("target", "video_sha256", name="uq_publications_target_video"),)

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    target: Mapped[str] = mapped_column(String(32))
    video_sha256: Mapped[str] = mapped_column(CHAR(64))
    external_id: Mapped[str] = mapped_column(String(200))
    url: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())

    def to_publication(self) -> Publication:
        return Publication(
            target=self.target, external_id=self.external_id, url=self.url, video_sha256=self.video_sha256
        )


class UploadSessionRow(Base):
    """An unfinished resumable upload (prompt_store.publications); the migration 0007 is the DDL's source of truth."""

    __tablename__ = "upload_sessions"

    target: Mapped[str] = mapped_column(String(32), primary_key=True)
    video_sha256: Mapped[str] = mapped_column(CHAR(64), primary_key=True)
    session_uri: Mapped[str] = mapped_column(Text)
    total_bytes: Mapped[int] = mapped_column(BigInteger)
    acknowledged_bytes: Mapped[int] = mapped_column(BigInteger, server_default="0")
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
