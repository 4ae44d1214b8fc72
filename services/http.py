"""One small HTTP client for provider APIs and downloads.

Retries 429, 5xx, timeouts and dropped connections with exponential backoff and jitter, honours Retry-After, and
fails at once on 401/403 or on any other 4xx. Retrying lives here (not in Prefect task retries) because only this
layer sees the status code and the Retry-After header; see docs/providers.md. Keys never reach an error message
or a log line: errors carry the provider name and status only, and httpx's own request log is redacted.
"""

import contextlib
import functools
import importlib.metadata
import logging
import random
import re
import ssl
import time
from collections.abc import Callable, Iterator
from email.utils import parsedate_to_datetime
from typing import TYPE_CHECKING, Any

import httpx

from services.exceptions import (
    ProviderAuthError,
    ProviderError,
    ProviderForbidden,
    ProviderRequestRefused,
    ProviderResponseError,
)
from services.ratelimit import Started, Throttle, no_throttle

if TYPE_CHECKING:  # services.media imports this module
    from services.media.response_cache import ResponseCache

_SECRET_QUERY = re.compile(r"(?i)([?&](?:key|dp_apikey|api_key|apikey|access_token|token)=)[^&\s\"']+")
_BODY_EXCERPT_CHARS = 160


def _version() -> str:
    try:
        return importlib.metadata.version("prompt-to-video")
    except importlib.metadata.PackageNotFoundError:
        return "0"


USER_AGENT = f"prompt-to-video/{_version()} (self-hosted video pipeline; httpx/{httpx.__version__})"
"""Sent on every provider request and download: some CDNs and edges block the default python-httpx agent."""


def redact_url(text: str) -> str:
    """`text` with the values of key-like query parameters replaced by ***."""
    return _SECRET_QUERY.sub(r"\1***", text)


class _RedactQueryKeys(logging.Filter):
    """httpx logs every request URL at INFO; Pixabay and Depositphotos take their key in the query string."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        redacted = redact_url(message)
        if redacted != message:
            record.msg, record.args = redacted, None
        return True


logging.getLogger("httpx").addFilter(_RedactQueryKeys())


class ProviderHttp:
    """GETs against one provider with retries; every error names `provider`, never the key or the URL."""

    def __init__(
        self,
        provider: str,
        *,
        key_name: str = "",
        headers: dict[str, str] | None = None,
        timeout_s: float = 20.0,
        attempts: int = 4,
        backoff_s: float = 1.0,
        max_wait_s: float = 60.0,
        throttle: Throttle = no_throttle,
        secrets: tuple[str, ...] = (),
        cache: "ResponseCache | None" = None,
        transport: httpx.BaseTransport | None = None,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.provider = provider
        self.key_name = key_name
        self.attempts = attempts
        self.backoff_s = backoff_s
        self.max_wait_s = max_wait_s
        self.throttle = throttle
        self._secrets = tuple(s for s in secrets if s)
        self._sleep = sleep
        self._timeout_s = timeout_s
        self.cache = cache
        self._client = httpx.Client(
            headers={"User-Agent": USER_AGENT, **(headers or {})},
            timeout=timeout_s,
            follow_redirects=True,
            transport=transport,
            verify=_ssl_context(),
        )

    def get_json(
        self, url: str, *, params: dict[str, Any] | None = None, cache_if: Callable[[Any], bool] | None = None
    ) -> Any:
        """The decoded JSON body of a successful GET; from the response cache when it holds this query.

        `cache_if` decides whether a successful answer may be stored (a provider reporting errors in a 200 body).
        """
        key = self.cache.key(self.provider, url, params) if self.cache else ""
        if self.cache and (cached := self.cache.get(self.provider, key)) is not None:
            return cached
        response = self.send(url, params=params)
        try:
            answer = response.json()
        except ValueError:
            raise ProviderResponseError(
                self.provider, "the answer is not valid JSON", status=response.status_code
            ) from None
        if self.cache and (cache_if is None or cache_if(answer)):
            self.cache.put(self.provider, key, answer, secrets=self._secrets)
        return answer

    def send(
        self, url: str, *, params: dict[str, Any] | None = None, headers: dict[str, str] | None = None
    ) -> httpx.Response:
        """A successful (< 400) response, fully read."""
        with self.stream(url, params=params, headers=headers) as response:
            response.read()
            return response

    @contextlib.contextmanager
    def stream(
        self, url: str, *, params: dict[str, Any] | None = None, headers: dict[str, str] | None = None
    ) -> Iterator[httpx.Response]:
        """A successful response whose body is not read yet; retried until the status line is good."""
        last: ProviderError | None = None
        for attempt in range(1, self.attempts + 1):
            wait = self._backoff(attempt)
            try:
                with self.throttle(self.provider) as started:
                    request = self._client.build_request("GET", url, params=params, headers=headers)
                    if started is not None:
                        request.extensions["trace"] = _on_headers_sent(started)
                    response = self._client.send(request, stream=True)
            except httpx.TimeoutException:
                last = ProviderError(self.provider, f"no answer within {self._timeout_s:g} s")
            except httpx.TransportError as exc:
                last = ProviderError(self.provider, f"connection failed ({type(exc).__name__})")
            else:
                if response.status_code < 400:
                    try:
                        yield response
                    finally:
                        response.close()
                    return
                last = self._error(response)
                retry_after = _retry_after(response)
                wait = retry_after if retry_after is not None else wait
                response.close()
                if not last.retryable:
                    raise last
            if attempt < self.attempts:
                if wait > self.max_wait_s:
                    raise ProviderError(self.provider, f"asked to wait {wait:g} s; giving up", status=last.status)
                self._sleep(wait)
        assert last is not None
        raise type(last)(self.provider, f"{last.reason} (gave up after {self.attempts} tries)", status=last.status)

    def close(self) -> None:
        self._client.close()

    def _error(self, response: httpx.Response) -> ProviderError:
        status = response.status_code
        if status == 401:
            check = f"; check {self.key_name}" if self.key_name else " (a download link that needs credentials)"
            return ProviderAuthError(self.provider, f"the API key was refused{check}", status=status)
        if status == 403:
            return ProviderForbidden(self.provider, _FORBIDDEN, status=status)
        if status == 429:
            return ProviderError(self.provider, "rate limited", status=status)
        if status >= 500:
            return ProviderError(self.provider, "server error", status=status)
        excerpt = self._excerpt(response)
        if "key" in excerpt.lower():  # Pixabay answers a bad key with 400 "[ERROR 400] Invalid or missing API key"
            return ProviderAuthError(
                self.provider, f"the API key was refused ({excerpt}); check {self.key_name}", status=status
            )
        return ProviderRequestRefused(self.provider, f"request refused: {excerpt}", status=status)

    def _excerpt(self, response: httpx.Response) -> str:
        try:
            text = response.read().decode("utf-8", errors="replace")
        except httpx.HTTPError:
            return ""
        for secret in self._secrets:
            text = text.replace(secret, "***")
        return redact_url(" ".join(text.split()))[:_BODY_EXCERPT_CHARS]

    def _backoff(self, attempt: int) -> float:
        """Exponential backoff with full-range jitter, so concurrent scenes don't retry in lockstep."""
        return self.backoff_s * (2 ** (attempt - 1)) * random.uniform(0.5, 1.5)


_FORBIDDEN = (
    "forbidden: the request was blocked (a firewall or edge in front of the API, or an account without access to "
    "this resource); this is not a refused key"
)


def _on_headers_sent(started: Started) -> Callable[[str, dict[str, Any]], None]:
    """An httpcore trace hook: the request starts, for the rate limit, when its headers go out."""

    def trace(event: str, _info: dict[str, Any]) -> None:
        if event.endswith("send_request_headers.started"):
            started()

    return trace


@functools.cache
def _ssl_context() -> ssl.SSLContext:
    """Loading the CA bundle takes ~0.15 s of CPU; every client in the process shares one context."""
    return httpx.create_ssl_context()


def _retry_after(response: httpx.Response) -> float | None:
    """Seconds from a Retry-After header (delta-seconds or an HTTP date), if the provider sent one."""
    value = response.headers.get("Retry-After")
    if not value:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        return max(0.0, parsedate_to_datetime(value).timestamp() - time.time())
    except (TypeError, ValueError):
        return None
