"""The embedded server stops when its last user is gone, even when that user or another was killed with SIGKILL."""

import os
import shutil
import signal
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

import psutil
import pytest

from prompt_store.embedded import HANDLE_FILE, WATCHDOG_FILE

_USER = """
import sys, time
from pathlib import Path
from prompt_store.db import embedded_url
embedded_url(Path(sys.argv[1]))
print("ready", flush=True)
time.sleep(600)
"""
_ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def data_dir() -> Iterator[Path]:
    if os.environ.get("DATABASE_URL"):
        pytest.skip("DATABASE_URL is set: no embedded server")
    folder = Path(tempfile.mkdtemp(prefix="pgl", dir="/tmp"))  # short: the socket lives inside
    yield folder
    _stop_leftovers(folder / "pg")
    shutil.rmtree(folder, ignore_errors=True)


def _stop_leftovers(pgdata: Path) -> None:
    """After a failed test: stop what it left running (the test checks that nothing is left)."""
    for name in ("postmaster.pid", WATCHDOG_FILE):
        try:
            psutil.Process(int((pgdata / name).read_text().splitlines()[0])).kill()
        except (OSError, ValueError, IndexError, psutil.Error):
            pass


def _user(data_dir: Path) -> subprocess.Popen[str]:
    process = subprocess.Popen(
        [sys.executable, "-c", _USER, str(data_dir)], cwd=_ROOT, stdout=subprocess.PIPE, text=True
    )
    assert process.stdout is not None and process.stdout.readline().strip() == "ready"
    return process


def _postmaster(data_dir: Path) -> psutil.Process:
    return psutil.Process(int((data_dir / "pg" / "postmaster.pid").read_text().splitlines()[0]))


def test_a_sigkilled_user_does_not_keep_the_server_alive_after_a_sigtermed_last_user(data_dir: Path) -> None:
    killed, last = _user(data_dir), _user(data_dir)
    server = _postmaster(data_dir)
    killed.kill()
    killed.wait()

    last.send_signal(signal.SIGTERM)
    assert last.wait(timeout=60) == 128 + signal.SIGTERM

    server.wait(timeout=60)  # raises TimeoutExpired if the server is still running
    assert (data_dir / "pg" / HANDLE_FILE).read_text().strip() == "[]"


def test_a_new_user_drops_the_handle_of_a_killed_one(data_dir: Path) -> None:
    killed = _user(data_dir)
    killed.kill()
    killed.wait()
    joined = _user(data_dir)
    try:
        handles = (data_dir / "pg" / HANDLE_FILE).read_text()
        assert str(killed.pid) not in handles and str(joined.pid) in handles
    finally:
        server = _postmaster(data_dir)
        joined.terminate()
        joined.wait(timeout=60)
        server.wait(timeout=60)


def test_a_sigkilled_last_user_stops_the_server_through_the_watchdog(data_dir: Path) -> None:
    only = _user(data_dir)
    server = _postmaster(data_dir)
    watchdog = psutil.Process(int((data_dir / "pg" / WATCHDOG_FILE).read_text()))
    assert "prompt_store.embedded_watchdog" in " ".join(watchdog.cmdline())
    only.kill()
    only.wait()

    server.wait(timeout=60)  # polled by the watchdog every 2 s; raises TimeoutExpired if it keeps running
    watchdog.wait(timeout=60)
    assert not (data_dir / "pg" / "postmaster.pid").exists() and not (data_dir / "pg" / WATCHDOG_FILE).exists()

    again = _user(data_dir)  # a later user starts the server and a new watchdog
    try:
        assert _postmaster(data_dir).is_running()
        assert int((data_dir / "pg" / WATCHDOG_FILE).read_text()) != watchdog.pid
    finally:
        server = _postmaster(data_dir)
        again.terminate()
        again.wait(timeout=60)
        server.wait(timeout=60)
