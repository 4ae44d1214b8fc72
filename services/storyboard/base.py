"""The storyboard planner capability: prompt in, scenes out."""

from typing import Protocol

from pydantic import BaseModel

from services.models import Storyboard, VideoRequest


class PlannerPrompt(BaseModel):
    """The system prompt (and its LLM parameters) that steers a planner, as read from the prompt store."""

    name: str = ""
    version: int | None = None
    text: str = ""
    parameters: dict = {}


class StoryboardPlanner(Protocol):
    name: str

    def plan(self, request: VideoRequest, *, system_prompt: PlannerPrompt | None = None) -> Storyboard:
        """Turn the request into a storyboard in the prompt's language."""
        ...
