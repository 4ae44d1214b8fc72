"""Drawing 6 scenes' pictures: mapped under an `openai-images` limit of 6 vs one after another.

Run: `.venv/bin/python -m benchmarks.image_generation [LIMIT] [sqlite]` (one to three minutes). It starts a throwaway
Prefect server on embedded Postgres, as deployments run it (deployments/local_server.py; `sqlite` for Prefect's
default database), and the fake OpenAI server of tests/fakes (POST /v1/images/generations) answering every request
after LATENCY_S, creates the concurrency limit `openai-images` = LIMIT, and prints, from one run:
- wall time of a flow calling `generate_scene_image` for the 6 scenes one after another;
- wall time of a flow mapping it over the same 6 scenes (other prompts, so neither the picture cache nor the task
  cache answers) and the speed-up [target >= 4x];
- when the requests of the mapped run reached the fake, and the mapped run without the limit (what Prefect's
  slot acquisition costs).
A warm-up flow (one picture) first pays the one-time imports and start-up. Measured with Prefect 3.9.1: on Postgres a
limit of 6 lets all 6 task runs draw at once; on SQLite the same limit let only 2-3 in (simultaneous slot requests
fail on the database lock and wait a few seconds). Flow-run heartbeats are off, as in benchmarks/media_search.py.
"""

import asyncio
import os
import sys
import tempfile
import time
from pathlib import Path

SCENES = 6
LIMIT = 6
LATENCY_S = 2.0
TARGET = 4.0


def main() -> None:
    global LIMIT
    LIMIT = next((int(a) for a in sys.argv[1:] if a.isdigit()), LIMIT)
    work = Path(tempfile.mkdtemp(prefix="p2v-bench-images-"))
    os.environ.update({"PREFECT_HOME": str(work / "prefect"), "PREFECT_SERVER_ANALYTICS_ENABLED": "false"})
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
    from tests.fakes.stock_apis import OPENAI_KEY, FakeAPI

    (work / "media").mkdir()
    api = FakeAPI(work / "media")
    os.environ.update({"P2V_DATA_DIR": str(work / "data"), "OPENAI_API_KEY": OPENAI_KEY,
                       "OPENAI_BASE_URL": f"{api.url}/v1", "P2V_IMAGE_GENERATION": "always"})  # fmt: skip
    from prefect.settings import PREFECT_API_URL, PREFECT_FLOWS_HEARTBEAT_FREQUENCY, temporary_settings

    from deployments.local_server import local_prefect_server

    postgres = "sqlite" not in sys.argv[1:]
    with local_prefect_server(work / "server", postgres=postgres) as server:
        with temporary_settings(updates={PREFECT_API_URL: server.api_url, PREFECT_FLOWS_HEARTBEAT_FREQUENCY: None}):
            serial_s, mapped_s, arrivals, free_s = _measure(api)
    api.close()
    speedup = serial_s / mapped_s
    print(f"scenes: {SCENES}, fake latency: {LATENCY_S:g} s, load average {os.getloadavg()[0]:.1f} (2 cores)")
    print(f"Prefect server database: {'Postgres' if postgres else 'SQLite'}")
    print(f"serial:          {serial_s:6.2f} s")
    print(f"mapped, limit {LIMIT}: {mapped_s:6.2f} s, requests arrived at {arrivals} s")
    print(f"speed-up:        {speedup:6.2f}x (target >= {TARGET:g}x: {'met' if speedup >= TARGET else 'MISSED'})")
    print(f"mapped, no limit: {free_s:6.2f} s ({serial_s / free_s:.2f}x)")


def _measure(api) -> tuple[float, float, list[float], float]:  # noqa: ANN001 - the fake server
    """(serial s, mapped s under the limit, request arrivals of the mapped run, mapped s without the limit)."""
    _limit(LIMIT)
    _timed(_requests("warm-up", 1), mapped=True)
    api.latency_s = LATENCY_S
    start = len(api.seen)
    serial_s = _timed(_requests("serial", SCENES), mapped=False)
    mapped_at = len(api.seen)
    mapped_s = _timed(_requests("mapped", SCENES), mapped=True)
    arrivals = [round(s.at - api.seen[mapped_at].at, 2) for s in api.seen[mapped_at:]]
    _limit(None)
    free_s = _timed(_requests("unlimited", SCENES), mapped=True)
    assert len(api.seen) - start == 3 * SCENES, "every picture was drawn, none came from a cache"
    return serial_s, mapped_s, arrivals, free_s


def _limit(slots: int | None) -> None:
    """Create the `openai-images` tag limit with `slots`, or delete it (None)."""
    from prefect.client.orchestration import get_client

    async def change() -> None:
        async with get_client() as client:
            if slots is None:
                await client.delete_concurrency_limit_by_tag("openai-images")
            else:
                await client.create_concurrency_limit(tag="openai-images", concurrency_limit=slots)

    asyncio.run(change())


def _requests(run: str, count: int) -> list:
    from services.media.image_prompt import video_style
    from services.media.openai_images import image_request
    from services.models import Scene, Storyboard

    scenes = [Scene(index=i, narration=f"Scene {i} of the {run} run.", visual_query=f"cyan reef {run} {i}",
                    duration_s=4.0) for i in range(count)]  # fmt: skip
    board = Storyboard(title=f"Reefs {run}", description="", language="en", aspect="16:9", scenes=scenes)
    style = video_style(board)
    return [image_request(s, aspect="16:9", style=style, model="gpt-image-2", quality="medium") for s in scenes]


def _timed(requests: list, *, mapped: bool) -> float:
    from prefect import flow
    from prefect.task_runners import ThreadPoolTaskRunner

    from tasks.images import generate_scene_image

    @flow(name="bench-image-generation", task_runner=ThreadPoolTaskRunner(max_workers=SCENES))
    def draw_all() -> int:
        if mapped:
            return len(generate_scene_image.map(requests).result())
        return len([generate_scene_image(request) for request in requests])

    started = time.perf_counter()
    draw_all()
    return time.perf_counter() - started


if __name__ == "__main__":
    main()
