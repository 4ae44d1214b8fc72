"""The publishing capability: a rendered video and its timeline in, a publication record out."""

from typing import Protocol

from services.models import Publication, RenderedVideo, Timeline


class Publisher(Protocol):
    target: str

    def publish(self, video: RenderedVideo, timeline: Timeline) -> Publication:
        """Make the video available; publishing the same video again returns the same publication."""
        ...
