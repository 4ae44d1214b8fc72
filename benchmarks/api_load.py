"""Load on the API boundary: one API process + one `serve` process on loopback, a temporary Prefect server.

    .venv/bin/python -m benchmarks.api_load [--posts 50] [--big 3] [--big-mb 300]

Drives N concurrent valid POSTs and several huge unauthenticated bodies (streamed over raw sockets, so the answer
is read while the body is still being sent), then waits for every accepted run. Prints each answer's code and
time, the API's peak RSS, the lowest available memory, and how the accepted runs ended.
"""

import argparse
import asyncio
import json
import os
import select
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import psutil

PROJECT_DIR = Path(__file__).resolve().parent.parent
TOKEN = "load-admin-token-" + "0123456789abcdef" * 2
API = "import uvicorn; from api.rest import create_app; uvicorn.run(create_app(), host='127.0.0.1', port={port})"
SERVE = "from deployments.serve import serve_all; serve_all(limit={limit}, schedules=False)"
BODY = {"scenes": 1, "duration_s": 5}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def boundary(prefect_api_url: str, folder: Path, *, limit: int, max_runs: int) -> Iterator[tuple[str, int]]:
    """The API and the serving process as subprocesses sharing output folder and database; yields (url, api pid)."""
    port = free_port()
    env = {
        **os.environ,
        "PREFECT_API_URL": prefect_api_url,
        "PREFECT_RUNNER_POLL_FREQUENCY": "1",
        "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
        "P2V_DATA_DIR": str(folder / "d"),
        "P2V_OUTPUT_DIR": str(folder / "out"),
        "P2V_API_TOKEN": TOKEN,
        "P2V_API_MAX_RUNS": str(max_runs),
        "P2V_API_MAX_RUNS_PER_USER": str(max_runs),
        "P2V_VOICE": "silent",
        "P2V_X264_PRESET": "ultrafast",
        "P2V_EMBEDDER": "keywords",
    }
    log = (folder / "processes.log").open("wb")
    processes = [
        subprocess.Popen([sys.executable, "-c", cmd], env=env, cwd=PROJECT_DIR, stdout=log, stderr=subprocess.STDOUT)
        for cmd in (SERVE.format(limit=limit), API.format(port=port))
    ]
    try:
        wait_ready(f"http://127.0.0.1:{port}", prefect_api_url)
        yield f"http://127.0.0.1:{port}", processes[1].pid
    finally:
        for process in processes:
            process.terminate()
            process.wait(timeout=60)
        log.close()


def wait_ready(url: str, prefect_api_url: str, timeout_s: float = 240) -> None:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        try:
            api_up = httpx.get(f"{url}/openapi.json", timeout=5).status_code == 200
            served = httpx.get(f"{prefect_api_url}/deployments/name/prompt-to-video/default", timeout=5)
            if api_up and served.status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(1)
    raise TimeoutError("the API or the served deployment never came up")


def big_unauthenticated(url: str, size: int, *, chunked: bool) -> tuple[int, float, int]:
    """Stream `size` bytes without a token; returns (status, seconds to the answer, bytes sent before it)."""
    host, port = url.removeprefix("http://").split(":")
    head = f"POST /api/process/ HTTP/1.1\r\nHost: {host}\r\nContent-Type: application/json\r\n"
    head += "Transfer-Encoding: chunked\r\n\r\n" if chunked else f"Content-Length: {size}\r\n\r\n"
    chunk = b"x" * (1 << 20)
    start, sent = time.monotonic(), 0
    with socket.create_connection((host, int(port)), timeout=30) as conn:
        conn.sendall(head.encode())
        while sent < size and not select.select([conn], [], [], 0)[0]:
            try:
                conn.sendall(b"%x\r\n%s\r\n" % (len(chunk), chunk) if chunked else chunk)
            except OSError:
                break
            sent += len(chunk)
        answer = conn.recv(4096)
    return int(answer.split(b" ", 2)[1]), time.monotonic() - start, sent


async def post_many(url: str, count: int) -> list[tuple[int, float, str]]:
    headers = {"Authorization": f"Bearer {TOKEN}"}
    async with httpx.AsyncClient(base_url=url, headers=headers, timeout=60) as client:

        async def post(i: int) -> tuple[int, float, str]:
            start = time.monotonic()
            answer = await client.post("/api/process/", json={**BODY, "prompt": f"Create a video about load {i}"})
            task_id = answer.json().get("task_id", "") if answer.status_code == 202 else ""
            return answer.status_code, time.monotonic() - start, task_id

        return await asyncio.gather(*(post(i) for i in range(count)))


def wait_for_runs(url: str, task_ids: list[str], timeout_s: float = 900) -> list[str]:
    deadline = time.monotonic() + timeout_s
    with httpx.Client(base_url=url, headers={"Authorization": f"Bearer {TOKEN}"}, timeout=30) as client:
        while True:
            states = [client.get(f"/api/tasks/{t}/").json() for t in task_ids]
            if all(s["finished"] for s in states) or time.monotonic() > deadline:
                return [s["state"] for s in states]
            time.sleep(2)


class Sampler:
    """Peak RSS of one process and lowest available memory, sampled every 0.2 s in a thread."""

    def __init__(self, pid: int) -> None:
        self.process = psutil.Process(pid)
        self.peak_rss = self.process.memory_info().rss
        self.min_available = psutil.virtual_memory().available
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while not self._stop.wait(0.2):
            self.peak_rss = max(self.peak_rss, self.process.memory_info().rss)
            self.min_available = min(self.min_available, psutil.virtual_memory().available)

    def stop(self) -> None:
        self._stop.set()
        self._thread.join()


def drive(url: str, api_pid: int, *, posts: int, big: int, big_mb: int) -> dict:
    """All the load at once; the figures the load test asserts and the script prints."""
    sampler = Sampler(api_pid)
    rss_before = sampler.peak_rss
    with_threads: list[tuple[int, float, int]] = []

    def send_big(chunked: bool) -> None:
        with_threads.append(big_unauthenticated(url, big_mb << 20, chunked=chunked))

    threads = [threading.Thread(target=send_big, args=(i % 2 == 1,)) for i in range(big)]
    for thread in threads:
        thread.start()
    answers = asyncio.run(post_many(url, posts))
    for thread in threads:
        thread.join()
    accepted = [task for code, _, task in answers if code == 202]
    states = wait_for_runs(url, accepted)
    sampler.stop()
    return {
        "post_codes": dict(Counter(code for code, _, _ in answers)),
        "post_median_s": round(statistics.median(t for _, t, _ in answers), 2),
        "post_slowest_s": round(max(t for _, t, _ in answers), 2),
        "big_codes": dict(Counter(code for code, _, _ in with_threads)),
        "big_slowest_s": round(max((t for _, t, _ in with_threads), default=0), 2),
        "big_mb_sent_before_answer": [round(sent / 2**20) for _, _, sent in with_threads],
        "api_rss_mb_before": round(rss_before / 2**20),
        "api_rss_mb_peak": round(sampler.peak_rss / 2**20),
        "min_available_fraction": round(sampler.min_available / psutil.virtual_memory().total, 3),
        "accepted_run_states": dict(Counter(states)),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--posts", type=int, default=50)
    parser.add_argument("--big", type=int, default=3)
    parser.add_argument("--big-mb", type=int, default=300)
    parser.add_argument("--limit", type=int, default=2, help="serve limit and API bound on runs in flight")
    args = parser.parse_args()
    os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
    from prefect.testing.utilities import prefect_test_harness

    with prefect_test_harness(server_startup_timeout=180), tempfile.TemporaryDirectory(prefix="p2vl") as tmp:
        from prefect.settings import PREFECT_API_URL

        with boundary(PREFECT_API_URL.value(), Path(tmp), limit=args.limit, max_runs=args.limit) as (url, pid):
            figures = drive(url, pid, posts=args.posts, big=args.big, big_mb=args.big_mb)
    print(json.dumps(figures, indent=2))


if __name__ == "__main__":
    main()
