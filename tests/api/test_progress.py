"""The CLI's step table: each step's time counts from when it could start, also when steps overlap."""

import io
import logging
import time

from rich.console import Console

from api.progress import StepProgress


def _finished(progress: StepProgress, task_name: str) -> None:
    record = logging.LogRecord(
        "prefect.task_runs", logging.INFO, __file__, 1, "Finished in state Completed()", None, None
    )
    record.task_name = task_name
    progress.emit(record)


def test_a_step_that_ends_before_the_one_listed_above_it_gets_a_positive_time() -> None:
    out = io.StringIO()
    progress = StepProgress(Console(file=out, width=80, force_terminal=False))
    for step in ("record_request", "load_system_prompt", "generate_storyboard"):
        _finished(progress, step)
    time.sleep(0.05)
    _finished(progress, "narrate_scene")  # narration runs beside the searches and ends first
    time.sleep(0.05)
    _finished(progress, "search_media")

    Console(file=out, width=80).print(progress._table())

    row = next(line for line in out.getvalue().splitlines() if "narrate_scene" in line)
    seconds = float(row.split()[-2])
    assert seconds >= 0.0, row
    assert progress.step_started["narrate_scene"] == progress.step_started["search_media"]
