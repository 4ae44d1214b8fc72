"""The resumable upload protocol of the YouTube Data API ("Resumable uploads" guide), over our transport.

1. POST the video resource with X-Upload-Content-Length/-Type; the 200 answer's Location is the session URI.
   The session is saved (ledger) BEFORE any byte is sent, so a rerun asks it instead of uploading again.
2. PUT chunks (multiples of 256 KiB) with Content-Range. 308 Resume Incomplete carries Range "bytes=0-N"
   (N: last byte the server holds; no Range: nothing yet), and the next chunk starts at N+1; 200/201 carry the
   finished video resource.
3. After a 5xx, 429 or a dropped connection: back off, then ask (PUT, empty body, "Content-Range: bytes */TOTAL")
   and continue from what the server holds. 404, 410 or another 4xx on the session URI: the session expired,
   so a new one is started (at most `max_sessions` per video).
"""

import json
import logging
from pathlib import Path
from typing import Any

import httpx

from services.exceptions import PublishError, PublishRefused
from services.publish.ledger import UploadSession, UploadSessions
from services.publish.youtube_calls import RECOVERABLE, Retrier, ServerError
from services.publish.youtube_http import AuthorizedTransport
from services.youtube_settings import YouTubeSettings

log = logging.getLogger(__name__)
UPLOAD_PATH = "upload/youtube/v3/videos?uploadType=resumable&part=snippet,status"
_QUOTA_REASONS = frozenset({"quotaExceeded", "uploadLimitExceeded", "dailyLimitExceeded"})
_SLOW_DOWN_REASONS = frozenset({"rateLimitExceeded", "userRateLimitExceeded", "backendError", "internalError"})
Progress = dict[str, Any] | int  # the finished video resource, or how many bytes the server holds


class SessionGone(Exception):
    """The upload session no longer exists on the server (it expired or was cancelled)."""

    def __init__(self, status: int) -> None:
        super().__init__(f"upload session gone (HTTP {status})")
        self.status = status


def _reason(response: httpx.Response) -> str:
    try:
        return str(response.json()["error"]["errors"][0]["reason"])
    except (ValueError, KeyError, IndexError, TypeError):
        return ""


def _refused(response: httpx.Response, what: str) -> PublishRefused:
    reason = _reason(response)
    if reason in _QUOTA_REASONS:
        return PublishRefused(
            f"YouTube quota exhausted while {what} ({reason}); it resets daily at midnight Pacific time. Not retrying."
        )
    if response.status_code == 401:
        return PublishRefused(
            f"YouTube rejected the OAuth credentials while {what} (HTTP 401); run `p2v youtube auth` again."
        )
    return PublishRefused(f"YouTube refused {what} (HTTP {response.status_code} {reason or response.reason_phrase})")


def _transient(response: httpx.Response) -> bool:
    status = response.status_code
    return status >= 500 or status == 429 or (status == 403 and _reason(response) in _SLOW_DOWN_REASONS)


def progress(response: httpx.Response, what: str) -> Progress:
    """What an answer on the session URI says: done (the video), bytes held, or raise why not."""
    status = response.status_code
    if status in (200, 201):
        return response.json()
    if status == 308:
        held = response.headers.get("Range", "")
        return int(held.rpartition("-")[2]) + 1 if held.startswith("bytes=") else 0
    if _transient(response):
        raise ServerError(status, _reason(response))
    if status == 401 or _reason(response) in _QUOTA_REASONS or status == 403:
        raise _refused(response, what)
    raise SessionGone(status)


class ResumableUpload:
    """Uploads one file through resumable sessions saved in `sessions` under (target, video hash)."""

    def __init__(
        self,
        transport: AuthorizedTransport,
        retrier: Retrier,
        settings: YouTubeSettings,
        sessions: UploadSessions,
        key: tuple[str, str],
    ) -> None:
        self.transport, self.retrier, self.settings = transport, retrier, settings
        self.sessions, self.key = sessions, key
        self.sessions_started = 0

    def status(self, session: UploadSession) -> Progress | None:
        """Ask a saved session how far it got; None (and the session forgotten) when it is gone."""
        try:
            return self.retrier.run(lambda: self._query(session), "asking the saved upload session")
        except SessionGone as exc:
            log.warning("the saved YouTube upload session is gone (HTTP %d)", exc.status)
            self.sessions.drop_session(*self.key)
            return None

    def run(self, path: Path, resource: dict[str, Any], session: UploadSession | None = None) -> dict[str, Any]:
        """Upload `path` (continuing `session` if given) and return the created video resource."""
        while True:
            if session is None:
                session = self._start(path, resource)
            try:
                return self._send(path, session)
            except SessionGone as exc:
                self.sessions.drop_session(*self.key)
                if self.sessions_started >= self.settings.max_sessions:
                    raise PublishError(
                        f"YouTube expired {self.sessions_started} upload sessions of this video "
                        f"(last: HTTP {exc.status}); not starting another"
                    ) from None
                log.warning("the YouTube upload session expired (HTTP %d); starting a new one", exc.status)
                session = None

    def _start(self, path: Path, resource: dict[str, Any]) -> UploadSession:
        total = path.stat().st_size
        body = json.dumps(resource).encode("utf-8")
        headers = {
            "Content-Type": "application/json; charset=UTF-8",
            "X-Upload-Content-Length": str(total),
            "X-Upload-Content-Type": "video/mp4",
        }
        url = self.settings.api_url.rstrip("/") + "/" + UPLOAD_PATH
        what = "starting the upload"
        response = self.retrier.run(lambda: self._answer(self.transport.send("POST", url, body, headers), what), what)
        location = response.headers.get("Location")
        if not location:
            raise PublishError("YouTube started an upload session without a Location header")
        session = UploadSession(uri=location, total=total)
        self.sessions.save_session(*self.key, session)  # before the first byte: a rerun asks this session
        self.sessions_started += 1
        return session

    def _answer(self, response: httpx.Response, what: str) -> httpx.Response:
        if response.status_code == 200:
            return response
        if _transient(response):
            raise ServerError(response.status_code, _reason(response))
        raise _refused(response, what)

    def _send(self, path: Path, session: UploadSession) -> dict[str, Any]:
        """Chunks from what the server holds; failures count until a chunk makes progress."""
        offset, failures, stalled = session.acknowledged, 0, 0
        with path.open("rb") as handle:
            while True:
                handle.seek(offset)
                chunk = handle.read(self.settings.chunk_size)
                outcome, failures = self._chunk(session, offset, chunk, failures)
                if isinstance(outcome, dict):
                    return outcome
                if outcome > offset:
                    failures, stalled = 0, 0
                else:
                    stalled += 1
                if stalled > self.settings.max_retries:
                    raise PublishError(f"YouTube stopped acknowledging upload bytes at {outcome} of {session.total}")
                offset = outcome
                session = session.model_copy(update={"acknowledged": offset})
                self.sessions.save_session(*self.key, session)

    def _chunk(self, session: UploadSession, offset: int, chunk: bytes, failures: int) -> tuple[Progress, int]:
        """PUT one chunk; after a transient failure, back off and ask the session where it stands instead."""
        headers = {"Content-Range": f"bytes {offset}-{offset + len(chunk) - 1}/{session.total}"}
        ask = not chunk
        while True:
            try:
                if ask:
                    return self._query(session), failures
                answer = self.transport.send("PUT", session.uri, chunk, headers)
                return progress(answer, "uploading the video"), failures
            except RECOVERABLE as exc:
                failures = self.retrier.recover(exc, "uploading the video", failures)
                ask = True

    def _query(self, session: UploadSession) -> Progress:
        headers = {"Content-Range": f"bytes */{session.total}"}
        return progress(self.transport.send("PUT", session.uri, b"", headers), "asking the upload session")
