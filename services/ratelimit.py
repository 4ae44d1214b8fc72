"""Request-rate limits of one process: at most N requests start in any window of W seconds, per provider.

Measured where it counts, at the provider: a request starts when its headers go out (ProviderHttp reports that
moment through an httpx trace hook), not when the limiter lets its thread go, so a thread that wakes late or spends
a while connecting cannot bunch up with the requests after it. What is left between our clock and the provider's
counter (the trip over the network, the provider's own timestamp) is covered by `DELIVERY_MARGIN_S`.
"""

import contextlib
import math
import threading
import time
from collections import deque
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, nullcontext

Started = Callable[[], None]
"""Called when the request actually goes out; calling it again does nothing."""
Throttle = Callable[[str], AbstractContextManager[Started | None]]
"""Held around every request to a provider; tasks pass one that takes Prefect concurrency / rate-limit slots."""

DELIVERY_MARGIN_S = 0.1
"""Added to every window, for the time between our headers going out and the provider counting the request. The
benchmark's fake provider (its own process, loopback) counts most within ~10 ms, and up to ~85 ms when this 2-core
machine runs at a load of 7-10; an internet path adds its own jitter. Past the margin a window can look one over."""
LONGEST_WINDOW_S = 60


def no_throttle(_provider: str) -> AbstractContextManager[None]:
    return nullcontext()


class RateLimiter:
    """At most `limit` requests start in any `window_s` (+ margin) seconds, across every thread of this process."""

    def __init__(self, limit: int, window_s: float = 1.0, *, margin_s: float = DELIVERY_MARGIN_S) -> None:
        self.limit = limit
        self.span_s = window_s + margin_s
        self._starts: deque[float] = deque()
        self._sending = 0
        self._changed = threading.Condition()

    @contextlib.contextmanager
    def slot(self) -> Iterator[Started]:
        """Wait for room in the window, then yield `started`; a request that never calls it starts on exit."""
        with self._changed:
            while (wait := self._wait_s()) != 0.0:
                self._changed.wait(wait)
            self._sending += 1
        done = False

        def started() -> None:
            nonlocal done
            with self._changed:
                if not done:
                    done = True
                    self._sending -= 1
                    self._starts.append(time.monotonic())
                    self._changed.notify_all()

        try:
            yield started
        finally:
            started()

    def _wait_s(self) -> float | None:
        """0 when a request may go now, else how long until a start leaves the window (None: until one is sent)."""
        now = time.monotonic()
        while self._starts and self._starts[0] <= now - self.span_s:
            self._starts.popleft()
        if len(self._starts) + self._sending < self.limit:
            return 0.0
        if not self._starts:
            return None  # every slot is a request still being sent: its start time is not known yet
        return self._starts[0] + self.span_s - now


def whole_window(rate_per_s: float) -> tuple[int, float]:
    """`rate_per_s` as N requests per whole W seconds (W <= 60), never above the rate: 20 -> 20/1 s, 1.6 -> 8/5 s."""
    if rate_per_s * LONGEST_WINDOW_S < 1:
        return 1, 1.0 / rate_per_s

    def count(window: int) -> int:
        return math.floor(rate_per_s * window + 1e-9)

    window = max(range(1, LONGEST_WINDOW_S + 1), key=lambda w: (count(w) / w, -w))
    return count(window), float(window)


_limiters: dict[tuple[str, float], RateLimiter] = {}
_limiters_lock = threading.Lock()


def shared_limiter(provider: str, rate_per_s: float) -> RateLimiter:
    """One limiter per provider and rate for the whole process, however many clients are built."""
    with _limiters_lock:
        if (provider, rate_per_s) not in _limiters:
            limit, window_s = whole_window(rate_per_s)
            _limiters[provider, rate_per_s] = RateLimiter(limit, window_s)
        return _limiters[provider, rate_per_s]


def limited(throttle: Throttle, rates: dict[str, float]) -> Throttle:
    """`throttle` (Prefect's slots: slow, coarse), then this process's per-provider limit right before the send."""

    @contextlib.contextmanager
    def combined(provider: str) -> Iterator[Started | None]:
        with throttle(provider) as outer:
            if provider not in rates:
                yield outer
                return
            with shared_limiter(provider, rates[provider]).slot() as started:
                yield started

    return combined
