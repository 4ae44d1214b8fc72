"""HTTP under googleapiclient: httpx with OAuth bearer tokens, a refresh on 401, and no hidden retries.

googleapiclient expects an `httplib2.Http`-shaped object. httplib2 silently re-sends a request on a dropped
connection (and with a streamed chunk body it re-sends nothing), which breaks resumable uploads; this
transport sends each request exactly once and leaves every retry decision to `youtube_calls`.
"""

import logging
import re
import threading
from collections.abc import Mapping
from typing import Any

import google.auth.exceptions
import google.auth.transport
import httplib2
import httpx
from google.oauth2.credentials import Credentials

_UPLOAD_ID = re.compile(r"(upload_id=)[^&\s\"']+")


class RedactUploadIds(logging.Filter):
    """httpx and httpcore log request URLs and response headers; a resumable session URL lets anyone holding
    it write into the upload, so its id is redacted (tokens travel in request headers, which they never log)."""

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.msg, str) and "upload_id=" in record.msg:
            record.msg = _UPLOAD_ID.sub(r"\1<redacted>", record.msg)
        if isinstance(record.args, tuple) and any("upload_id=" in str(arg) for arg in record.args):
            record.args = tuple(
                _UPLOAD_ID.sub(r"\1<redacted>", str(arg)) if "upload_id=" in str(arg) else arg for arg in record.args
            )
        return True


for _name in ("httpx", "httpcore.http11", "httpcore.http2", "httpcore.connection"):
    logging.getLogger(_name).addFilter(RedactUploadIds())


class _TokenResponse(google.auth.transport.Response):
    def __init__(self, response: httpx.Response) -> None:
        self._response = response

    @property
    def status(self) -> int:
        return self._response.status_code

    @property
    def headers(self) -> Mapping[str, str]:
        return self._response.headers

    @property
    def data(self) -> bytes:
        return self._response.content


class TokenRequest(google.auth.transport.Request):
    """What google-auth calls to refresh a token, over the same httpx client."""

    def __init__(self, client: httpx.Client) -> None:
        self._client = client

    def __call__(  # type: ignore[override]
        self,
        url: str,
        method: str = "GET",
        body: bytes | None = None,
        headers: Mapping[str, str] | None = None,
        timeout: float | None = None,
        **kwargs: Any,
    ) -> _TokenResponse:
        try:
            response = self._client.request(method, url, content=body, headers=headers)
        except httpx.HTTPError as exc:
            # Only the exception type: the request carried the refresh token and client secret.
            raise google.auth.exceptions.TransportError(f"token endpoint unreachable ({type(exc).__name__})") from None
        if response.status_code >= 500 or response.status_code == 429:
            # A busy or failing token endpoint is transient (Google's OAuth docs): raised as a transport error so
            # that our backoff retries it, rather than google-auth reporting it as a refused refresh.
            raise google.auth.exceptions.TransportError(f"token endpoint answered HTTP {response.status_code}")
        return _TokenResponse(response)


class AuthorizedTransport:
    """`request(uri, method, body, headers) -> (httplib2.Response, bytes)` with a bearer token."""

    def __init__(self, credentials: Credentials, *, timeout_s: float) -> None:
        self.credentials = credentials
        self._client = httpx.Client(timeout=timeout_s, follow_redirects=False)
        self._token_request = TokenRequest(self._client)
        self._lock = threading.Lock()

    def request(
        self,
        uri: str,
        method: str = "GET",
        body: bytes | str | Any = None,
        headers: Mapping[str, str] | None = None,
        redirections: int = 5,
        connection_type: object = None,
    ) -> tuple[httplib2.Response, bytes]:
        response = self.send(method, uri, _payload(body), headers or {})
        return _httplib2_response(response), response.content

    def send(self, method: str, uri: str, payload: bytes, headers: Mapping[str, str]) -> httpx.Response:
        """One request with a bearer token; on 401 the token is refreshed once and the request resent."""
        plain = {k: v for k, v in headers.items() if k.lower() != "content-length"}
        response = self._send(method, uri, payload, plain, refresh=False)
        if response.status_code == 401:  # the access token expired or was revoked: refresh once and resend
            response = self._send(method, uri, payload, plain, refresh=True)
        return response

    def close(self) -> None:
        self._client.close()

    def _send(self, method: str, uri: str, payload: bytes, headers: dict[str, str], *, refresh: bool) -> httpx.Response:
        headers = dict(headers)
        with self._lock:
            if refresh or not self.credentials.valid:
                self.credentials.refresh(self._token_request)
            self.credentials.apply(headers)
        return self._client.request(method, uri, content=payload, headers=headers)


def _payload(body: bytes | str | Any) -> bytes:
    """Chunks arrive as a file-like slice; read it once so a resend after a refresh sends the same bytes."""
    if body is None:
        return b""
    if isinstance(body, str):
        return body.encode("utf-8")
    if isinstance(body, bytes):
        return body
    return body.read()


def _httplib2_response(response: httpx.Response) -> httplib2.Response:
    info: dict[str, str | int] = {k.lower(): ", ".join(response.headers.get_list(k)) for k in response.headers}
    info["status"] = response.status_code
    result = httplib2.Response(info)
    result.reason = response.reason_phrase
    return result
