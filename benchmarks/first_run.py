"""Wall time of `p2v run` for a 30 s video: Prefect start-up, each step, total.

Runs the real CLI twice in fresh processes: first with an empty PREFECT_HOME (a fresh install: Prefect migrates
its SQLite database), then again with the same home (a warm start). Target: first run <= 90 s on 2 cores.
Usage: .venv/bin/python benchmarks/first_run.py
"""

import os
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

PROMPT = "Create a video about the history of aviation"
STEP_LINE = re.compile(r"^\s*\S\s+(prefect start-up|\w+(?: \(\d+ scenes\))?)\s{2,}(\d+\.\d) s", re.MULTILINE)


def run_once(home: Path, data: Path, out: Path) -> tuple[float, dict[str, float]]:
    env = {**os.environ, "PREFECT_HOME": str(home), "P2V_DATA_DIR": str(data), "PREFECT_API_URL": ""}
    p2v = Path(sys.executable).parent / "p2v"
    started = time.perf_counter()
    done = subprocess.run(
        [str(p2v), "run", PROMPT, "--duration", "30", "--out", str(out)], capture_output=True, text=True, env=env
    )
    wall = time.perf_counter() - started
    if done.returncode != 0:
        sys.exit(f"p2v run failed:\n{done.stdout}\n{done.stderr}")
    return wall, {name: float(seconds) for name, seconds in STEP_LINE.findall(done.stdout)}


def main() -> None:
    with tempfile.TemporaryDirectory(prefix="p2vb", dir="/tmp") as tmp:
        root = Path(tmp)
        results = [
            ("first run (fresh Prefect home)", *run_once(root / "prefect", root / "d1", root / "out")),
            ("second run (warm Prefect home)", *run_once(root / "prefect", root / "d2", root / "out")),
        ]
    for label, wall, steps in results:
        print(f"\n{label}: total {wall:.1f} s (target <= 90 s: {'met' if wall <= 90 else 'MISSED'})")
        for name, seconds in steps.items():
            print(f"  {name:<22} {seconds:6.1f} s  ({seconds / wall:5.1%})")
        accounted = sum(steps.values())
        print(f"  {'imports + shutdown':<22} {wall - accounted:6.1f} s  ({(wall - accounted) / wall:5.1%})")
    print(f"\nwarm / first: {results[1][1] / results[0][1]:.2f}")


if __name__ == "__main__":
    main()
