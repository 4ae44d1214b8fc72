"""Mapped media search vs serial search: 24 scenes against a fake Pexels answering in 300 ms.

Run: `.venv/bin/python -m benchmarks.media_search` (about a minute). It starts a throwaway Prefect API
(prefect_test_harness), limits Pexels to RATE_PER_S requests a second in-process (P2V_RATE_LIMITS, see
docs/providers.md for why not per request through the Prefect API), and prints, from one run:
- wall time of the 24 searches run one after another (no Prefect), and of `search_media.map(...)` in a flow;
- the peak number of requests the fake server saw in any 1 s window (by its own arrival clock) vs the limit,
  and in flight at once.
The warm-up searches other scenes, so no measured search is answered from the task cache.
Ranking uses the keyword embedder so the numbers measure the I/O fan-out, not CPU-bound model inference.
"""

import os
import sys
import tempfile
import time
from pathlib import Path

SCENES = 24
LATENCY_S = 0.3
RATE_PER_S = 20.0
WORKERS = 24


def main() -> None:
    work = Path(tempfile.mkdtemp(prefix="p2v-bench-"))
    os.environ.update({"PREFECT_HOME": str(work / "prefect"), "PREFECT_SERVER_ANALYTICS_ENABLED": "false"})
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
    from tests.fakes.stock_apis import PEXELS_KEY, FakeAPI, Item, make_media

    api = FakeAPI(make_media(work / "media"))
    api.catalogue = [Item(i, f"scene{i} forest river mountain") for i in range(40)]
    os.environ.update({
        "P2V_DATA_DIR": str(work / "data"), "P2V_MEDIA_PROVIDERS": "pexels", "PEXELS_API_KEY": PEXELS_KEY,
        "P2V_PEXELS_BASE_URL": f"{api.url}/pexels", "P2V_EMBEDDER": "keywords",
        "P2V_RATE_LIMITS": f"pexels={RATE_PER_S}",
    })  # fmt: skip
    from prefect.testing.utilities import prefect_test_harness

    with prefect_test_harness(server_startup_timeout=120):
        serial_s, serial_requests = _serial(api)
        _mapped(api, scenes=2, place="lake")  # warm-up: first task runs pay one-time imports and API start-up
        mapped_s, mapped_requests = _mapped(api, scenes=SCENES, place="river")
    api.close()
    _report(serial_s, serial_requests, mapped_s, mapped_requests)


def _scenes(count: int, *, place: str = "river") -> list:
    from services.models import Scene

    return [
        Scene(index=i, narration=f"Scene {i} by the {place}.", visual_query=f"scene{i} forest {place}", duration_s=5)
        for i in range(count)
    ]


def _serial(api) -> tuple[float, list[float]]:  # noqa: ANN001
    from services.media import build_providers, search_scene
    from services.settings import get_settings

    providers = build_providers(get_settings())
    api.reset()
    api.latency_s = LATENCY_S
    start = time.perf_counter()
    for scene in _scenes(SCENES):
        search_scene(scene, aspect="16:9", providers=providers)
    elapsed = time.perf_counter() - start
    return elapsed, [s.at for s in api.requests("pexels")]


def _mapped(api, *, scenes: int, place: str) -> tuple[float, list[float]]:  # noqa: ANN001
    from prefect import flow
    from prefect.task_runners import ThreadPoolTaskRunner

    from tasks.limits import media_tags
    from tasks.media import search_media

    @flow(name="bench-media-search", task_runner=ThreadPoolTaskRunner(max_workers=WORKERS))
    def search_all(count: int) -> int:
        futures = search_media.with_options(tags=media_tags()).map(_scenes(count, place=place), aspect="16:9")
        return sum(len(f.result()) for f in futures)

    api.reset()
    api.latency_s = LATENCY_S
    start = time.perf_counter()
    search_all(scenes)
    elapsed = time.perf_counter() - start
    return elapsed, [s.at for s in api.requests("pexels")]


def _peak_per_second(times: list[float]) -> int:
    """The most arrivals in any half-open window [t, t + 1 s); the busiest window always starts at an arrival."""
    times = sorted(times)
    return max((sum(1 for t in times[i:] if t - start < 1.0) for i, start in enumerate(times)), default=0)


def _peak_in_flight(times: list[float]) -> int:
    """Requests in flight at once, from arrival times and the fake's fixed latency."""
    events = sorted([(t, 1) for t in times] + [(t + LATENCY_S, -1) for t in times])
    level = peak = 0
    for _, step in events:
        level += step
        peak = max(peak, level)
    return peak


def _report(serial_s: float, serial: list[float], mapped_s: float, mapped: list[float]) -> None:
    from services.ratelimit import DELIVERY_MARGIN_S

    peak = _peak_per_second(mapped)
    speedup = serial_s / mapped_s
    print(f"scenes: {SCENES}, fake latency: {LATENCY_S * 1000:.0f} ms, requests per scene: {len(serial) // SCENES}")
    print(f"serial search:   {serial_s:6.2f} s ({len(serial)} requests)")
    print(f"mapped search:   {mapped_s:6.2f} s ({len(mapped)} requests, {WORKERS} worker threads)")
    print(f"speed-up:        {speedup:6.2f}x (target >= 5x: {'met' if speedup >= 5 else 'MISSED'})")
    span = max(mapped) - min(mapped)
    print(f"mean request rate at the fake: {(len(mapped) - 1) / span:6.2f}/s")
    verdict = "within" if peak <= RATE_PER_S else "ABOVE"
    print(f"peak requests in any 1 s window at the fake: {peak} (limit {RATE_PER_S:g}: {verdict})")
    print(f"limiter: at most {RATE_PER_S:g} starts in any {1 + DELIVERY_MARGIN_S:g} s (1 s + delivery margin)")
    print(f"peak requests in flight: {_peak_in_flight(mapped)}")


if __name__ == "__main__":
    main()
