from prefect import task

from services.media import MediaProvider, build_providers, search_scene
from services.models import Aspect, MediaAsset, Scene
from services.settings import get_settings


@task(
    name="search_media",
    task_run_name="search-media-{scene.index}",
    retries=3,
    retry_delay_seconds=[2, 5, 15],
    retry_jitter_factor=0.5,
)
def search_media(scene: Scene, aspect: Aspect, providers: list[MediaProvider] | None = None) -> list[MediaAsset]:
    """Find candidate footage for one scene across the configured providers."""
    return search_scene(scene, aspect=aspect, providers=providers or build_providers(get_settings()))
