"""Batches of prompts: where they come from (a queue) and what became of each (an outcome)."""

from typing import Any, Literal, Protocol

from pydantic import BaseModel, Field

from services.models import Aspect, LanguageTag, PromptText, SceneCount, TargetDuration
from services.publish.local import slugify

OutcomeStatus = Literal["completed", "failed"]
QUEUED_OPTIONS = ("aspect", "scenes", "duration_s", "language")
"""The choices a queued prompt keeps (in its metadata) for the batch that makes it."""
RUN_NAME_CHARS = 48


class QueuedPrompt(BaseModel):
    """One prompt waiting for its video; `user_prompt_id` is set when it came from the prompt store."""

    prompt: str
    user_prompt_id: str | None = None
    options: dict[str, Any] = Field(default_factory=dict, description="Its own aspect, scenes, ...: they win.")

    @classmethod
    def from_store(cls, row_id: int, text: str, language: str | None, metadata: dict[str, Any]) -> "QueuedPrompt":
        """A queued user prompt with the options it was queued with (`p2v queue add --aspect 9:16 ...`)."""
        options = {k: metadata[k] for k in QUEUED_OPTIONS if metadata.get(k) is not None}
        if language:
            options["language"] = language
        return cls(prompt=text, user_prompt_id=str(row_id), options=options)

    @property
    def run_name(self) -> str:
        """The name of its video run, and of the batch's step that waits for it."""
        return f"video-{slugify(self.prompt, max_len=RUN_NAME_CHARS)}"


class QueueRequest(BaseModel):
    """A prompt to queue for the next batch run, with the choices it keeps (checked before anything is stored)."""

    prompt: PromptText
    aspect: Aspect | None = Field(None, description="Frame; default: the batch's (the nightly makes 9:16).")
    scenes: SceneCount = None
    duration_s: TargetDuration = None
    language: LanguageTag = None

    def options(self) -> dict[str, Any]:
        """What goes into the queued prompt's metadata (the language has its own column)."""
        return self.model_dump(include={"aspect", "scenes", "duration_s"}, exclude_none=True)


class PromptOutcome(BaseModel):
    """What happened to one prompt of a batch."""

    prompt: str
    status: OutcomeStatus
    flow_run_id: str | None = None
    url: str | None = None
    error: str | None = None


class PromptQueue(Protocol):
    """Where a batch takes its prompts from, and where it reports back what became of each."""

    def take(self, limit: int) -> list[QueuedPrompt]:
        """Up to `limit` prompts waiting for a video, oldest first."""
        ...

    def finish(self, item: QueuedPrompt, outcome: PromptOutcome) -> None:
        """Record the outcome, so the prompt is not taken again (or is retried, as the queue decides)."""
        ...


class ListQueue:
    """A queue over a fixed list of prompts (the batch flow's `prompts` parameter); nothing to record."""

    def __init__(self, prompts: list[str]) -> None:
        self.items = [QueuedPrompt(prompt=p) for p in prompts]

    def take(self, limit: int) -> list[QueuedPrompt]:
        taken, self.items = self.items[:limit], self.items[limit:]
        return taken

    def finish(self, item: QueuedPrompt, outcome: PromptOutcome) -> None:
        return None
