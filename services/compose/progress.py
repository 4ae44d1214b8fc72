"""Running ffmpeg while reporting how far it got, read from its `-progress pipe:1` output."""

import subprocess
import threading
from collections.abc import Callable

from services.exceptions import ComposeError
from services.ffmpeg import ffmpeg_exe, stderr_tail

ProgressCallback = Callable[[float], None]
"""Called with the fraction done (0.0 to 1.0); must be quick, it runs on the reading thread."""


def parse_progress_seconds(line: str) -> float | None:
    """Seconds of output written, from one `-progress` line (`out_time_us=1234567`), or None for other lines."""
    key, _, value = line.strip().partition("=")
    if key != "out_time_us" or not value.lstrip("-").isdigit():
        return None
    return max(0.0, int(value) / 1_000_000)


def run_ffmpeg_with_progress(
    args: list[str], *, timeout_s: float, what: str, total_s: float, on_progress: ProgressCallback
) -> str:
    """Like `run_ffmpeg`, and calls `on_progress(fraction)` as ffmpeg reports output time.

    The callback runs on the calling thread (so it sees the caller's context); a watchdog kills ffmpeg at the
    timeout, and stderr is drained on a helper thread so a chatty ffmpeg never blocks on a full pipe.
    """
    cmd = [ffmpeg_exe(), "-hide_banner", "-nostdin", "-y", "-nostats", "-progress", "pipe:1", *args]
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, errors="replace")
    stderr_lines: list[str] = []
    drain = threading.Thread(target=lambda: stderr_lines.extend(proc.stderr), daemon=True)  # type: ignore[arg-type]
    drain.start()
    timed_out = threading.Event()
    watchdog = threading.Timer(timeout_s, lambda: (timed_out.set(), proc.kill()))
    watchdog.start()
    try:
        for line in proc.stdout:  # type: ignore[union-attr]
            seconds = parse_progress_seconds(line)
            if seconds is not None and total_s > 0:
                on_progress(min(1.0, seconds / total_s))
        returncode = proc.wait()
    finally:
        watchdog.cancel()
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        drain.join(timeout=5)
    stderr = "".join(stderr_lines)
    if timed_out.is_set():
        raise ComposeError(
            f"{what}: ffmpeg ran past its {timeout_s:g} s timeout and was killed",
            returncode=None,
            stderr_tail=stderr_tail(stderr),
        )
    if returncode != 0:
        raise ComposeError(f"{what} failed", returncode=returncode, stderr_tail=stderr_tail(stderr))
    on_progress(1.0)
    return stderr
