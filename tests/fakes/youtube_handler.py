"""Request handling of the fake YouTube server (tests/fakes/youtube.py holds its state and faults)."""

import base64
import json
import socket
import struct
import uuid
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler
from typing import TYPE_CHECKING
from urllib.parse import parse_qs, unquote, urlsplit

from tests.fakes.youtube_docs import (
    CHUNK_QUANTUM,
    THUMBNAIL_MAX_BYTES,
    THUMBNAIL_TYPES,
    refresh_scope_error,
    video_resource_error,
)

if TYPE_CHECKING:
    from tests.fakes.youtube import FakeYouTube

CLIENT_ID = "fake-client.apps.googleusercontent.com"
CLIENT_SECRET = "GOCSPX-fake-client-secret-5ee1"
REFRESH_TOKEN = "1//fake-refresh-token-7a9c"
AUTH_CODE = "4/fake-authorization-code"
UPLOADS_PLAYLIST = "UUfakechannel"


class _Cut(Exception):
    """Raised after the handler dropped the connection on purpose."""


@dataclass
class UploadSession:
    metadata: dict
    total: int
    data: bytearray = field(default_factory=bytearray)
    video_id: str | None = None
    expired: bool = False


def _error(code: int, reason: str, message: str) -> dict:
    return {"error": {"code": code, "message": message, "errors": [{"reason": reason, "message": message}]}}


class YouTubeHandler(BaseHTTPRequestHandler):
    server: "FakeYouTube"
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True  # headers and body go out in separate writes: avoid the 40 ms delayed-ACK stall

    def log_message(self, format: str, *args: object) -> None:
        pass

    def do_GET(self) -> None:  # noqa: N802 (http.server API)
        self._api(self._get)

    def do_POST(self) -> None:  # noqa: N802
        if self.path == "/token":
            return self._token()
        self._api(self._post)

    def do_PUT(self) -> None:  # noqa: N802
        self._api(self._put)

    # --- plumbing -----------------------------------------------------------------------------------------
    def _api(self, route) -> None:
        url = urlsplit(self.path)
        query = {k: v[0] for k, v in parse_qs(url.query).items()}
        with self.server.lock:
            self.server.requests.append((self.command, url.path))
            self._maybe_expire()
        if self.headers.get("Authorization", "").removeprefix("Bearer ") not in self.server.access_tokens:
            self._drain()
            return self._json(401, _error(401, "authError", "Request had invalid authentication credentials."))
        if self.server.quota_exceeded:
            self._drain()
            return self._json(403, _error(403, "quotaExceeded", "The request cannot be completed: quota exceeded."))
        try:
            route(url.path, query)
        except _Cut:
            self.close_connection = True

    def _maybe_expire(self) -> None:
        first = self.headers.get("Content-Range", "").removeprefix("bytes ").split("-")[0]
        if self.server.expire_at is not None and first.isdigit() and int(first) >= self.server.expire_at:
            self.server.expire_at = None
            self.server.access_tokens.clear()

    def _body(self) -> bytes:
        return self.rfile.read(int(self.headers.get("Content-Length") or 0))

    def _drain(self) -> None:
        self._body()

    def _json(self, status: int, payload: dict, headers: dict[str, str] | None = None) -> None:
        encoded = json.dumps(payload).encode()
        self.send_response(status)
        for key, value in (headers or {}).items():
            self.send_header(key, value)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(encoded)))
        self.end_headers()
        self.wfile.write(encoded)

    def _token(self) -> None:
        form = {k: v[0] for k, v in parse_qs(self._body().decode()).items()}
        with self.server.lock:
            self.server.token_requests += 1
            failure = self.server.fail_token.pop(0) if self.server.fail_token else None
        if failure is not None:  # Google's token endpoint under load: 5xx or 429, retry with backoff
            return self._json(failure, {"error": "internal_failure" if failure >= 500 else "rate_limit_exceeded"})
        basic = self.headers.get("Authorization", "")
        if basic.startswith("Basic "):  # client credentials may come as HTTP Basic auth instead
            client_id, _, client_secret = base64.b64decode(basic[6:]).decode().partition(":")
            form.update(client_id=unquote(client_id), client_secret=unquote(client_secret))
        client_ok = form.get("client_id") == CLIENT_ID and form.get("client_secret") == CLIENT_SECRET
        grant = form.get("grant_type")
        refresh_ok = grant == "refresh_token" and form.get("refresh_token") == REFRESH_TOKEN
        code_ok = grant == "authorization_code" and form.get("code") == AUTH_CODE
        if not client_ok or self.server.refresh_revoked or not (refresh_ok or code_ok):
            refusal = {"error": "invalid_grant", "error_description": "Token has been expired or revoked."}
            return self._json(400, refusal)
        if refresh_ok and refresh_scope_error(form.get("scope"), self.server.granted_scopes):
            return self._json(400, {"error": "invalid_scope", "error_description": "Bad Request"})
        with self.server.lock:
            self.server.refreshes += refresh_ok
            token = self.server.issue_token()
        granted = " ".join(self.server.granted_scopes)
        reply = {"access_token": token, "expires_in": 3599, "token_type": "Bearer", "scope": granted}
        if code_ok:
            reply["refresh_token"] = REFRESH_TOKEN
        self._json(200, reply)

    def _api_fault(self) -> bool:
        with self.server.lock:
            status = self.server.fail_api.pop(0) if self.server.fail_api else None
        if status is not None:
            self._drain()
            self._json(status, _error(status, "backendError", "Backend Error"))
        return status is not None

    # --- routes -------------------------------------------------------------------------------------------
    def _get(self, path: str, query: dict[str, str]) -> None:
        if self._api_fault():
            return
        if path == "/youtube/v3/channels":
            self.server.spend("channels.list")
            item = {"id": "UCfake", "contentDetails": {"relatedPlaylists": {"uploads": UPLOADS_PLAYLIST}}}
            return self._json(200, {"items": [item]})
        if path == "/youtube/v3/playlistItems" and query.get("playlistId") == UPLOADS_PLAYLIST:
            self.server.spend("playlistItems.list")
            return self._json(200, self._playlist_page(int(query.get("pageToken", 0)), int(query["maxResults"])))
        self._json(404, _error(404, "notFound", f"no route {path}"))

    def _playlist_page(self, start: int, size: int) -> dict:
        with self.server.lock:
            listed = [] if self.server.uploads_list_lags else self.server.videos.values()
            newest_first = list(reversed(listed))
        items = [
            {
                "snippet": {
                    **{k: v["snippet"][k] for k in ("title", "description")},
                    "resourceId": {"kind": "youtube#video", "videoId": v["id"]},
                }
            }
            for v in newest_first[start : start + size]
        ]
        page = {"items": items}
        if start + size < len(newest_first):
            page["nextPageToken"] = str(start + size)
        return page

    def _post(self, path: str, query: dict[str, str]) -> None:
        if path == "/upload/youtube/v3/thumbnails/set":
            return self._thumbnail(query.get("videoId", ""))
        if path == "/upload/youtube/v3/videos" and query.get("uploadType") == "resumable":
            return self._initiate()
        self._drain()
        self._json(404, _error(404, "notFound", f"no route {path}"))

    def _thumbnail(self, video_id: str) -> None:
        body = self._body()
        self.server.spend("thumbnails.set")
        if self.server.thumbnails_forbidden:
            message = "The authenticated user doesn't have permissions to upload and set custom video thumbnails."
            return self._json(403, _error(403, "forbidden", message))
        if video_id not in self.server.videos:
            return self._json(404, _error(404, "videoNotFound", "The video cannot be found."))
        if len(body) > THUMBNAIL_MAX_BYTES:
            return self._json(413, _error(413, "mediaBodyTooLarge", "The thumbnail image file is too large."))
        if self.headers.get("Content-Type", "").split(";")[0] not in THUMBNAIL_TYPES:
            return self._json(400, _error(400, "invalidImage", "The provided image content is invalid."))
        with self.server.lock:
            self.server.thumbnails[video_id] = body
        self._json(200, {"kind": "youtube#thumbnailSetResponse", "items": [{"default": {"url": "x"}}]})

    def _initiate(self) -> None:
        if self._api_fault():
            return
        metadata = json.loads(self._body() or b"{}")
        self.server.spend("videos.insert")
        refused = video_resource_error(metadata)
        if refused is not None:
            return self._json(400, _error(400, *refused))
        upload_id = uuid.uuid4().hex
        with self.server.lock:
            self.server.received_metadata.append(metadata)
            total = int(self.headers["X-Upload-Content-Length"])
            self.server.sessions[upload_id] = UploadSession(metadata=metadata, total=total)
        location = f"{self.server.base_url}upload/youtube/v3/videos?uploadType=resumable&upload_id={upload_id}"
        self._json(200, {}, {"Location": location})

    def _put(self, path: str, query: dict[str, str]) -> None:
        session = self.server.sessions.get(query.get("upload_id", ""))
        if session is None or session.expired:
            self._drain()
            status = self.server.expired_status
            return self._json(status, _error(status, "notFound", "The upload session does not exist or expired."))
        spec = self.headers.get("Content-Range", "").removeprefix("bytes ")
        if spec.startswith("*/"):
            self._drain()
            return self._progress(session, query=True)
        first, last = (int(n) for n in spec.split("/")[0].split("-"))
        with self.server.lock:
            self.server.chunk_puts.append((first, last, len(session.data)))
            status = self.server.fail_chunks.pop(0) if self.server.fail_chunks else None
            cut = self.server.cut_at if self.server.cut_at is not None and first < self.server.cut_at <= last else None
            if cut is not None:
                self.server.cut_at = None
            short, self.server.short_ack = self.server.short_ack, None
        if status is not None:
            self._drain()
            return self._json(status, _error(status, "backendError", "Backend Error"))
        if cut is not None:
            self._keep(session, first, self.rfile.read(cut - first))
            self._reset_connection()
        body = self._body()
        if last + 1 < session.total and len(body) % CHUNK_QUANTUM:
            return self._json(400, _error(400, "badRequest", "Chunks must be multiples of 256 KiB."))
        mid = self.server.fail_mid_chunk
        if mid is not None and first < mid[1] <= last:
            self.server.fail_mid_chunk = None  # the server stored part of the chunk, then failed
            self._keep(session, first, body[: mid[1] - first])
            return self._json(mid[0], _error(mid[0], "backendError", "Backend Error"))
        self._keep(session, first, body[: len(body) - short] if short else body)
        self._progress(session, query=False)

    def _keep(self, session: UploadSession, first: int, data: bytes) -> None:
        with self.server.lock:
            held = len(session.data)
            self.server.resent_bytes += max(0, min(held, first + len(data)) - first)
            if first > held:
                raise AssertionError(f"gap: chunk starts at {first} but only {held} bytes are held")
            session.data[first:] = data

    def _reset_connection(self) -> None:
        self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        self.connection.close()
        raise _Cut

    def _progress(self, session: UploadSession, *, query: bool) -> None:
        """308 with Range while incomplete; 201 Created when this chunk completed the upload, 200 afterwards."""
        created = False
        with self.server.lock:
            if len(session.data) == session.total and session.video_id is None:
                session.video_id = f"fakevid{len(self.server.videos):04d}"
                resource = {"kind": "youtube#video", "id": session.video_id, **session.metadata}
                self.server.videos[session.video_id] = resource
                self.server.uploaded_bytes[session.video_id] = bytes(session.data)
                self.server.completed_uploads += 1
                created = True
            held = len(session.data)
            self.server.chunks_answered += not query
            if self.server.expire_after is not None and self.server.chunks_answered >= self.server.expire_after:
                self.server.expire_after = None
                for each in self.server.sessions.values():
                    each.expired = each.video_id is None
        if created and self.server.on_complete is not None:
            self.server.on_complete()
        if created and self.server.cut_after_complete:
            self.server.cut_after_complete = False
            self._reset_connection()  # the final response is lost; the video exists
        if session.video_id is not None:
            return self._json(201 if created else 200, self.server.videos[session.video_id])
        headers = {"Range": f"bytes=0-{held - 1}"} if held else {}
        self._json(308, {}, headers)
