from prefect import task

from services.models import Storyboard, VideoRequest
from services.settings import get_settings
from services.storyboard import PlannerPrompt, StoryboardPlanner, build_planner
from tasks.cache_keys import planning_cache
from tasks.limits import retry_unless_handled


@task(
    name="generate_storyboard",
    retries=2,
    retry_delay_seconds=[2, 10],
    retry_condition_fn=retry_unless_handled,
    **planning_cache(request_parameter="request"),
)
def generate_storyboard(
    request: VideoRequest, system_prompt: PlannerPrompt | None = None, planner: StoryboardPlanner | None = None
) -> Storyboard:
    """Turn the prompt into scenes with narration, visual queries and durations."""
    return (planner or build_planner(get_settings())).plan(request, system_prompt=system_prompt)
