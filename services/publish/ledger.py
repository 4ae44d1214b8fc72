"""The publication ledger: which video (by content hash) is already published where.

The ledger is what makes publishing idempotent across Prefect task retries and flow reruns. Publishers with
side effects outside this machine (YouTube) go through `publish_once`; the Postgres implementation lives in
`prompt_store.publications` and is injected by the task layer. The ledger also keeps each unfinished resumable
upload session, saved before any byte is sent, so that a rerun asks that session instead of uploading again.
"""

from contextlib import AbstractContextManager
from typing import Protocol

from pydantic import BaseModel, Field

from services.models import Publication, RenderedVideo, Timeline
from services.publish.base import Publisher


class UploadSession(BaseModel):
    """A resumable upload in progress: its session URI and how many bytes the server has acknowledged."""

    uri: str
    total: int = Field(ge=0)
    acknowledged: int = Field(0, ge=0)


class UploadSessions(Protocol):
    def session(self, target: str, video_sha256: str) -> UploadSession | None:
        """The saved unfinished upload of this video, if any."""
        ...

    def save_session(self, target: str, video_sha256: str, session: UploadSession) -> None:
        """Save (or replace) the upload session; durable when this returns."""
        ...

    def drop_session(self, target: str, video_sha256: str) -> None:
        """Forget the upload session (it expired, or its video is recorded)."""
        ...


class MemorySessions:
    """Upload sessions kept for the life of one publisher (no ledger: direct use and tests)."""

    def __init__(self) -> None:
        self._sessions: dict[tuple[str, str], UploadSession] = {}

    def session(self, target: str, video_sha256: str) -> UploadSession | None:
        return self._sessions.get((target, video_sha256))

    def save_session(self, target: str, video_sha256: str, session: UploadSession) -> None:
        self._sessions[(target, video_sha256)] = session

    def drop_session(self, target: str, video_sha256: str) -> None:
        self._sessions.pop((target, video_sha256), None)


class PublicationLedger(UploadSessions, Protocol):
    def find(self, target: str, video_sha256: str) -> Publication | None:
        """The recorded publication of this video on this target, if any."""
        ...

    def record(self, publication: Publication) -> Publication:
        """Record a publication (and drop its upload session); if one is already recorded for its (target, hash),
        return that one instead."""
        ...

    def hold(self, target: str, video_sha256: str) -> AbstractContextManager[None]:
        """Exclusive claim on publishing this video to this target, across processes and machines."""
        ...


def publish_once(
    publisher: Publisher, video: RenderedVideo, timeline: Timeline, *, ledger: PublicationLedger
) -> Publication:
    """Publish unless the ledger already records this video on this target; record what was published.

    Two concurrent callers serialise on the ledger's claim, so the second one finds the first one's record.
    A crash between the upload and `record` is closed by the publisher itself, which asks its saved upload
    session (or, as a last resort, looks for the content-hash marker) instead of uploading again.
    """
    recorded = ledger.find(publisher.target, video.sha256)
    if recorded is not None:
        return recorded
    with ledger.hold(publisher.target, video.sha256):
        recorded = ledger.find(publisher.target, video.sha256)
        if recorded is not None:
            return recorded
        return ledger.record(publisher.publish(video, timeline))
