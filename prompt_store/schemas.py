"""Pydantic values the prompt store hands out (never ORM rows or sessions)."""

from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from prompt_store.templates import TemplateVariable

PromptType = Literal["system", "template", "tool", "user"]
SearchMode = Literal["semantic", "fulltext", "hybrid"]
SEARCH_MODES: tuple[str, ...] = ("semantic", "fulltext", "hybrid")
UserPromptStatus = Literal["recorded", "queued", "running", "done", "failed"]


class ActivePrompt(BaseModel):
    """What a flow needs to use a prompt: the text and parameters of the version a label points at."""

    model_config = ConfigDict(frozen=True)

    name: str
    version: int
    text: str
    parameters: dict[str, Any]
    label: str = "production"
    variables: dict[str, TemplateVariable] = {}


class LabelInfo(BaseModel):
    name: str
    label: str
    version: int
    updated_by: str
    updated_at: datetime


class LabelMove(BaseModel):
    """One audited label move."""

    name: str
    label: str
    from_version: int | None
    to_version: int
    actor: str
    created_at: datetime


class PromptInfo(BaseModel):
    name: str
    type: PromptType
    tags: list[str]
    active_version: int
    latest_version: int
    text: str
    parameters: dict[str, Any]
    updated_at: datetime


class VersionInfo(BaseModel):
    name: str
    version: int
    text: str
    parameters: dict[str, Any]
    author: str
    message: str
    created_at: datetime
    is_active: bool = False
    metadata: dict[str, Any] = {}


class AuditEvent(BaseModel):
    name: str
    action: str
    label: str = "production"
    from_version: int | None
    to_version: int
    actor: str
    reason: str
    created_at: datetime


class PromptDiff(BaseModel):
    name: str
    from_version: int
    to_version: int
    text_diff: str = Field(description="Unified diff of the two texts; empty when equal.")
    parameter_changes: dict[str, tuple[Any, Any]] = Field(description="key -> (old, new); a missing side is None.")


class SearchHit(BaseModel):
    name: str
    type: PromptType
    version: int
    is_active: bool
    active_version: int = Field(description="The prompt's active version, whichever version matched.")
    text: str
    score: float = Field(description="Higher is better: cosine similarity, ts_rank_cd, name similarity or RRF.")
    matched_versions: list[int] = Field(
        default_factory=list, description="Grouped results: every matching version of the prompt, best first."
    )
    labels: list[str] = Field(default_factory=list, description="Labels pointing at this version.")


class UserPromptHit(BaseModel):
    id: int
    text: str
    username: str
    created_at: datetime
    score: float


class QueuedUserPrompt(BaseModel):
    id: int
    text: str
    language: str | None
    metadata: dict[str, Any]
    username: str


class UserPromptRow(QueuedUserPrompt):
    """A user prompt as the queue lists it."""

    status: UserPromptStatus
    created_at: datetime


class Lineage(BaseModel):
    user_prompt_id: int
    text: str
    username: str
    status: UserPromptStatus
    created_at: datetime
    flow_run_id: str | None
    video_path: str | None
    publication_url: str | None
    prompt_versions: dict[str, int]
    prompt_labels: dict[str, str] = {}
