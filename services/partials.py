"""Files written under a temporary name and renamed into place only when complete.

The temporary name carries the writer's host and pid, so a later writer can delete what a killed writer left
behind (a flow-run process killed mid-render) without touching a file that a live process, on this host or on
another one sharing the folder, is still writing.
"""

import logging
import os
import re
import shutil
import socket
from pathlib import Path

log = logging.getLogger(__name__)


def partial_path(final: Path) -> Path:
    """The hidden name this process writes `final` under: `.<stem>.<host>-<pid>.partial<suffix>`."""
    return final.with_name(f".{final.stem}.{_host()}-{os.getpid()}.partial{final.suffix}")


def remove_dead_partials(folder: Path) -> list[Path]:
    """Delete the partial files (and partial folders, such as a render's atlases) in `folder` whose writer, a
    process of this host, no longer runs."""
    pattern = re.compile(rf"\..+\.{re.escape(_host())}-(\d+)\.partial(\..+)?")  # ".partial.limited0.wav" too
    removed = []
    for path in folder.glob(".*"):
        match = pattern.fullmatch(path.name)
        if match and not _running(int(match.group(1))):
            if path.is_dir() and not path.is_symlink():
                shutil.rmtree(path, ignore_errors=True)
            else:
                path.unlink(missing_ok=True)
            removed.append(path)
    if removed:
        log.info("removed %d partial file(s) left by stopped processes in %s", len(removed), folder)
    return removed


def _host() -> str:
    return socket.gethostname()


def _running(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # another user's process
        return True
    return True
