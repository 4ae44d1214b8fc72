"""Media providers, chosen and ordered from settings."""

from services.media.base import MediaProvider
from services.media.generated import GeneratedVisuals
from services.media.local import LocalFolderProvider
from services.models import Aspect, MediaAsset, Scene
from services.settings import Settings

__all__ = ["GeneratedVisuals", "MediaProvider", "build_providers", "search_scene"]


def build_providers(settings: Settings) -> list[MediaProvider]:
    """Every provider that is configured, in search order."""
    return [LocalFolderProvider(settings.media_dir)]


def search_scene(scene: Scene, *, aspect: Aspect, providers: list[MediaProvider], limit: int = 10) -> list[MediaAsset]:
    """Candidates from every provider, best score first."""
    found = [asset for provider in providers for asset in provider.search(scene, aspect=aspect, limit=limit)]
    return sorted(found, key=lambda a: -a.score)
