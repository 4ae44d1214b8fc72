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

if TYPE_CHECKING:
    from tests.fakes.youtube import FakeYouTube

CLIENT_ID = "fake-client.apps.googleusercontent.com"
CLIENT_SECRET = "GOCSPX-fake-client-secret-5ee1"
REFRESH_TOKEN = "1//fake-refresh-token-7a9c"
AUTH_CODE = "4/fake-authorization-code"
UPLOADS_PLAYLIST = "UUfakechannel"
_SCOPES = ("https://www.googleapis.com/auth/youtube.upload", "https://www.googleapis.com/auth/youtube.readonly")


class _Cut(Exception):
    """Raised after the handler dropped the connection on purpose."""


@dataclass
class UploadSession:
    metadata: dict
    total: int
    data: bytearray = field(default_factory=bytearray)
    video_id: str | None = None


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
        with self.server.lock:
            self.server.refreshes += refresh_ok
            token = self.server.issue_token()
        reply = {"access_token": token, "expires_in": 3599, "token_type": "Bearer", "scope": " ".join(_SCOPES)}
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
            item = {"id": "UCfake", "contentDetails": {"relatedPlaylists": {"uploads": UPLOADS_PLAYLIST}}}
            return self._json(200, {"items": [item]})
        if path == "/youtube/v3/playlistItems" and query.get("playlistId") == UPLOADS_PLAYLIST:
            return self._json(200, self._playlist_page(int(query.get("pageToken", 0)), int(query["maxResults"])))
        self._json(404, _error(404, "notFound", f"no route {path}"))

    def _playlist_page(self, start: int, size: int) -> dict:
        with self.server.lock:
            newest_first = list(reversed(self.server.videos.values()))
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
            with self.server.lock:
                known = query.get("videoId") in self.server.videos and not self.server.thumbnails_forbidden
                if known:
                    self.server.thumbnails[query["videoId"]] = self._body()
            if self.server.thumbnails_forbidden:
                self._drain()
                message = "The authenticated user doesn't have permissions to upload and set custom video thumbnails."
                return self._json(403, _error(403, "forbidden", message))
            if not known:
                self._drain()
                return self._json(404, _error(404, "videoNotFound", "The video cannot be found."))
            return self._json(200, {"kind": "youtube#thumbnailSetResponse", "items": [{"default": {"url": "x"}}]})
        if path == "/upload/youtube/v3/videos" and query.get("uploadType") == "resumable":
            if self._api_fault():
                return
            metadata = json.loads(self._body() or b"{}")
            upload_id = uuid.uuid4().hex
            with self.server.lock:
                self.server.received_metadata.append(metadata)
                total = int(self.headers["X-Upload-Content-Length"])
                self.server.sessions[upload_id] = UploadSession(metadata=metadata, total=total)
            location = f"{self.server.base_url}upload/youtube/v3/videos?uploadType=resumable&upload_id={upload_id}"
            return self._json(200, {}, {"Location": location})
        self._drain()
        self._json(404, _error(404, "notFound", f"no route {path}"))

    def _put(self, path: str, query: dict[str, str]) -> None:
        session = self.server.sessions.get(query.get("upload_id", ""))
        if session is None:
            self._drain()
            return self._json(404, _error(404, "notFound", "no such upload session"))
        spec = self.headers.get("Content-Range", "").removeprefix("bytes ")
        if spec.startswith("*/"):
            self._drain()
            return self._progress(session)
        first, last = (int(n) for n in spec.split("/")[0].split("-"))
        with self.server.lock:
            self.server.chunk_puts.append((first, last, len(session.data)))
            status = self.server.fail_chunks.pop(0) if self.server.fail_chunks else None
            cut = self.server.cut_at if self.server.cut_at is not None and first < self.server.cut_at <= last else None
            if cut is not None:
                self.server.cut_at = None
        if status is not None:
            self._drain()
            return self._json(status, _error(status, "backendError", "Backend Error"))
        if cut is not None:
            self._keep(session, first, self.rfile.read(cut - first))
            self._reset_connection()
        self._keep(session, first, self._body())
        self._progress(session)

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

    def _progress(self, session: UploadSession) -> None:
        with self.server.lock:
            if len(session.data) == session.total and session.video_id is None:
                session.video_id = f"fakevid{len(self.server.videos):04d}"
                resource = {"kind": "youtube#video", "id": session.video_id, **session.metadata}
                self.server.videos[session.video_id] = resource
                self.server.uploaded_bytes[session.video_id] = bytes(session.data)
                self.server.completed_uploads += 1
            held = len(session.data)
        if session.video_id is not None:
            return self._json(200, self.server.videos[session.video_id])
        headers = {"Range": f"bytes=0-{held - 1}"} if held else {}
        self._json(308, {}, headers)
