"""The YouTube publisher: YouTube Data API v3 (resumable `videos.insert`, `thumbnails.set`).

Recovery comes before uploading. `publish` first asks the upload session saved for this video (saved before
any byte was sent): a finished session returns the video, an unfinished one is resumed. Only when no session
is saved, or it is gone, does it scan the channel's recent uploads for our content-hash marker (that list may
lag behind a fresh upload, so it is the last resort), and only then start a new upload. Reaching this publisher
through `publish_once` (the ledger's claim) makes concurrent runs of one video upload it once.
"""

import json
import logging
import time
from collections.abc import Callable
from functools import cache
from importlib import resources
from typing import Any

from google.oauth2.credentials import Credentials
from googleapiclient.discovery import Resource, build_from_document
from googleapiclient.http import MediaFileUpload

from services.exceptions import PublishError
from services.models import Publication, RenderedVideo, Timeline
from services.publish.ledger import MemorySessions, UploadSessions
from services.publish.youtube_auth import load_credentials
from services.publish.youtube_calls import Retrier
from services.publish.youtube_http import AuthorizedTransport
from services.publish.youtube_metadata import marker, video_resource
from services.publish.youtube_thumbnail import fitting_thumbnail
from services.publish.youtube_upload import ResumableUpload
from services.settings import Settings
from services.youtube_settings import YouTubeSettings

log = logging.getLogger(__name__)
WATCH_URL = "https://www.youtube.com/watch?v="


@cache
def _discovery_document() -> dict[str, Any]:
    """The YouTube v3 discovery document that googleapiclient ships: no network needed to build the client."""
    path = resources.files("googleapiclient") / "discovery_cache" / "documents" / "youtube.v3.json"
    return json.loads(path.read_text(encoding="utf-8"))


def build_service(api_url: str, http: AuthorizedTransport) -> Resource:
    """A client whose every URL (API calls and media uploads alike) starts with `api_url`."""
    root = api_url if api_url.endswith("/") else api_url + "/"
    document = {**_discovery_document(), "rootUrl": root, "mtlsRootUrl": root, "baseUrl": root + "youtube/v3/"}
    return build_from_document(document, http=http)


class YouTubePublisher:
    """Uploads a rendered video to the authorized channel, at most once per content hash."""

    target = "youtube"

    def __init__(
        self,
        settings: YouTubeSettings,
        credentials: Credentials,
        *,
        sleep: Callable[[float], None] = time.sleep,
        sessions: UploadSessions | None = None,
    ) -> None:
        self.settings = settings
        self._transport = AuthorizedTransport(credentials, timeout_s=settings.timeout_s)
        self._youtube = build_service(settings.api_url, self._transport)
        self.retrier = Retrier(settings, sleep=sleep)
        self.sessions = sessions if sessions is not None else MemorySessions()

    @classmethod
    def from_settings(
        cls, settings: Settings, *, token_info: dict[str, Any] | None = None, sessions: UploadSessions | None = None
    ) -> "YouTubePublisher":
        return cls(settings.youtube, load_credentials(settings.youtube, token_info=token_info), sessions=sessions)

    def publish(self, video: RenderedVideo, timeline: Timeline) -> Publication:
        video_id = self._recover_or_upload(video, timeline)
        self._set_thumbnail(video_id, video)
        return Publication(
            target=self.target, external_id=video_id, url=WATCH_URL + video_id, video_sha256=video.sha256
        )

    def find_marked(self, mark: str) -> str | None:
        """The id of a recent upload of ours whose description ends with `mark`, if any.

        Reads the channel's uploads playlist (1 quota unit a page, and it lists private videos at once),
        rather than search.list (100 units, and its index lags behind fresh uploads).
        """
        channels = self.retrier.execute(
            self._youtube.channels().list(part="contentDetails", mine=True), "reading the channel"
        )
        if not channels.get("items"):
            return None
        uploads = channels["items"][0]["contentDetails"]["relatedPlaylists"]["uploads"]
        seen, page_token = 0, None
        while seen < self.settings.marker_scan:
            page = self.retrier.execute(
                self._youtube.playlistItems().list(
                    part="snippet",
                    playlistId=uploads,
                    maxResults=min(50, self.settings.marker_scan - seen),
                    pageToken=page_token,
                ),
                "listing recent uploads",
            )
            for item in page.get("items", []):
                snippet = item["snippet"]
                if snippet.get("description", "").rstrip().endswith(mark):
                    return snippet["resourceId"]["videoId"]
            seen += len(page.get("items", []))
            page_token = page.get("nextPageToken")
            if not page_token or not page.get("items"):
                return None
        return None

    def _recover_or_upload(self, video: RenderedVideo, timeline: Timeline) -> str:
        """The saved session first (done: adopt; unfinished: resume), then the marker scan, then a new upload."""
        mark = marker(video.sha256)
        upload = ResumableUpload(
            self._transport, self.retrier, self.settings, self.sessions, (self.target, video.sha256)
        )
        saved = self.sessions.session(self.target, video.sha256)
        where = upload.status(saved) if saved is not None else None
        if isinstance(where, dict):
            log.info("the saved upload session of this video (%s) had finished: YouTube video %s", mark, where["id"])
            return str(where["id"])
        if saved is not None and where is not None:
            log.info("resuming the saved upload of this video (%s) at byte %d of %d", mark, where, saved.total)
            resumed = saved.model_copy(update={"acknowledged": where})
            return str(upload.run(video.path, video_resource(video, timeline, self.settings), resumed)["id"])
        video_id = self.find_marked(mark)
        if video_id is not None:
            log.info("adopting YouTube video %s, an earlier upload of this video (%s)", video_id, mark)
            return video_id
        video_id = str(upload.run(video.path, video_resource(video, timeline, self.settings))["id"])
        log.info("uploaded YouTube video %s (%s)", video_id, mark)
        return video_id

    def _set_thumbnail(self, video_id: str, video: RenderedVideo) -> None:
        """Best effort: the video is already published, and an unverified channel may not set thumbnails.

        Failing here would leave the upload unrecorded and fail every rerun the same way.
        """
        with fitting_thumbnail(video.thumbnail_path) as fitting:
            if fitting is None:
                return
            media = MediaFileUpload(str(fitting[0]), mimetype=fitting[1], resumable=False)
            try:
                self.retrier.execute(
                    self._youtube.thumbnails().set(videoId=video_id, media_body=media), "setting the thumbnail"
                )
            except PublishError as exc:
                log.warning("video %s is published, but its thumbnail was not set: %s", video_id, exc)
            finally:
                media.stream().close()
