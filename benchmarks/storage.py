"""Object-storage transfer of a typical run: bytes up and down, and the seconds they took, against moto's S3 server.

    .venv/bin/python benchmarks/storage.py [--scenes 6] [--duration 30] [--aspect 16:9]

Starts moto's standalone S3 server (`moto[server]`, its own process on a loopback port) and a throwaway Prefect
server (SQLite), points this process at a fresh bucket (P2V_STORAGE_URL) and runs the flow here, as `p2v run` does:
every step fetches its inputs from the bucket and puts its outputs there. Prints the run's wall time, what went up
and down (from the store's counters) and the share of the run spent moving bytes. Loopback figures: a remote
bucket adds its latency and bandwidth on top. No target: the figure is the cost of running without a shared disk.
"""

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

PROJECT_DIR = Path(__file__).resolve().parent.parent
KEYS = {"AWS_ACCESS_KEY_ID": "AKIAP2VBENCH00000001", "AWS_SECRET_ACCESS_KEY": "p2v-bench-secret-0123456789"}


def _start_moto(port: int) -> subprocess.Popen:
    server = subprocess.Popen(
        [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    import httpx

    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            httpx.get(f"http://127.0.0.1:{port}/moto-api/", timeout=1)
            return server
        except httpx.HTTPError:
            time.sleep(0.2)
    server.terminate()
    raise TimeoutError("moto's S3 server did not start")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--scenes", type=int, default=6)
    parser.add_argument("--duration", type=float, default=30.0)
    parser.add_argument("--aspect", default="16:9")
    args = parser.parse_args()

    sys.path.insert(0, str(PROJECT_DIR))
    from deployments.local_server import free_port, local_prefect_server

    root = Path(tempfile.mkdtemp(prefix="p2v-storage-bench-"))
    port = free_port()
    moto = _start_moto(port)
    try:
        import boto3

        endpoint = f"http://127.0.0.1:{port}"
        boto3.client("s3", endpoint_url=endpoint, region_name="us-east-1", **_boto_keys()).create_bucket(Bucket="bench")
        # before the flows are imported: the result storage is read when the tasks are defined
        os.environ.update(KEYS, P2V_DATA_DIR=str(root / "data"), P2V_MEDIA_DIR=str(root / "media"))
        os.environ.update(P2V_STORAGE_URL="s3://bench/p2v", P2V_S3_ENDPOINT_URL=endpoint, P2V_S3_REGION="us-east-1")
        os.environ.setdefault("PREFECT_LOGGING_LEVEL", "WARNING")
        from prefect.settings import PREFECT_API_URL, temporary_settings

        from flows.prompt_to_video import prompt_to_video
        from services.settings import get_settings
        from services.storage import build_store
        from tasks.resume import ensure_result_storage

        size = {"aspect": args.aspect, "scenes": args.scenes, "duration_s": args.duration}
        with (
            local_prefect_server(root / "server") as server,
            temporary_settings({PREFECT_API_URL: server.api_url}),
        ):
            ensure_result_storage()
            started = time.perf_counter()
            state = prompt_to_video(prompt="A lighthouse keeper's long winter", return_state=True, **size)
            wall = time.perf_counter() - started
        assert state.is_completed(), state.message
        stats = build_store(get_settings()).stats
    finally:
        moto.terminate()
        moto.wait(timeout=30)
    moving = stats.seconds_up + stats.seconds_down
    print(f"video: {args.scenes} scenes, {args.duration:g} s, {args.aspect}; storage: moto S3 on loopback")
    print(f"run wall time               {wall:7.2f} s")
    print(f"up   {stats.bytes_up / 1e6:8.2f} MB in {stats.puts:3d} objects   {stats.seconds_up:6.2f} s")
    print(f"down {stats.bytes_down / 1e6:8.2f} MB in {stats.fetches:3d} objects   {stats.seconds_down:6.2f} s")
    print(f"transfer / run = {moving / wall:.3f} (Prefect's result records not counted: they go through Prefect)")
    return 0


def _boto_keys() -> dict[str, str]:
    return {"aws_access_key_id": KEYS["AWS_ACCESS_KEY_ID"], "aws_secret_access_key": KEYS["AWS_SECRET_ACCESS_KEY"]}


if __name__ == "__main__":
    sys.exit(main())
