"""Batches of prompts: where they come from (a queue) and what became of each (an outcome)."""

from typing import Literal, Protocol

from pydantic import BaseModel

OutcomeStatus = Literal["completed", "failed"]


class QueuedPrompt(BaseModel):
    """One prompt waiting for its video; `user_prompt_id` is set when it came from the prompt store."""

    prompt: str
    user_prompt_id: str | None = None


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
