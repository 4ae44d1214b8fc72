"""Whether a step's earlier result still describes files that exist, so a resumed run may reuse it."""

from pathlib import Path
from typing import Any

from pydantic import BaseModel

from services.compose.render import file_sha256
from services.models import RenderedVideo
from services.storage import ArtifactStore, is_remote_ref, refs_in


def referenced_paths(value: Any) -> list[Path]:
    """Every `Path` inside a result (pydantic models, lists, tuples, dicts), in order."""
    if isinstance(value, Path):
        return [value]
    if isinstance(value, BaseModel):
        return [p for name in type(value).model_fields for p in referenced_paths(getattr(value, name))]
    if isinstance(value, dict):
        return [p for item in value.values() for p in referenced_paths(item)]
    if isinstance(value, list | tuple):
        return [p for item in value for p in referenced_paths(item)]
    return []


def still_intact(value: Any, store: ArtifactStore | None = None) -> bool:
    """True when every file the result names exists, and every rendered video still has its recorded sha256.

    The checksum guards against a render folder that a later render overwrote with different bytes. Objects in a
    remote store are checked for existence there (their keys name their content or their render's inputs); a
    result naming objects while this worker has no remote store is not intact here.
    """
    for ref in refs_in(value):
        if is_remote_ref(ref):
            if store is None or not store.remote or not store.exists(ref):
                return False
        elif not Path(ref).is_file():
            return False
    videos = [value] if isinstance(value, RenderedVideo) and isinstance(value.path, Path) else []
    return all(file_sha256(video.path) == video.sha256 for video in videos)  # type: ignore[arg-type]
