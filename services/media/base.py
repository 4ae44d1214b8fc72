"""The media search capability: a scene in, ranked candidate assets out."""

from typing import Protocol

from services.models import Aspect, MediaAsset, Scene


class MediaProvider(Protocol):
    name: str

    def search(self, scene: Scene, *, aspect: Aspect, limit: int = 10) -> list[MediaAsset]:
        """Candidates for the scene, best first; an empty list when nothing fits."""
        ...
