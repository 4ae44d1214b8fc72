"""A fake YouTube Data API v3 + OAuth token endpoint on loopback, with injectable faults.

It implements, as the public docs describe them (rules in tests/fakes/youtube_docs.py): the resumable upload
protocol (initiate with X-Upload-Content-Length, PUT chunks of 256 KiB multiples with Content-Range, `bytes */N`
status queries, 308 Resume Incomplete with Range, 201 Created with the video, then 200 on later queries, 404 on an
expired session), the snippet limits of videos.insert, thumbnails.set (2 MB, JPEG/PNG), channels.list +
playlistItems.list, refresh-token grants with the granted `scope`, and the quota cost of each call.
Faults: a connection cut mid-chunk or after the last chunk, 5xx answers (also after storing part of a chunk),
a short acknowledged Range, expired sessions, a lagging uploads list, quotaExceeded, expired access tokens,
a revoked refresh token, a token endpoint answering 5xx/429, a token without every scope.
"""

import json
import threading
import uuid
from collections.abc import Callable
from contextlib import AbstractContextManager
from http.server import ThreadingHTTPServer
from pathlib import Path

from services.youtube_settings import YouTubeSettings
from tests.fakes.serving import serving
from tests.fakes.youtube_docs import QUOTA_COSTS, READONLY_SCOPE, UPLOAD_SCOPE
from tests.fakes.youtube_handler import (
    AUTH_CODE,
    CLIENT_ID,
    CLIENT_SECRET,
    REFRESH_TOKEN,
    UPLOADS_PLAYLIST,
    UploadSession,
    YouTubeHandler,
)

__all__ = ["AUTH_CODE", "CLIENT_ID", "CLIENT_SECRET", "REFRESH_TOKEN", "UPLOADS_PLAYLIST", "FakeYouTube",
           "UploadSession", "serve_fake_youtube"]  # fmt: skip


class FakeYouTube(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), YouTubeHandler)
        self.lock = threading.Lock()
        self.access_tokens: set[str] = set()
        self.issued_tokens: list[str] = []
        self.sessions: dict[str, UploadSession] = {}
        self.videos: dict[str, dict] = {}  # id -> resource, insertion order = upload order
        self.uploaded_bytes: dict[str, bytes] = {}
        self.thumbnails: dict[str, bytes] = {}
        self.received_metadata: list[dict] = []
        self.requests: list[tuple[str, str]] = []  # (method, path) of every API call
        self.chunk_puts: list[tuple[int, int, int]] = []  # (first byte, last byte, bytes held before the PUT)
        self.completed_uploads = 0
        self.refreshes = 0
        self.token_requests = 0
        self.resent_bytes = 0
        self.chunks_answered = 0
        self.quota_used = 0
        self.quota_calls: list[str] = []
        # Faults
        self.cut_at: int | None = None  # drop the connection when a chunk reaches this byte (bytes before it kept)
        self.fail_chunks: list[int] = []  # statuses for the next chunk PUTs
        self.fail_api: list[int] = []  # statuses for the next JSON API calls
        self.quota_exceeded = False
        self.expire_at: int | None = None  # expire all access tokens when a chunk starting at/after this byte arrives
        self.refresh_revoked = False
        self.thumbnails_forbidden = False  # as for a channel that is not verified
        self.fail_token: list[int] = []  # statuses for the next token endpoint calls (5xx, 429)
        self.granted_scopes: tuple[str, ...] = (UPLOAD_SCOPE, READONLY_SCOPE)  # what the user ticked
        self.fail_mid_chunk: tuple[int, int] | None = None  # (status, byte): keep the chunk up to byte, then fail
        self.short_ack: int | None = None  # the next chunk PUT keeps this many bytes fewer than it was sent
        self.expire_after: int | None = None  # expire unfinished sessions after this many chunk answers
        self.expired_status = 404  # what a PUT on an expired session gets (the docs: 404; 410 also seen)
        self.cut_after_complete = False  # store the last chunk, create the video, drop the connection
        self.on_complete: Callable[[], None] | None = None  # runs when a video is created, before the answer
        self.uploads_list_lags = False  # playlistItems.list does not show new uploads yet

    def spend(self, call: str) -> None:
        with self.lock:
            self.quota_used += QUOTA_COSTS[call]
            self.quota_calls.append(call)

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}/"

    @property
    def token_uri(self) -> str:
        return self.base_url + "token"

    def issue_token(self) -> str:
        token = f"ya29.fake-access-{uuid.uuid4().hex}"
        self.access_tokens.add(token)
        self.issued_tokens.append(token)
        return token

    def expire_tokens(self) -> None:
        self.access_tokens.clear()

    def token_info(self, *, access_token: str | None = None) -> dict:
        """What `p2v youtube auth` stores, for a token this fake accepts."""
        return {
            "token": access_token,
            "refresh_token": REFRESH_TOKEN,
            "token_uri": self.token_uri,
            "client_id": CLIENT_ID,
            "client_secret": CLIENT_SECRET,
            "scopes": ["https://www.googleapis.com/auth/youtube.upload"],
        }

    def write_token_file(self, path: Path) -> Path:
        path.write_text(json.dumps(self.token_info(access_token=self.issue_token())), encoding="utf-8")
        return path

    def settings(self, token_file: Path, **overrides: object) -> YouTubeSettings:
        """YouTube settings aimed at this fake, with a token it accepts, 256 KiB chunks and quick backoff."""
        self.write_token_file(token_file)
        values = {"api_url": self.base_url, "token_uri": self.token_uri, "token_file": token_file,
                  "chunk_size": 256 * 1024, "retry_base_s": 0.01, "retry_jitter": 0, "max_retries": 3,
                  **overrides}  # fmt: skip
        return YouTubeSettings(_env_file=None, **values)

    def secrets(self) -> list[str]:
        return [CLIENT_SECRET, REFRESH_TOKEN, *self.issued_tokens]

    def handle_error(self, request: object, client_address: object) -> None:
        pass  # a cut connection is the point of the fault


def serve_fake_youtube() -> AbstractContextManager[FakeYouTube]:
    return serving(FakeYouTube())
