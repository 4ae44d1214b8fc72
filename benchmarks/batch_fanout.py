"""Batch fan-out benchmark: videos/hour for 6 short prompts, one at a time vs two at once, with 2 workers.

    .venv/bin/python benchmarks/batch_fanout.py [--prompts 6] [--scenes 2] [--duration 6] [--sqlite]

Starts a throwaway Prefect server on a loopback port, deploys the project (`prefect deploy --all`), starts two
process workers on p2v-process that take one flow run each (`--limit 1`), and runs the batch flow in this process
twice with `deployment=prompt-to-video/default`:
  serial   max_parallel=1: each video waits for the one before it,
  fan-out  max_parallel=2: the two workers make two videos at once.
Each mode gets its own prompts (same sizes), so no video comes from the other's cache. The prompt store's embedded
Postgres is held open by this process for both, so neither pays its start. Prints videos/hour and the ratio,
measured in this one run, on this machine.
"""

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

PROJECT_DIR = Path(__file__).resolve().parent.parent
POOL = "p2v-process"
TOPICS = [
    "a lighthouse in a storm",
    "a desert road at noon",
    "a harbour at dawn",
    "bees in a lavender field",
    "a night train through snow",
    "tea pickers on a hillside",
    "a glacier calving",
    "a market in the rain",
    "kites over a beach",
    "a forest after fire",
    "a city bridge at dusk",
    "otters in a kelp forest",
]


def _prepare(server, workers: int) -> None:  # noqa: ANN001 - a LocalPrefect
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.actions import WorkPoolCreate
    from prefect.workers.process import ProcessWorker

    with get_client(sync_client=True) as client:
        template = ProcessWorker.get_default_base_job_template()
        for pool in (POOL, "p2v-compose"):
            client.create_work_pool(WorkPoolCreate(name=pool, type="process", base_job_template=template))
    done = server.prefect("--no-prompt", "deploy", "--all")
    if done.returncode != 0:
        raise RuntimeError(f"prefect deploy failed:\n{done.stdout[-2000:]}\n{done.stderr[-2000:]}")
    for index in range(workers):
        server.start(f"worker-{index}", "worker", "start", "--pool", POOL, "--limit", "1")


def _batch(prompts: list[str], max_parallel: int, size: dict) -> tuple[float, int]:
    from flows.batch import batch_videos

    started = time.perf_counter()
    state = batch_videos(
        prompts=prompts, max_parallel=max_parallel, deployment="prompt-to-video/default", return_state=True, **size
    )
    seconds = time.perf_counter() - started
    outcomes = state.result(raise_on_failure=False)
    made = sum(o.status == "completed" for o in outcomes) if isinstance(outcomes, list) else 0
    return seconds, made


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--prompts", type=int, default=6, help="videos per mode (at most 6)")
    parser.add_argument("--scenes", type=int, default=2)
    parser.add_argument("--duration", type=float, default=6.0)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--sqlite", action="store_true", help="Prefect server on SQLite instead of embedded Postgres")
    args = parser.parse_args()
    count = min(args.prompts, len(TOPICS) // 2)

    root = Path(tempfile.mkdtemp(prefix="p2v-fanout-bench-"))
    env = {
        "P2V_DATA_DIR": str(root / "data"),
        "P2V_OUTPUT_DIR": str(root / "output"),
        "P2V_MEDIA_DIR": str(root / "media"),
        "P2V_X264_PRESET": "ultrafast",
        "PREFECT_LOGGING_LEVEL": "WARNING",
    }
    os.environ.update(env)
    sys.path.insert(0, str(PROJECT_DIR))
    from prefect.settings import PREFECT_API_URL, temporary_settings

    import prompt_store
    from deployments.local_server import local_prefect_server

    size = {"aspect": "1:1", "scenes": args.scenes, "duration_s": args.duration}
    serial_prompts = [t.capitalize() for t in TOPICS[:count]]
    fanout_prompts = [t.capitalize() for t in TOPICS[count : 2 * count]]
    with (
        local_prefect_server(root / "server", env=env, postgres=not args.sqlite) as server,
        temporary_settings({PREFECT_API_URL: server.api_url}),
    ):
        prompt_store.get_store().ensure_default_prompts()  # holds the embedded Postgres open for every run
        _prepare(server, args.workers)
        serial_s, serial_made = _batch(serial_prompts, 1, size)
        fanout_s, fanout_made = _batch(fanout_prompts, 2, size)
    serial_rate, fanout_rate = serial_made * 3600 / serial_s, fanout_made * 3600 / fanout_s
    print(f"{count} prompts per mode, {args.scenes} scenes, {args.duration:g} s, 1:1; {args.workers} workers x 1 run")
    print(f"serial  (max_parallel=1)  {serial_s:7.1f} s  {serial_made} made  {serial_rate:6.1f} videos/hour")
    print(f"fan-out (max_parallel=2)  {fanout_s:7.1f} s  {fanout_made} made  {fanout_rate:6.1f} videos/hour")
    print(f"fan-out / serial = {fanout_rate / serial_rate:.2f}x videos/hour (cores: {os.cpu_count()})")
    return 0 if serial_made == fanout_made == count else 1


if __name__ == "__main__":
    sys.exit(main())
