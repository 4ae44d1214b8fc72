"""Publishers, chosen by the run's `publish_target`."""

from collections.abc import Callable
from pathlib import Path
from typing import Any

from services.models import Publication, RenderedVideo, Timeline
from services.publish.base import Publisher
from services.publish.ledger import PublicationLedger, UploadSessions, publish_once
from services.publish.local import LocalPublisher
from services.settings import Settings

__all__ = ["PublicationLedger", "Publisher", "build_publisher", "publish", "publish_once"]


def _youtube(
    settings: Settings, output_dir: Path | None, token_info: dict[str, Any] | None, sessions: UploadSessions | None
) -> Publisher:
    from services.publish.youtube import YouTubePublisher  # the `youtube` extra; imported only when used

    return YouTubePublisher.from_settings(settings, token_info=token_info, sessions=sessions)


PUBLISHERS: dict[str, Callable[[Settings, Path | None, dict[str, Any] | None, UploadSessions | None], Publisher]] = {
    "local": lambda settings, output_dir, token_info, sessions: LocalPublisher(output_dir or settings.output_dir),
    "youtube": _youtube,
}
# Targets whose publications are recorded in the ledger. The local publisher is idempotent by construction
# (a content-addressed folder in an output folder that each run may choose), so it needs no database.
RECORDED_TARGETS = frozenset({"youtube"})


def build_publisher(
    target: str,
    settings: Settings,
    *,
    output_dir: Path | None = None,
    token_info: dict[str, Any] | None = None,
    sessions: UploadSessions | None = None,
) -> Publisher:
    return PUBLISHERS[target](settings, output_dir, token_info, sessions)


def publish(
    video: RenderedVideo,
    timeline: Timeline,
    *,
    target: str,
    settings: Settings,
    ledger: Callable[[], PublicationLedger],
    output_dir: Path | None = None,
    token_info: dict[str, Any] | None = None,
) -> Publication:
    """Publish to `target`; recorded targets publish at most once per video (see `publish_once`)."""
    if target not in RECORDED_TARGETS:
        return build_publisher(target, settings, output_dir=output_dir).publish(video, timeline)
    the_ledger = ledger()
    recorded = the_ledger.find(target, video.sha256)
    if recorded is not None:  # no credentials needed to return what is already published
        return recorded
    publisher = build_publisher(target, settings, output_dir=output_dir, token_info=token_info, sessions=the_ledger)
    return publish_once(publisher, video, timeline, ledger=the_ledger)
