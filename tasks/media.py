import time

from prefect import task
from prefect.logging import get_run_logger

from services.media import MediaProvider, build_providers, search_scene
from services.models import Aspect, MediaAsset, Scene
from services.settings import get_settings
from tasks.cache_keys import planning_cache
from tasks.limits import provider_throttle, retry_unless_handled
from tasks.resume import step_timeout


@task(
    name="search_media",
    task_run_name="search-media-{scene.index}",
    retries=2,
    retry_delay_seconds=[5, 15],
    retry_jitter_factor=0.5,
    retry_condition_fn=retry_unless_handled,
    tags=["stock-media"],
    timeout_seconds=step_timeout(),
    **planning_cache(),
)
def search_media(scene: Scene, aspect: Aspect, providers: list[MediaProvider] | None = None) -> list[MediaAsset]:
    """Find ranked candidate footage for one scene across the configured providers, in their order."""
    providers = providers or build_providers(get_settings(), throttle=provider_throttle)
    started = time.monotonic()
    found = search_scene(scene, aspect=aspect, providers=providers)
    get_run_logger().info("%s", describe_search(scene.index, found, time.monotonic() - started))
    return found


def describe_search(index: int, found: list[MediaAsset], seconds: float) -> str:
    """'scene 2: pexels video 1920x1080 score 0.71 (3 candidates, 0.4 s)'."""
    if not found:
        return f"scene {index}: no candidate ({seconds:.1f} s); a generated visual will stand in"
    best = found[0]
    return (
        f"scene {index}: {best.provider} {best.kind} {best.width}x{best.height} score {best.score:.2f} "
        f"({len(found)} candidates, {seconds:.1f} s)"
    )
