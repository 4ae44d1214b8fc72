"""The publication ledger: which video (by content hash) is already published where.

The ledger is what makes publishing idempotent across Prefect task retries and flow reruns. Publishers with
side effects outside this machine (YouTube) go through `publish_once`; the Postgres implementation lives in
`prompt_store.publications` and is injected by the task layer.
"""

from contextlib import AbstractContextManager
from typing import Protocol

from services.models import Publication, RenderedVideo, Timeline
from services.publish.base import Publisher


class PublicationLedger(Protocol):
    def find(self, target: str, video_sha256: str) -> Publication | None:
        """The recorded publication of this video on this target, if any."""
        ...

    def record(self, publication: Publication) -> Publication:
        """Record a publication; if one is already recorded for its (target, hash), return that one instead."""
        ...

    def hold(self, target: str, video_sha256: str) -> AbstractContextManager[None]:
        """Exclusive claim on publishing this video to this target, across processes and machines."""
        ...


def publish_once(
    publisher: Publisher, video: RenderedVideo, timeline: Timeline, *, ledger: PublicationLedger
) -> Publication:
    """Publish unless the ledger already records this video on this target; record what was published.

    Two concurrent callers serialise on the ledger's claim, so the second one finds the first one's record.
    A crash between the upload and `record` is closed by the publisher itself, which adopts its own earlier
    upload (found by the content-hash marker) instead of uploading again.
    """
    recorded = ledger.find(publisher.target, video.sha256)
    if recorded is not None:
        return recorded
    with ledger.hold(publisher.target, video.sha256):
        recorded = ledger.find(publisher.target, video.sha256)
        if recorded is not None:
            return recorded
        return ledger.record(publisher.publish(video, timeline))
