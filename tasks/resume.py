"""What makes a run resumable: persisted results, a cache policy that checks files, and no retries of what can't heal.

A rerun with the same inputs (or `prefect flow-run retry`) finds each finished step's result record under its cache
key and skips the step; the record only counts while the files it names are still there (and a rendered video still
has its checksum), otherwise the step runs again.
"""

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from prefect.cache_policies import INPUTS, TASK_SOURCE, CachePolicy
from prefect.client.schemas.objects import State, TaskRun
from prefect.context import TaskRunContext

from services.exceptions import InvalidRequest
from services.intact import still_intact
from services.settings import get_settings

MAX_GENERATIONS = 20
PERMANENT_ERRORS: tuple[type[BaseException], ...] = (
    InvalidRequest,
    PermissionError,
    NotADirectoryError,
    IsADirectoryError,
    FileExistsError,
)


@dataclass
class IntactInputs(CachePolicy):
    """INPUTS + TASK_SOURCE, skipping over cache records whose files went missing or changed.

    Records live under `key`, `key-1`, `key-2`, ...: when the record under one key points at files that are gone,
    the next key is tried, and the first free key is where the recomputed result is stored. No record is ever
    deleted or overwritten, so two workers never race on one.
    """

    base: CachePolicy = field(default_factory=lambda: INPUTS + TASK_SOURCE)

    def compute_key(
        self, task_ctx: TaskRunContext, inputs: dict[str, Any], flow_parameters: dict[str, Any], **kwargs: Any
    ) -> str | None:
        key = self.base.compute_key(task_ctx=task_ctx, inputs=inputs, flow_parameters=flow_parameters, **kwargs)
        if key is None or task_ctx is None:
            return key
        store = task_ctx.result_store
        for generation in range(MAX_GENERATIONS):
            candidate = key if generation == 0 else f"{key}-{generation}"
            if not store.exists(candidate) or still_intact(store.read(candidate).result):
                return candidate
        return None  # every generation is stale: run uncached rather than keep piling up records


def result_storage() -> Path:
    """Where results and cache records are written: P2V_RESULTS_DIR, or <data_dir>/results (read at import)."""
    return get_settings().results_path


def resumable() -> dict[str, Any]:
    """`@task` options for a step whose finished result a rerun should reuse."""
    return {"cache_policy": IntactInputs(), "persist_result": True, "result_storage": result_storage()}


def retry_unless_permanent(task: Any, task_run: TaskRun, state: State) -> bool:
    """Retry condition: a bad parameter or an unwritable folder fails at once instead of after every retry."""
    return not isinstance(state.data, PERMANENT_ERRORS)
