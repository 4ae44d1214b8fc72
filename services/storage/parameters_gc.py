"""Parameter objects of background task runs in the bucket (`<storage URL>/results/parameters/<run id>`).

With P2V_SEGMENT_RUNNER=task-workers, Prefect writes one such object per `.delay(...)` (a segment, a sound track)
and never deletes it. A worker reads it when it starts the run, again when a stopped worker handed the run back, so
it is needed only while its compose run waits (P2V_TASK_TIMEOUT_S at most). `p2v gc` removes those older than the
retention age (P2V_RETENTION_DAYS, and never within P2V_RETENTION_GRACE_S), like the local result records.
"""

import time

from pydantic import BaseModel

from services.retention import RetentionPolicy
from services.settings import Settings
from services.storage import StorageError, build_store
from services.storage.s3 import S3Store

PARAMETERS_KEY = "results/parameters"


class ParameterObject(BaseModel):
    uri: str
    size: int
    modified: float


class ParametersCollection(BaseModel):
    """What one collection removed (or would remove, in a dry run) and how many it kept."""

    dry_run: bool
    removed: list[ParameterObject] = []
    kept: int = 0

    @property
    def freed_bytes(self) -> int:
        return sum(item.size for item in self.removed)


def parameter_objects(store: S3Store) -> list[ParameterObject]:
    """Every parameter object under the store's prefix (none when nothing was ever submitted)."""
    folder = store.uri(PARAMETERS_KEY)
    try:
        entries = store.fs.ls(folder, detail=True, refresh=True)
    except FileNotFoundError:
        return []
    except OSError as exc:
        raise StorageError(f"could not list {folder} ({type(exc).__name__})") from None
    return [
        ParameterObject(
            uri=f"s3://{entry['name']}", size=int(entry["size"]), modified=entry["LastModified"].timestamp()
        )
        for entry in entries
        if entry["type"] == "file"
    ]


def collect_parameters(
    settings: Settings, *, dry_run: bool = False, now: float | None = None
) -> ParametersCollection | None:
    """Remove the parameter objects older than the retention age (P2V_WORK_MAX_BYTES does not count them); None
    without P2V_STORAGE_URL (local runs keep no such objects)."""
    store = build_store(settings)
    if not isinstance(store, S3Store):
        return None
    policy = RetentionPolicy.from_settings(settings)
    cutoff = (time.time() if now is None else now) - max(policy.max_age_s, policy.grace_s)
    result = ParametersCollection(dry_run=dry_run)
    for item in parameter_objects(store):
        if item.modified >= cutoff:
            result.kept += 1
            continue
        if not dry_run:
            store.delete(item.uri)
        result.removed.append(item)
    return result
