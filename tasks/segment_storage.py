"""What the segment tasks hand each other, so the steps of one video can run on different workers.

With object storage (P2V_STORAGE_URL) a segment or the sound track rendered on one worker is put into the bucket
under its content key (`parts/segment-<key>.mp4`, `parts/sound-<key>.m4a`) and handed on as its URI; the join,
maybe on another worker, fetches them into its own scratch. With the local store the refs are the parts folder's
paths, as before.
"""

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from prefect.cache_policies import CachePolicy
from prefect.context import TaskRunContext
from pydantic import BaseModel

from services.compose.plan import ScenePlan
from services.compose.segmented import VideoExtras
from services.compose.segments import SegmentFile, SegmentJob
from services.exceptions import ComposeError
from services.models import ArtifactRef, MediaAsset, Timeline, TimelineClip
from services.storage import ArtifactStore, is_remote_ref
from tasks.storage import StepStorage


class StoredSegment(BaseModel):
    """A rendered segment wherever every worker finds it: a path of the parts folder, or an object URI."""

    index: int
    key: str
    ref: ArtifactRef
    frames: int
    fps: int

    def local(self, files: StepStorage) -> SegmentFile:
        """The segment as the join reads it: a file on this worker (fetched into the step's scratch if remote)."""
        path = Path(files.local(self.ref))
        return SegmentFile(index=self.index, key=self.key, path=path, frames=self.frames, fps=self.fps)


class StoredExtras(BaseModel):
    """`VideoExtras` whose files may be objects in the store."""

    thumbnail_path: ArtifactRef
    contact_sheet_path: ArtifactRef
    captions_path: ArtifactRef

    def local(self, files: StepStorage) -> VideoExtras:
        return VideoExtras.model_validate(files.local(self).model_dump())


def segment_key(job: SegmentJob) -> str:
    """The segment's content key, the same on every worker.

    `SegmentJob.content_key` reads the footage's bytes, which an object in the bucket is not until fetched; its
    URI stands in for them, since merge_media stores media under the sha256 of their bytes. Without remote refs
    this is `content_key` itself (the key of the local parts folder).
    """
    footage = [asset.local_path for scene in _scenes(job) for asset in _assets(scene)]
    if not any(is_remote_ref(ref) for ref in footage):
        return job.content_key()
    objects = [str(ref) if is_remote_ref(ref) else None for ref in footage]
    return hashlib.sha256(json.dumps([job.content_key(), objects]).encode()).hexdigest()


@dataclass
class SegmentContent(CachePolicy):
    """Cache key part: the segment's content key (media contents, shots, cues, encoder), not the whole job."""

    def compute_key(
        self, task_ctx: TaskRunContext, inputs: dict[str, Any], flow_parameters: dict[str, Any], **kwargs: Any
    ) -> str | None:
        job = inputs.get("job")
        return segment_key(job) if isinstance(job, SegmentJob) else None


def with_local_footage(job: SegmentJob, files: StepStorage) -> SegmentJob:
    """The job with its scenes' footage fetched into the step's scratch (not the narration: the picture has none)."""
    update = {name: _local_footage(scene, files) for name, scene in (("previous", job.previous), ("scene", job.scene))}
    return job.model_copy(update={name: scene for name, scene in update.items() if scene is not None})


def with_local_timeline_footage(timeline: Timeline, files: StepStorage) -> Timeline:
    """The timeline with every scene's footage fetched into the step's scratch (thumbnail, contact sheet)."""
    return timeline.model_copy(update={"clips": [_local_clip(clip, files) for clip in timeline.clips]})


def with_local_narration(timeline: Timeline, files: StepStorage) -> Timeline:
    """The timeline with the narration fetched into the step's scratch (the footage stays where it is)."""
    clips = [clip.model_copy(update={"narration": files.local(clip.narration)}) for clip in timeline.clips]
    return timeline.model_copy(update={"clips": clips})


def check_stored_inputs(timeline: Timeline, store: ArtifactStore) -> None:
    """`check_inputs` for a timeline whose files are objects of the store: each must be there, before any work."""
    for clip in timeline.clips:
        refs = [("media", asset.local_path) for asset in (clip.asset, *clip.extra_assets)]
        if clip.narration is not None:
            refs.append(("narration", clip.narration.path))
        for what, ref in refs:
            if ref is None or not (store.exists(ref) if is_remote_ref(ref) else Path(ref).is_file()):
                problem = f"scene {clip.scene.index}: {what} file {ref} is not in the store (P2V_STORAGE_URL)"
                raise ComposeError(problem, returncode=None, stderr_tail="")


def _scenes(job: SegmentJob) -> list[ScenePlan]:
    return [scene for scene in (job.previous, job.scene) if scene is not None]


def _assets(scene: ScenePlan) -> list[MediaAsset]:
    return [scene.clip.asset, *scene.clip.extra_assets]


def _local_footage(scene: ScenePlan | None, files: StepStorage) -> ScenePlan | None:
    if scene is None:
        return None
    return scene.model_copy(update={"clip": _local_clip(scene.clip, files)})


def _local_clip(clip: TimelineClip, files: StepStorage) -> TimelineClip:
    first, *extra = files.local([clip.asset, *clip.extra_assets])
    return clip.model_copy(update={"asset": first, "extra_assets": extra})
