"""Storyboard planners, chosen from settings through a registry: OpenAI when its key is set, else offline."""

from collections.abc import Callable

from services.settings import Settings
from services.storyboard.base import PlannerPrompt, StoryboardPlanner
from services.storyboard.offline import OfflinePlanner
from services.storyboard.openai_planner import OpenAIPlanner

__all__ = ["PLANNERS", "OfflinePlanner", "PlannerPrompt", "StoryboardPlanner", "build_planner", "planner_name"]


def _openai(settings: Settings) -> StoryboardPlanner:
    assert settings.openai_api_key is not None
    return OpenAIPlanner(
        settings.openai_api_key,
        model=settings.openai_model,
        base_url=settings.openai_base_url,
        transition_s=settings.transition_s,
        timeout_s=max(settings.http_timeout_s, 60.0),
        max_retries=settings.http_attempts - 1,
    )


PLANNERS: dict[str, Callable[[Settings], StoryboardPlanner]] = {
    "openai": _openai,
    "offline": lambda settings: OfflinePlanner(transition_s=settings.transition_s),
}


def planner_name(settings: Settings) -> str:
    return "openai" if settings.openai_api_key is not None else "offline"


def build_planner(settings: Settings) -> StoryboardPlanner:
    """The OpenAI planner when OPENAI_API_KEY is set, else the offline one."""
    return PLANNERS[planner_name(settings)](settings)
