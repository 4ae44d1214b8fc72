"""A live step-by-step display for `p2v run`, fed by the Prefect task-run log records."""

import logging
import time

from rich.console import Console
from rich.live import Live
from rich.table import Table

STARTUP = "prefect start-up"
STEPS = [
    "record_request",
    "load_system_prompt",
    "generate_storyboard",
    "search_media",
    "narrate_scene",
    "merge_media",
    "compose_video",
    "publish_video",
]
_FINISHED = "Finished in state "
_SUCCEEDED = ("Completed", "Cached")  # Cached: reused from an earlier run


class StepProgress(logging.Handler):
    """Turns 'Finished in state ...' task-run records into a table of steps with their timings."""

    def __init__(self, console: Console) -> None:
        super().__init__(level=logging.INFO)
        self.started = time.monotonic()
        self.step_started = {STARTUP: self.started}
        self.finished: dict[str, float] = {}
        self.states: dict[str, str] = {}
        self.per_scene: dict[str, int] = {}
        self.failed_step: str | None = None
        self.live = Live(self._table(), console=console, refresh_per_second=4, transient=False)

    def emit(self, record: logging.LogRecord) -> None:
        task_name = getattr(record, "task_name", None)
        message = record.getMessage()
        if task_name is None and message.startswith("Beginning flow run"):
            now = time.monotonic()
            self.finished[STARTUP], self.states[STARTUP] = now, "Completed"
            self.step_started.setdefault(STEPS[0], now)
            self.live.update(self._table())
        if task_name not in STEPS or not message.startswith(_FINISHED):
            return
        state = message[len(_FINISHED) :].split("(")[0]
        now = time.monotonic()
        if state not in _SUCCEEDED:
            self.failed_step = self.failed_step or task_name
        if task_name in ("search_media", "narrate_scene"):
            self.per_scene[task_name] = self.per_scene.get(task_name, 0) + 1
        self.states[task_name] = state
        self.finished[task_name] = now
        if task_name not in self.step_started:  # ran beside the step before it (narration beside the searches)
            earlier = STEPS[max(0, STEPS.index(task_name) - 1)]
            self.step_started[task_name] = self.step_started.get(earlier, now)
        following = STEPS.index(task_name) + 1
        if following < len(STEPS):
            self.step_started.setdefault(STEPS[following], now)
        self.live.update(self._table())

    def _table(self) -> Table:
        table = Table(show_header=False, box=None, padding=(0, 1))
        now = time.monotonic()
        for step in [STARTUP, *STEPS]:
            state = self.states.get(step)
            begun = self.step_started.get(step)
            mark = (
                ("[green]✓[/]" if state in _SUCCEEDED else "[red]✗[/]") if state else "[yellow]…[/]" if begun else " "
            )
            elapsed = (self.finished.get(step, now) - begun) if begun else None
            label = f"{step} ({self.per_scene[step]} scenes)" if step in self.per_scene else step
            table.add_row(mark, label, f"{elapsed:5.1f} s" if elapsed is not None else "")
        return table

    def __enter__(self) -> "StepProgress":
        self.live.__enter__()
        return self

    def __exit__(self, *exc: object) -> None:
        self.live.update(self._table())
        self.live.__exit__(None, None, None)
        if not self.live.console.is_terminal:
            self.live.console.print()
