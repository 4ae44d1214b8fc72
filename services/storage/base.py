"""The artifact store interface: where files that another step (maybe on another machine) reads are kept."""

from pathlib import Path
from typing import Protocol, runtime_checkable

from pydantic import BaseModel

from services.exceptions import StepError

ArtifactRef = Path | str
"""A local path (the local backend) or an object URI such as `s3://bucket/prefix/key` (a remote backend)."""


class StorageError(StepError):
    """An object could not be stored or fetched; the message names the object, never a credential."""

    def __init__(self, message: str) -> None:
        super().__init__("storage", message)


class TransferStats(BaseModel):
    """Bytes moved to and from the store by one process, and the seconds it took."""

    bytes_up: int = 0
    bytes_down: int = 0
    seconds_up: float = 0.0
    seconds_down: float = 0.0
    puts: int = 0
    fetches: int = 0


@runtime_checkable
class ArtifactStore(Protocol):
    """Keys are relative ('narration/scene-00-ab12.wav'); refs are what `put` returns and models carry."""

    remote: bool
    stats: TransferStats

    def put(self, local_path: Path, key: str) -> ArtifactRef:
        """Store the file under `key` (no copy when it is already where the store keeps it)."""
        ...

    def fetch(self, ref: ArtifactRef, into: Path) -> Path:
        """A local path with the object's bytes: the file itself when local, else a copy under `into`."""
        ...

    def exists(self, ref: ArtifactRef) -> bool: ...

    def read_bytes(self, ref: ArtifactRef) -> bytes:
        """A small object (JSON) read whole."""
        ...

    def write_bytes(self, data: bytes, key: str) -> ArtifactRef: ...

    def delete(self, ref: ArtifactRef) -> None: ...

    def uri(self, key: str) -> ArtifactRef:
        """The ref of `key` (whether it exists or not)."""
        ...


OBJECT_SCHEMES = ("s3://",)
"""URIs of objects in a store. Other URLs in a model (a stock asset's `source_url`, a `file:` URL) are not refs."""


def is_remote_ref(ref: object) -> bool:
    """An object URI (`s3://...`) of a remote store, not a host path."""
    return isinstance(ref, str) and ref.startswith(OBJECT_SCHEMES)
