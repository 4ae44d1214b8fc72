"""The task boundary of shared storage: a step fetches its inputs into scratch, works on paths, stores its outputs.

With the local store (no P2V_STORAGE_URL) every call here returns what it was given and no scratch folder is made:
`p2v run` behaves as before. With object storage, the step's scratch folder is removed when the step ends.
"""

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

from prefect.logging import get_run_logger

from services.settings import Settings
from services.storage import ArtifactRef, ArtifactStore, TransferStats, build_store, fetched, scratch, stored

M = TypeVar("M")


@dataclass
class StepStorage:
    store: ArtifactStore
    folder: Path | None

    def local(self, value: M) -> M:
        """`value` with every stored object fetched into this step's scratch folder."""
        return value if self.folder is None else fetched(value, self.store, self.folder)

    def shared(self, value: M, key_of: Callable[[Path], str]) -> M:
        """`value` with every local file put into the store, so a step on another worker can fetch it."""
        return stored(value, self.store, key_of)

    def already_stored(self, key: str) -> ArtifactRef | None:
        """The object under `key` when the remote store holds it (an output of any worker); None with the local
        store, whose steps look in their own folders."""
        if self.folder is None:
            return None
        ref = self.store.uri(key)
        return ref if self.store.exists(ref) else None

    def work(self, local_folder: Path) -> Path:
        """Where the step writes its outputs: `local_folder` as before, or scratch when the store is remote."""
        return local_folder if self.folder is None else self.folder / local_folder.name


@contextmanager
def step_storage(settings: Settings) -> Iterator[StepStorage]:
    store = build_store(settings)
    if not store.remote:
        yield StepStorage(store, None)
        return
    before = store.stats.model_copy()
    with scratch(settings.scratch_path) as folder:
        yield StepStorage(store, folder)
    _log_transfer(before, store.stats)


def _log_transfer(before: TransferStats, after: TransferStats) -> None:
    """One line per step; in a process running steps side by side (mapped tasks) it includes their transfers."""
    up, down = after.bytes_up - before.bytes_up, after.bytes_down - before.bytes_down
    if up or down:
        get_run_logger().info(
            "storage: %.2f MB up in %.2f s, %.2f MB down in %.2f s",
            up / 1e6,
            after.seconds_up - before.seconds_up,
            down / 1e6,
            after.seconds_down - before.seconds_down,
        )
