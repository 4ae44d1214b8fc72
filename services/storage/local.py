"""The local-folder backend: files stay where the steps wrote them (the P2V_DATA_DIR layout of a single machine)."""

import os
import shutil
from pathlib import Path

from services.partials import partial_path
from services.storage.base import ArtifactRef, StorageError, TransferStats, is_remote_ref


class LocalStore:
    """Refs are plain paths. `put` of a file under `root` returns it unchanged: `p2v run` copies nothing."""

    remote = False

    def __init__(self, root: Path) -> None:
        self.root = root
        self.stats = TransferStats()

    def put(self, local_path: Path, key: str) -> ArtifactRef:
        if local_path.resolve().is_relative_to(self.root.resolve()):
            return local_path
        target = self._path(key)
        target.parent.mkdir(parents=True, exist_ok=True)
        partial = partial_path(target)
        shutil.copyfile(local_path, partial)
        os.replace(partial, target)
        return target

    def fetch(self, ref: ArtifactRef, into: Path) -> Path:
        path = self._local(ref)
        if not path.is_file():
            raise StorageError(f"{path} is missing")
        return path

    def exists(self, ref: ArtifactRef) -> bool:
        return self._local(ref).is_file()

    def read_bytes(self, ref: ArtifactRef) -> bytes:
        try:
            return self._local(ref).read_bytes()
        except FileNotFoundError:
            raise StorageError(f"{ref} is missing") from None

    def write_bytes(self, data: bytes, key: str) -> ArtifactRef:
        target = self._path(key)
        target.parent.mkdir(parents=True, exist_ok=True)
        partial = partial_path(target)
        partial.write_bytes(data)
        os.replace(partial, target)
        return target

    def delete(self, ref: ArtifactRef) -> None:
        self._local(ref).unlink(missing_ok=True)

    def uri(self, key: str) -> ArtifactRef:
        return self._path(key)

    def _path(self, key: str) -> Path:
        target = (self.root / key).resolve()
        if not target.is_relative_to(self.root.resolve()):
            raise StorageError(f"key {key!r} leaves the store's folder")
        return target

    @staticmethod
    def _local(ref: ArtifactRef) -> Path:
        if is_remote_ref(ref):
            raise StorageError(f"{ref} is in an object store, but P2V_STORAGE_URL is not set on this worker")
        return Path(ref)
