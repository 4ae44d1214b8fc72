"""Moving a step's files across the task boundary: every ref inside a pydantic model fetched or stored.

A ref is a `Path` (a file on this worker) or a URI of the configured store. Services take and return models whose
refs are local paths; tasks call `fetched` on their inputs and `stored` on their outputs.
"""

import hashlib
import shutil
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, TypeVar

from pydantic import BaseModel

from services.storage.base import ArtifactRef, ArtifactStore, is_remote_ref

M = TypeVar("M")
KeyOf = Callable[[Path], str]


def _mapped(value: Any, change: Callable[[ArtifactRef], ArtifactRef], is_ref: Callable[[Any], bool]) -> Any:
    if is_ref(value):
        return change(value)
    if isinstance(value, BaseModel):
        updates = {}
        for name in type(value).model_fields:
            old = getattr(value, name)
            new = _mapped(old, change, is_ref)
            if new is not old:
                updates[name] = new
        return value.model_copy(update=updates) if updates else value
    if isinstance(value, list | tuple):
        items = [_mapped(item, change, is_ref) for item in value]
        return value if all(a is b for a, b in zip(items, value, strict=True)) else type(value)(items)
    if isinstance(value, dict):
        return {k: _mapped(v, change, is_ref) for k, v in value.items()}
    return value


def refs_in(value: Any) -> list[ArtifactRef]:
    """Every ref (local path or object URI) inside a model, list or dict, in order."""
    found: list[ArtifactRef] = []

    def note(ref: ArtifactRef) -> ArtifactRef:
        found.append(ref)
        return ref

    _mapped(value, note, lambda v: isinstance(v, Path) or is_remote_ref(v))
    return found


def fetched(value: M, store: ArtifactStore, into: Path) -> M:
    """`value` with each object of `store` replaced by a local copy under `into` (local refs are kept)."""
    if not store.remote:
        return value
    copies: dict[str, Path] = {}

    def fetch(ref: ArtifactRef) -> Path:
        if str(ref) not in copies:
            copies[str(ref)] = store.fetch(ref, into)
        return copies[str(ref)]

    return _mapped(value, fetch, is_remote_ref)  # type: ignore[no-any-return]


def stored(value: M, store: ArtifactStore, key_of: KeyOf) -> M:
    """`value` with each local file put into `store` under `key_of(path)` (unchanged for the local store)."""
    if not store.remote:
        return value
    return _mapped(value, lambda path: store.put(Path(path), key_of(Path(path))), lambda v: isinstance(v, Path))  # type: ignore[no-any-return]


def in_folder(folder: str) -> KeyOf:
    """Keys `folder/<file name>`, for files whose names already name their content (hashes)."""
    return lambda path: f"{folder}/{path.name}"


def by_content(folder: str) -> KeyOf:
    """Keys `folder/<sha256 of the bytes><suffix>`, for files with arbitrary names (a local media folder)."""

    def key(path: Path) -> str:
        digest = hashlib.sha256()
        with path.open("rb") as handle:
            for block in iter(lambda: handle.read(1 << 20), b""):
                digest.update(block)
        return f"{folder}/{digest.hexdigest()[:32]}{path.suffix.lower()}"

    return key


@contextmanager
def scratch(root: Path) -> Iterator[Path]:
    """A private folder under the worker's scratch root for one task run, removed with everything in it."""
    folder = root / uuid.uuid4().hex[:16]
    folder.mkdir(parents=True)
    try:
        yield folder
    finally:
        shutil.rmtree(folder, ignore_errors=True)
