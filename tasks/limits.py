"""Prefect tags, rate limits and retry rules for steps that call external providers (docs/providers.md).

Tags put a task run under `prefect concurrency-limit create <tag> N`; `provider_throttle` takes one slot of the
global rate limit `<provider>-requests` (`prefect gcl create ... --slot-decay-per-second`) before every HTTP
request, retries included. Both are no-ops until the limits are created.
"""

import threading
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from typing import Any, TypeVar

from prefect import Task
from prefect.client.orchestration import get_client
from prefect.concurrency.sync import rate_limit
from prefect.exceptions import ObjectNotFound

from services.exceptions import P2VError
from services.media import provider_names
from services.narration import for_voice, voice_name
from services.settings import get_settings
from services.storyboard import planner_name
from tasks.resume import retry_unless

OFFLINE = {"offline", "local", "silent", "espeak"}
LIMIT_LOOKUP_TTL_S = 60.0
_known: dict[str, tuple[bool, float]] = {}
_known_lock = threading.Lock()


def rate_limit_name(provider: str) -> str:
    return f"{provider}-requests"


@contextmanager
def provider_throttle(provider: str) -> Iterator[None]:
    """Wait for a slot of `<provider>-requests` (if that limit exists) before one request."""
    name = rate_limit_name(provider)
    if _limit_exists(name):
        rate_limit(name, occupy=1, strict=False)
    yield


def _limit_exists(name: str) -> bool:
    """Looked up at most once a minute, so runs without limits make no extra API calls or warnings."""
    with _known_lock:
        exists, checked = _known.get(name, (False, -LIMIT_LOOKUP_TTL_S))
        if time.monotonic() - checked < LIMIT_LOOKUP_TTL_S:
            return exists
        try:
            with get_client(sync_client=True) as client:
                client.read_global_concurrency_limit_by_name(name)
            exists = True
        except ObjectNotFound:
            exists = False
        _known[name] = (exists, time.monotonic())
        return exists


T = TypeVar("T", bound=Task[Any, Any])


def with_tags(task: T, extra: Iterable[str], **options: Any) -> T:
    """`task` with `extra` tags added to its own (`with_options(tags=...)` alone replaces them: a `stock-media`
    limit would then gate nothing)."""
    return task.with_options(tags=set(task.tags) | set(extra), **options)


def media_tags() -> set[str]:
    return {name for name in provider_names(get_settings()) if name not in OFFLINE}


def planner_tags() -> set[str]:
    return {planner_name(get_settings())} - OFFLINE


def voice_tags(language: str, voice: str | None = None) -> set[str]:
    return {voice_name(for_voice(get_settings(), voice), language)} - OFFLINE


retry_unless_handled = retry_unless(P2VError)
"""For steps that call providers: our typed errors were already retried inside the service (with Retry-After and
backoff) or cannot succeed on a retry (a refused key), so Prefect retries only the unexpected."""
