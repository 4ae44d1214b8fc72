"""How YouTube API calls are retried: 5xx and network errors back off, refusals fail at once.

Messages name the call, the HTTP status and Google's reason, never a URL (a resumable session URL is a
capability) nor anything from the request (the bearer token travels in its headers).
"""

import json
import logging
import random
import time
from collections.abc import Callable
from typing import Any, TypeVar

import google.auth.exceptions
import httpx
from googleapiclient.errors import HttpError
from googleapiclient.http import HttpRequest

from services.exceptions import PublishError, PublishRefused
from services.youtube_settings import YouTubeSettings

log = logging.getLogger(__name__)
T = TypeVar("T")

# 403/429 reasons that mean "slow down", not "no": Google documents them as retryable with backoff.
_RETRYABLE_REASONS = frozenset({"backendError", "internalError", "rateLimitExceeded", "userRateLimitExceeded"})
_NETWORK_ERRORS = (httpx.TransportError, google.auth.exceptions.TransportError, TimeoutError, ConnectionError)


def error_reason(exc: HttpError) -> tuple[str, str]:
    """Google's machine-readable reason and human message from an error body."""
    try:
        error = json.loads(exc.content)["error"]
        details = error.get("errors") or [{}]
        return str(details[0].get("reason", "")), str(error.get("message", ""))[:300]
    except (ValueError, KeyError, TypeError, AttributeError):
        return "", ""


def is_retryable(exc: HttpError) -> bool:
    status = exc.resp.status
    return status >= 500 or status == 429 or error_reason(exc)[0] in _RETRYABLE_REASONS


def refusal(exc: HttpError, what: str) -> PublishRefused:
    """A clear, token-free error for a call YouTube refused."""
    status = exc.resp.status
    reason, message = error_reason(exc)
    if reason in {"quotaExceeded", "uploadLimitExceeded"}:
        return PublishRefused(
            f"YouTube quota exhausted while {what} ({reason}); it resets daily at midnight Pacific time. Not retrying."
        )
    if status == 401:
        return PublishRefused(
            f"YouTube rejected the OAuth credentials while {what} (HTTP 401); run `p2v youtube auth` again."
        )
    detail = f": {message}" if message else ""
    return PublishRefused(f"YouTube refused {what} (HTTP {status} {reason or exc.resp.reason}){detail}")


class ServerError(Exception):
    """A retryable answer (5xx, 429) to a raw upload request; carries no URL."""

    def __init__(self, status: int, reason: str = "") -> None:
        super().__init__(f"HTTP {status}" + (f" {reason}" if reason else ""))
        self.status = status


RECOVERABLE = (google.auth.exceptions.RefreshError, HttpError, ServerError, *_NETWORK_ERRORS)
"""What `Retrier.recover` sorts into refusals and transient failures."""


def describe(exc: BaseException) -> str:
    if isinstance(exc, HttpError):
        reason = error_reason(exc)[0]
        return f"HTTP {exc.resp.status}" + (f" {reason}" if reason else "")
    if isinstance(exc, ServerError | google.auth.exceptions.TransportError):
        return f"{type(exc).__name__}: {exc}"  # our own messages: no URL, no token
    return type(exc).__name__


class Retrier:
    """Runs one API step with bounded exponential backoff."""

    def __init__(self, settings: YouTubeSettings, *, sleep: Callable[[float], None] = time.sleep) -> None:
        self.settings = settings
        self._sleep = sleep
        self.retries = 0  # total over this publisher's life, for logs and tests

    def execute(self, request: HttpRequest, what: str) -> Any:
        return self.run(lambda: request.execute(num_retries=0), what)

    def run(self, step: Callable[[], T], what: str) -> T:
        failures = 0
        while True:
            try:
                return step()
            except RECOVERABLE as exc:
                failures = self.recover(exc, what, failures)

    def recover(self, exc: BaseException, what: str, failures: int) -> int:
        """Raise the refusal a failure means, or back off before the next try; returns the failure count."""
        if isinstance(exc, google.auth.exceptions.RefreshError) and not exc.retryable:
            raise refresh_refusal(exc, what) from None
        if isinstance(exc, HttpError) and not is_retryable(exc):
            raise refusal(exc, what) from None
        return self.back_off(exc, what, failures)

    def back_off(self, exc: BaseException, what: str, failures: int) -> int:
        """Sleep before retry number `failures + 1` (exponential, capped, with jitter), or give up."""
        if failures >= self.settings.max_retries:
            raise PublishError(
                f"YouTube {what} still failing after {failures} retries (last: {describe(exc)})"
            ) from None
        delay = min(self.settings.retry_base_s * 2**failures, self.settings.retry_max_s)
        delay *= 1 + random.uniform(0, self.settings.retry_jitter)  # noqa: S311 - spreads clients apart, no secret
        log.warning(
            "YouTube %s failed (%s); retry %d of %d in %.1f s",
            what,
            describe(exc),
            failures + 1,
            self.settings.max_retries,
            delay,
        )
        self.retries += 1
        self._sleep(delay)
        return failures + 1


def refresh_refusal(exc: google.auth.exceptions.RefreshError, what: str) -> PublishRefused:
    """invalid_grant: the refresh token was revoked or expired; invalid_scope: a permission was not granted."""
    reason = _refresh_reason(exc)
    if reason == "invalid_scope":
        return PublishRefused(
            f"the YouTube token lacks a permission p2v needs ({reason}) while {what}; run `p2v youtube auth` "
            "again and allow every permission on the consent screen."
        )
    return PublishRefused(f"YouTube token refresh was refused while {what} ({reason}); run `p2v youtube auth` again.")


def _refresh_reason(exc: google.auth.exceptions.RefreshError) -> str:
    """Only the OAuth error code (e.g. invalid_grant): the rest of a token response is nobody's business."""
    for arg in exc.args[1:]:
        if isinstance(arg, dict) and isinstance(arg.get("error"), str):
            return arg["error"]
    return "no reason given"
