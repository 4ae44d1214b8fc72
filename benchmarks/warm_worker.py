"""Warm-worker benchmark: where the time of a deployment run on a process worker goes, first run vs second.

    .venv/bin/python benchmarks/warm_worker.py [--scenes 2] [--duration 6]

Starts a throwaway Prefect server on a loopback port, deploys `prompt-to-video/default`, starts one process worker
on p2v-process, then runs the deployment for two different prompts of the same size, one after the other. For each
run it prints, from the Prefect API, each step's time (task runs; a mapped step: its runs' count and the time
from its first start to its last end), the run's time (Running to its end), the start-up before it (scheduled
to Running: worker pick-up, process start, imports) and the overhead: run time minus the time covered by at
least one step. Target: overhead <= 3 s on the second run. It also prints when the video was published
(Running to the end of publish_video) and the tail after it: `embed_request` runs beside the video's steps and
the run ends when it has, so a model load slower than the video shows up there.
"""

import argparse
import os
import sys
import tempfile
from collections import defaultdict
from datetime import datetime
from pathlib import Path

PROJECT_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(PROJECT_DIR))
TARGET_OVERHEAD_S = 3.0
PROMPTS = ("A quiet harbour at dawn", "Street food stalls at night")


def covered_seconds(intervals: list[tuple[datetime, datetime]]) -> float:
    """Seconds covered by at least one interval (concurrent steps counted once)."""
    total, end = 0.0, None
    for start, stop in sorted(intervals):
        if end is None or start > end:
            total += (stop - start).total_seconds()
            end = stop
        elif stop > end:
            total += (stop - end).total_seconds()
            end = stop
    return total


def report(client, flow_run_id) -> dict[str, float]:  # noqa: ANN001
    """Print one run's step table; returns its run time, start-up and overhead."""
    from prefect.client.schemas.filters import FlowRunFilter, FlowRunFilterId

    run = client.read_flow_run(flow_run_id)
    tasks = client.read_task_runs(flow_run_filter=FlowRunFilter(id=FlowRunFilterId(any_=[flow_run_id])))
    steps: dict[str, list] = defaultdict(list)
    for task in tasks:
        if task.start_time and task.end_time:
            steps[task.task_key.split("-")[0]].append((task.start_time, task.end_time))
    print(f"\n{run.name}: {run.state.name}")
    for name, spans in sorted(steps.items(), key=lambda item: min(s for s, _ in item[1])):
        seconds = (max(e for _, e in spans) - min(s for s, _ in spans)).total_seconds()
        print(f"  {name:<22} {len(spans):>2} x  {seconds:7.2f} s")
    run_s = (run.end_time - run.start_time).total_seconds()
    startup_s = (run.start_time - run.expected_start_time).total_seconds()
    overhead_s = run_s - covered_seconds([span for spans in steps.values() for span in spans])
    published_s = (max(e for _, e in steps["publish_video"]) - run.start_time).total_seconds()
    print(f"  {'video published after':<27} {published_s:7.2f} s")
    print(f"  {'tail after publishing':<27} {run_s - published_s:7.2f} s")
    print(f"  {'start-up (before Running)':<27} {startup_s:7.2f} s")
    print(f"  {'run (Running to end)':<27} {run_s:7.2f} s")
    print(f"  {'overhead outside the steps':<27} {overhead_s:7.2f} s")
    return {"run": run_s, "startup": startup_s, "overhead": overhead_s}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--scenes", type=int, default=2)
    parser.add_argument("--duration", type=float, default=6.0)
    args = parser.parse_args()

    from prefect.client.orchestration import get_client
    from prefect.client.schemas.actions import WorkPoolCreate
    from prefect.deployments import run_deployment
    from prefect.settings import PREFECT_API_URL, temporary_settings
    from prefect.workers.process import ProcessWorker

    from deployments.local_server import local_prefect_server

    root = Path(tempfile.mkdtemp(prefix="p2v-warm-"))
    env = {f"P2V_{k}_DIR": str(root / k.lower()) for k in ("DATA", "OUTPUT", "MEDIA")}
    env["P2V_X264_PRESET"] = "ultrafast"
    os.environ.update(env)
    with local_prefect_server(root / "prefect", env=env) as server:
        with temporary_settings({PREFECT_API_URL: server.api_url}), get_client(sync_client=True) as client:
            template = ProcessWorker.get_default_base_job_template()
            client.create_work_pool(WorkPoolCreate(name="p2v-process", type="process", base_job_template=template))
            done = server.prefect("--no-prompt", "deploy", "--name", "prompt-to-video/default")
            if done.returncode != 0:
                raise SystemExit(f"prefect deploy failed:\n{done.stdout[-2000:]}\n{done.stderr[-2000:]}")
            server.start_worker("p2v-process")
            results = []
            for prompt in PROMPTS:
                parameters = {"prompt": prompt, "aspect": "1:1", "scenes": args.scenes, "duration_s": args.duration}
                run = run_deployment("prompt-to-video/default", parameters=parameters, timeout=900)
                results.append(report(client, run.id))
    first, second = results
    print(f"\noverhead first run {first['overhead']:.2f} s, second run {second['overhead']:.2f} s", end="")
    print(f" (target <= {TARGET_OVERHEAD_S:g} s: {'met' if second['overhead'] <= TARGET_OVERHEAD_S else 'missed'})")
    print(f"start-up before Running: first {first['startup']:.2f} s, second {second['startup']:.2f} s")


if __name__ == "__main__":
    main()
