import random
import threading
import time

import pytest

from services.ratelimit import RateLimiter, whole_window

LIMIT, WINDOW_S = 5, 0.2


def _busiest_window(times: list[float], window_s: float) -> int:
    """The most times in any half-open window [t, t + window_s); the busiest one starts at one of the times."""
    times = sorted(times)
    return max(sum(1 for t in times[i:] if t - start < window_s) for i, start in enumerate(times))


def test_threads_hammering_the_limiter_never_start_more_than_the_limit_in_any_window() -> None:
    limiter = RateLimiter(LIMIT, WINDOW_S, margin_s=0.0)
    let_through: list[float] = []
    sent: list[float] = []
    lock = threading.Lock()

    def requests(count: int) -> None:
        for _ in range(count):
            with limiter.slot() as started:
                admitted = time.monotonic()
                time.sleep(random.uniform(0, 0.05))  # connecting: the request goes out a while after admission
                going_out = time.monotonic()
                started()
                with lock:
                    let_through.append(admitted)
                    sent.append(going_out)
            time.sleep(random.uniform(0, 0.01))

    threads = [threading.Thread(target=requests, args=(5,)) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(sent) == 40
    assert _busiest_window(sent, WINDOW_S) <= LIMIT
    assert 1 < _busiest_window(let_through, WINDOW_S) <= LIMIT, "bursts up to the limit, never above"


def test_a_request_that_never_reports_its_start_counts_from_when_it_let_go() -> None:
    limiter = RateLimiter(1, WINDOW_S, margin_s=0.0)
    with limiter.slot():
        time.sleep(0.05)
        released = time.monotonic()
    with limiter.slot():
        assert time.monotonic() - released >= WINDOW_S


@pytest.mark.parametrize(
    ("rate", "expected"),
    [(20, (20, 1.0)), (1.6, (8, 5.0)), (2.3, (23, 10.0)), (0.5, (1, 2.0)), (0.01, (1, 100.0))],
)
def test_a_rate_becomes_the_shortest_whole_window_that_never_exceeds_it(
    rate: float, expected: tuple[int, float]
) -> None:
    assert whole_window(rate) == expected
