from prefect import task

from services.media import MediaProvider, build_providers, search_scene
from services.models import Aspect, MediaAsset, Scene
from services.settings import get_settings
from tasks.cache_keys import planning_cache
from tasks.limits import provider_throttle, retry_unless_handled


@task(
    name="search_media",
    task_run_name="search-media-{scene.index}",
    retries=2,
    retry_delay_seconds=[5, 15],
    retry_jitter_factor=0.5,
    retry_condition_fn=retry_unless_handled,
    tags=["stock-media"],
    **planning_cache(),
)
def search_media(scene: Scene, aspect: Aspect, providers: list[MediaProvider] | None = None) -> list[MediaAsset]:
    """Find ranked candidate footage for one scene across the configured providers, in their order."""
    providers = providers or build_providers(get_settings(), throttle=provider_throttle)
    return search_scene(scene, aspect=aspect, providers=providers)
