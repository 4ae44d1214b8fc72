"""What makes a run resumable: persisted results, a cache policy that checks files, and no retries of what can't heal.

A rerun with the same inputs (or `prefect flow-run retry`) finds each finished step's result record under its cache
key and skips the step; the record only counts while the files it names are still there (and a rendered video still
has its checksum), otherwise the step runs again.
"""

import hashlib
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, get_args

from prefect.cache_policies import INPUTS, TASK_SOURCE, CachePolicy
from prefect.client.schemas.objects import State, TaskRun
from prefect.context import TaskRunContext
from prefect.filesystems import RemoteFileSystem
from prefect.utilities.hashing import hash_objects
from pydantic import SecretStr

from services.exceptions import InvalidRequest, PublishRefused
from services.intact import referenced_paths, still_intact
from services.retention import mark_used
from services.settings import Settings, get_settings
from services.storage import build_store
from services.storage.s3 import s3fs_options

MAX_GENERATIONS = 20
NOT_SHAPING_RESULTS = frozenset(
    {"output_dir", "results_dir", "compose_deployment", "ffmpeg_timeout_s", "task_timeout_s"}
    | {"notify_webhook_url", "notify_block"}
    | {"retention_days", "work_max_bytes", "retention_grace_s"}  # how long results are kept, not what they are
    | {"data_dir", "scratch_dir", "storage_url", "s3_endpoint_url", "s3_region"}  # where files are, not what
    | {"segment_runner"}  # which process renders a segment, not what it is
)
PERMANENT_ERRORS: tuple[type[BaseException], ...] = (
    InvalidRequest,
    PublishRefused,
    PermissionError,
    NotADirectoryError,
    IsADirectoryError,
    FileExistsError,
)


def settings_fingerprint(settings: Settings) -> dict[str, Any]:
    """The settings that can change a step's result, with each secret reduced to whether it is set.

    A key added later (say PEXELS_API_KEY) changes the fingerprint, so a rerun searches again instead of reusing
    what the offline providers found. Settings added by new modules are included unless listed as not shaping.
    """
    fingerprint: dict[str, Any] = {}
    for name, info in sorted(type(settings).model_fields.items()):
        value = getattr(settings, name)
        if name not in NOT_SHAPING_RESULTS:
            secret = SecretStr in (info.annotation, *get_args(info.annotation))
            fingerprint[name] = value is not None if secret else str(value)
    return fingerprint


@dataclass
class ShapingSettings(CachePolicy):
    """Cache key part: the fingerprint of the settings in force where the task runs."""

    def compute_key(
        self, task_ctx: TaskRunContext, inputs: dict[str, Any], flow_parameters: dict[str, Any], **kwargs: Any
    ) -> str | None:
        return hash_objects(settings_fingerprint(get_settings()), raise_on_failure=True)


@dataclass
class IntactInputs(CachePolicy):
    """INPUTS + TASK_SOURCE + settings, skipping over cache records whose files went missing or changed.

    Records live under `key`, `key-1`, `key-2`, ...: when the record under one key points at files that are gone,
    the next key is tried, and the first free key is where the recomputed result is stored. No record is ever
    deleted or overwritten, so two workers never race on one.
    """

    base: CachePolicy = field(default_factory=lambda: INPUTS + TASK_SOURCE + ShapingSettings())

    def compute_key(
        self, task_ctx: TaskRunContext, inputs: dict[str, Any], flow_parameters: dict[str, Any], **kwargs: Any
    ) -> str | None:
        key = self.base.compute_key(task_ctx=task_ctx, inputs=inputs, flow_parameters=flow_parameters, **kwargs)
        if key is None or task_ctx is None:
            return key
        store = task_ctx.result_store
        for generation in range(MAX_GENERATIONS):
            candidate = key if generation == 0 else f"{key}-{generation}"
            if not store.exists(candidate):
                return candidate
            result = store.read(candidate).result
            if still_intact(result, build_store(get_settings())):
                _mark_reused(result, store, candidate)
                return candidate
        return None  # every generation is stale: run uncached rather than keep piling up records


def _mark_reused(result: Any, store: Any, key: str) -> None:
    """A cache hit counts as a use of the record and of its files (services/retention.py keeps what is in use)."""
    mark_used(referenced_paths(result), under=get_settings().data_dir)
    basepath = getattr(store.result_storage, "basepath", None)
    if basepath is not None and "://" not in str(basepath):
        mark_used([Path(basepath) / key])


def result_storage() -> Path | str:
    """Where results and cache records are written (read at import): P2V_RESULTS_DIR, or <data_dir>/results, or
    with P2V_STORAGE_URL the saved block of `<storage URL>/results` (`ensure_result_storage` saves it)."""
    settings = get_settings()
    if settings.storage_url is None:
        return settings.results_path
    return f"remote-file-system/{result_block_name(settings)}"


def result_block_name(settings: Settings) -> str:
    """One block per bucket/prefix and endpoint, so workers of two stacks on one Prefect server never mix."""
    where = f"{settings.storage_url}|{settings.s3_endpoint_url}|{settings.s3_region}"
    return f"p2v-results-{hashlib.sha256(where.encode()).hexdigest()[:12]}"


def ensure_result_storage(settings: Settings | None = None) -> str | None:
    """Save the results block of P2V_STORAGE_URL on the Prefect server (idempotent); None without a storage URL.

    Prefect accepts remote result storage on a task or flow only as a saved block. The block holds the bucket,
    endpoint and region only: s3fs reads credentials from botocore's chain on each worker, so none reach
    Prefect's database.
    """
    settings = settings or get_settings()
    if settings.storage_url is None:
        return None
    options = s3fs_options(settings.s3_endpoint_url, settings.s3_region)
    block = RemoteFileSystem(basepath=f"{settings.storage_url.rstrip('/')}/results", settings=options)
    block.save(result_block_name(settings), overwrite=True)
    return f"remote-file-system/{result_block_name(settings)}"


def step_timeout() -> float:
    """`timeout_seconds` of every step: P2V_TASK_TIMEOUT_S (read at import), so a hung step fails, named."""
    return get_settings().task_timeout_s


class _ThreadTimeoutNotice(logging.Filter):
    """Drops Prefect's per-task-run warning that a timeout in a worker thread waits for blocking calls to return.

    Mapped steps (and every step of a batch's in-process video) run in worker threads; their blocking calls carry
    their own limits (HTTP timeouts, the ffmpeg watchdog), so the step timeout is a backstop there, and the
    warning, repeated for each scene, would drown the one informative line per step.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        return not str(record.msg).startswith("Timeout of %s seconds configured for this task, but the task is running")


logging.getLogger("prefect.task_runs").addFilter(_ThreadTimeoutNotice())


def resumable(key: CachePolicy | None = None) -> dict[str, Any]:
    """`@task` options for a step whose finished result a rerun should reuse; `key`: what the cache key hashes
    instead of the inputs, the task's source and the settings."""
    policy = IntactInputs() if key is None else IntactInputs(base=key)
    return {"cache_policy": policy, "persist_result": True, "result_storage": result_storage()}


RetryCondition = Callable[[Any, TaskRun, State], bool]


def retry_unless(*final: type[BaseException]) -> RetryCondition:
    """A `retry_condition_fn`: Prefect retries a failed run unless it raised one of `final`."""

    def retry(_task: Any, _task_run: TaskRun, state: State) -> bool:
        return not isinstance(state.result(raise_on_failure=False), final)

    retry.__qualname__ = f"retry_unless({', '.join(kind.__name__ for kind in final)})"  # how Prefect's log names it
    return retry


retry_unless_permanent = retry_unless(*PERMANENT_ERRORS)
"""A bad parameter, an unwritable folder or a refused publication fails at once instead of after every retry."""
