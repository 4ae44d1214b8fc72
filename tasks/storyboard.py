import time

from prefect import task
from prefect.logging import get_run_logger

from services.models import Storyboard, VideoRequest
from services.settings import get_settings
from services.storyboard import PlannerPrompt, StoryboardPlanner, build_planner, planner_name
from tasks.cache_keys import planning_cache
from tasks.limits import retry_unless_handled
from tasks.resume import step_timeout


@task(
    name="generate_storyboard",
    retries=2,
    retry_delay_seconds=[2, 10],
    retry_condition_fn=retry_unless_handled,
    timeout_seconds=step_timeout(),
    **planning_cache(request_parameter="request"),
)
def generate_storyboard(
    request: VideoRequest, system_prompt: PlannerPrompt | None = None, planner: StoryboardPlanner | None = None
) -> Storyboard:
    """Turn the prompt into scenes with narration, visual queries and durations."""
    started = time.monotonic()
    storyboard = (planner or build_planner(get_settings())).plan(request, system_prompt=system_prompt)
    version = f" v{system_prompt.version}" if system_prompt and system_prompt.version else ""
    get_run_logger().info(
        "planner %s%s: %d scenes, %.0f s, %s, %s, mood %s (%.1f s)",
        "custom" if planner else planner_name(get_settings()),
        version,
        len(storyboard.scenes),
        sum(s.duration_s for s in storyboard.scenes),
        storyboard.language,
        storyboard.aspect,
        storyboard.mood,
        time.monotonic() - started,
    )
    return storyboard
