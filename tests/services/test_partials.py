"""A killed writer's partial files are removed by the next writer; live or foreign ones are left alone."""

import os
import socket
import subprocess
import sys
from pathlib import Path

from services.partials import partial_path, remove_dead_partials


def test_only_partials_of_stopped_processes_of_this_host_are_removed(tmp_path: Path) -> None:
    finished = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    dead_pid = int(finished.stdout)
    host = socket.gethostname()
    dead = tmp_path / f".video.{host}-{dead_pid}.partial.mp4"
    derived = tmp_path / f".mix.{host}-{dead_pid}.partial.limited0.wav"  # a file named after a partial one
    live = partial_path(tmp_path / "video.mp4")
    foreign = tmp_path / f".video.another-host-{dead_pid}.partial.mp4"
    final = tmp_path / "video.mp4"
    for path in (dead, derived, live, foreign, final):
        path.write_bytes(b"x")

    assert sorted(remove_dead_partials(tmp_path)) == sorted([dead, derived])
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted([live.name, foreign.name, final.name])
    assert live.name == f".video.{host}-{os.getpid()}.partial.mp4"
