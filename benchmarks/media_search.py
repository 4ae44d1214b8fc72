"""Mapped media search vs serial search: 24 scenes against a fake Pexels answering in 300 ms.

Run: `.venv/bin/python -m benchmarks.media_search` (about a minute). It starts a throwaway Prefect API
(prefect_test_harness), limits Pexels to RATE_PER_S requests a second in-process (P2V_RATE_LIMITS, see
docs/providers.md for why not per request through the Prefect API), and prints, from one run:
- wall time of the 24 searches run one after another (no Prefect), and of `search_media.map(...)` in a flow;
- the peak number of requests the fake server saw in any 1 s window (by its own arrival clock) vs the limit,
  and in flight at once.
The fake runs in its own process, as a real provider would: in ours, its threads wait for the GIL behind our 24
workers and log arrivals up to ~70 ms late, which shifts requests between windows. The warm-up searches other
scenes, so no measured search is answered from the task cache. Flow-run heartbeats are off: Prefect 3.9's heartbeat
thread sleeps in whole seconds and the run's exit joins it, which added a random 0-1 s to every flow run (a per-run
cost, paid once by prompt_to_video, unrelated to the fan-out measured here).
Ranking uses the keyword embedder so the numbers measure the I/O fan-out, not CPU-bound model inference.
"""

import multiprocessing
import os
import sys
import tempfile
import threading
import time
from multiprocessing.connection import Connection
from pathlib import Path

SCENES = 24
LATENCY_S = 0.3
RATE_PER_S = 20.0
WORKERS = 24


def main() -> None:
    work = Path(tempfile.mkdtemp(prefix="p2v-bench-"))
    os.environ.update({"PREFECT_HOME": str(work / "prefect"), "PREFECT_SERVER_ANALYTICS_ENABLED": "false"})
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
    from tests.fakes.stock_apis import PEXELS_KEY

    api = FakePexels(work / "media")
    os.environ.update({
        "P2V_DATA_DIR": str(work / "data"), "P2V_MEDIA_PROVIDERS": "pexels", "PEXELS_API_KEY": PEXELS_KEY,
        "P2V_PEXELS_BASE_URL": f"{api.url}/pexels", "P2V_EMBEDDER": "keywords",
        "P2V_RATE_LIMITS": f"pexels={RATE_PER_S}",
        "P2V_RESPONSE_CACHE_TTL_S": "0",  # the mapped run repeats the serial run's queries: measure requests
    })  # fmt: skip
    from prefect.settings import PREFECT_FLOWS_HEARTBEAT_FREQUENCY, temporary_settings
    from prefect.testing.utilities import prefect_test_harness

    no_heartbeats = temporary_settings(updates={PREFECT_FLOWS_HEARTBEAT_FREQUENCY: None})
    with prefect_test_harness(server_startup_timeout=120), no_heartbeats:
        serial_s, serial_requests = _serial(api)
        _mapped(api, scenes=2, place="lake")  # warm-up: first task runs pay one-time imports and API start-up
        mapped_s, mapped_requests, stall_s, body_s = _mapped(api, scenes=SCENES, place="river")
    api.close()
    _report(serial_s, serial_requests, mapped_s, mapped_requests, stall_s=stall_s, body_s=body_s)


class FakePexels:
    """tests/fakes' server in a child process, driven over a pipe; arrival times are its own monotonic clock."""

    def __init__(self, media_dir: Path) -> None:
        context = multiprocessing.get_context("spawn")
        self._conn, child = context.Pipe()
        self._process = context.Process(target=_serve, args=(child, media_dir), daemon=True)
        self._process.start()
        self.url: str = self._conn.recv()

    def reset(self, latency_s: float) -> None:
        self._call("reset", latency_s)

    def arrivals(self) -> tuple[list[float], float]:
        """Arrival times since the last reset, and the longest stall of the fake's process meanwhile."""
        return self._call("arrivals")

    def close(self) -> None:
        self._call("close")
        self._process.join(timeout=10)

    def _call(self, command: str, argument: object = None):  # noqa: ANN202
        self._conn.send((command, argument))
        return self._conn.recv()


def _serve(conn: Connection, media_dir: Path) -> None:
    from tests.fakes.stock_apis import FakeAPI, Item, make_media

    api = FakeAPI(make_media(media_dir))
    api.catalogue = [Item(i, f"scene{i} forest river mountain") for i in range(40)]
    stalls = [0.0]
    threading.Thread(target=_watch_stalls, args=(stalls,), daemon=True).start()
    conn.send(api.url)
    while True:
        command, argument = conn.recv()
        if command == "reset":
            api.reset()
            api.latency_s, stalls[0] = argument, 0.0
        reply = ([seen.at for seen in api.requests("pexels")], stalls[0]) if command == "arrivals" else None
        conn.send(reply)
        if command == "close":
            api.close()
            return


def _watch_stalls(longest: list[float]) -> None:
    """The longest time this process went unscheduled past a 5 ms nap: arrivals logged then are late by as much."""
    while True:
        before = time.monotonic()
        time.sleep(0.005)
        longest[0] = max(longest[0], time.monotonic() - before - 0.005)


def _scenes(count: int, *, place: str = "river") -> list:
    from services.models import Scene

    return [
        Scene(index=i, narration=f"Scene {i} by the {place}.", visual_query=f"scene{i} forest {place}", duration_s=5)
        for i in range(count)
    ]


def _serial(api: FakePexels) -> tuple[float, list[float]]:
    from services.media import build_providers, search_scene
    from services.settings import get_settings

    providers = build_providers(get_settings())
    api.reset(LATENCY_S)
    start = time.perf_counter()
    for scene in _scenes(SCENES):
        search_scene(scene, aspect="16:9", providers=providers)
    elapsed = time.perf_counter() - start
    return elapsed, api.arrivals()[0]


def _mapped(api: FakePexels, *, scenes: int, place: str) -> tuple[float, list[float], float, float]:
    """Wall time of the flow call, arrivals, the fake's longest stall, and the time spent in the flow's body."""
    from prefect import flow
    from prefect.task_runners import ThreadPoolTaskRunner

    from tasks.limits import media_tags
    from tasks.media import search_media

    body: list[float] = []

    @flow(name="bench-media-search", task_runner=ThreadPoolTaskRunner(max_workers=WORKERS))
    def search_all(count: int) -> int:
        body.append(time.perf_counter())
        futures = search_media.with_options(tags=media_tags()).map(_scenes(count, place=place), aspect="16:9")
        found = sum(len(f.result()) for f in futures)
        body.append(time.perf_counter())
        return found

    api.reset(LATENCY_S)
    start = time.perf_counter()
    search_all(scenes)
    elapsed = time.perf_counter() - start
    arrivals, stall_s = api.arrivals()
    return elapsed, arrivals, stall_s, body[1] - body[0]


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


def _report(
    serial_s: float, serial: list[float], mapped_s: float, mapped: list[float], *, stall_s: float, body_s: float
) -> None:
    from services.ratelimit import DELIVERY_MARGIN_S

    peak = _peak_per_second(mapped)
    speedup = serial_s / mapped_s
    print(f"scenes: {SCENES}, fake latency: {LATENCY_S * 1000:.0f} ms, requests per scene: {len(serial) // SCENES}")
    print(f"serial search:   {serial_s:6.2f} s ({len(serial)} requests)")
    print(f"mapped search:   {mapped_s:6.2f} s ({len(mapped)} requests, {WORKERS} worker threads)")
    print(f"  of which the flow's body (map + results): {body_s:.2f} s; the rest is Prefect starting/ending the run")
    print(f"speed-up:        {speedup:6.2f}x (target >= 5x: {'met' if speedup >= 5 else 'MISSED'})")
    span = max(mapped) - min(mapped)
    print(f"mean request rate at the fake: {(len(mapped) - 1) / span:6.2f}/s")
    verdict = "within" if peak <= RATE_PER_S else "ABOVE"
    print(f"peak requests in any 1 s window at the fake: {peak} (limit {RATE_PER_S:g}: {verdict})")
    print(f"limiter: at most {RATE_PER_S:g} starts in any {1 + DELIVERY_MARGIN_S:g} s (1 s + delivery margin)")
    print(f"peak requests in flight: {_peak_in_flight(mapped)}")
    print(f"longest stall of the fake's process meanwhile: {stall_s * 1000:.0f} ms (its arrival clock lags as much)")


if __name__ == "__main__":
    main()
