"""The render plan cut at scene boundaries into segments that can be rendered apart and joined by stream copy.

Segment k holds the output frames from scene k's start to scene k+1's start: the transition into scene k (scene
k-1's tail blended with scene k's head), then scene k's body. Scene k's own tail goes to segment k+1, so every
transition is rendered by exactly one segment and the segments' frames add up to the plan's total.

A segment names everything that shapes its pixels in segment-relative terms (no absolute start frame or time), so
its content key stays the same when another scene is edited and only the changed scenes' segments render again.
"""

import hashlib
import json
from functools import lru_cache
from pathlib import Path

from pydantic import BaseModel

from services.compose.caption_layer import frame_exact_cues
from services.compose.captions import Cue, caption_cues
from services.compose.kenburns import Motion
from services.compose.plan import RenderPlan, ScenePlan, plan_render
from services.compose.render import file_sha256
from services.compose.shorts import shorts_cues
from services.compose.visuals import transition_for
from services.models import CaptionStyle, Timeline

SEGMENT_FORMAT = 2
"""Bumped whenever the way a segment is rendered changes, so older cached segments are not reused."""


class EncoderSettings(BaseModel):
    """Identical for every segment of a video, so their H.264 parameter sets match and `-c copy` joins them."""

    preset: str = "veryfast"
    crf: int = 23
    profile: str = "high"
    level: str = "4.1"
    threads: int = 0
    """x264 threads per segment (0 = x264's choice). 1 when segments render side by side, one per core: frame
    threading then only costs CPU (x264 alone on one segment: 16% less CPU single-threaded). With 1, the filter
    graph runs single-threaded too (`global_args`)."""

    def global_args(self) -> list[str]:
        """ffmpeg options before the inputs: single-threaded filters when the encoder is single-threaded."""
        if self.threads != 1:
            return []
        return ["-filter_threads", "1", "-filter_complex_threads", "1"]

    def ffmpeg_options(self, fps: int) -> dict[str, str | int]:
        return {
            "vcodec": "libx264",
            "preset": self.preset,
            "crf": self.crf,
            "profile:v": self.profile,
            "level:v": self.level,
            "pix_fmt": "yuv420p",
            "x264-params": "open-gop=0",
            "threads": self.threads,
            "video_track_timescale": fps * 512,
        }


class SegmentJob(BaseModel):
    """One segment: its frames, the scene it shows and the tail of the scene before, its captions, the encoder."""

    index: int
    first_frame: int
    """Where the segment lands in the video; not part of its content."""
    frames: int
    width: int
    height: int
    fps: int
    overlap: int
    previous: ScenePlan | None
    scene: ScenePlan
    transition: str | None
    cues: list[Cue]
    """Caption cues on the segment's own clock (0 = its first frame); cues crossing its edges are cut there."""
    caption_style: CaptionStyle
    motion: Motion
    encoder: EncoderSettings

    def content_key(self) -> str:
        """sha256 of what shapes the segment's pixels: media contents, shots, cues, encoder (not where files live)."""
        content = {
            "format": SEGMENT_FORMAT,
            "frame": [self.width, self.height, self.fps, self.frames, self.overlap],
            "scenes": [_scene_content(s) for s in (self.previous, self.scene) if s is not None],
            "transition": self.transition,
            "cues": [c.model_dump(mode="json") for c in self.cues],
            "style": [self.caption_style, self.motion],
            "encoder": self.encoder.model_dump(mode="json"),
        }
        return hashlib.sha256(json.dumps(content, sort_keys=True).encode()).hexdigest()


class SegmentFile(BaseModel):
    """A rendered segment: an MP4 holding `frames` H.264 frames and nothing else."""

    index: int
    key: str
    path: Path
    frames: int
    fps: int


class SegmentedPlan(BaseModel):
    jobs: list[SegmentJob]
    total_frames: int
    fps: int


def plan_segments(timeline: Timeline, *, motion: Motion, transition: str, encoder: EncoderSettings) -> SegmentedPlan:
    """One segment per scene, cut at the scenes' start frames (see the module docstring)."""
    plan = plan_render(timeline)
    cues = shorts_cues(plan) if timeline.caption_style == "shorts" else caption_cues(plan)
    cues = frame_exact_cues(cues, fps=plan.fps, total_frames=plan.total_frames)
    starts = [scene.start_frame for scene in plan.scenes] + [plan.total_frames]
    jobs = []
    for k, scene in enumerate(plan.scenes):
        first, end = starts[k], starts[k + 1]
        jobs.append(
            SegmentJob(
                index=k,
                first_frame=first,
                frames=end - first,
                width=plan.width,
                height=plan.height,
                fps=plan.fps,
                overlap=plan.transition_frames,
                previous=plan.scenes[k - 1] if k > 0 and plan.transition_frames > 0 else None,
                scene=scene,
                transition=transition_for(transition, k) if k > 0 and plan.transition_frames > 0 else None,
                cues=shifted_cues(cues, first_frame=first, frames=end - first, fps=plan.fps),
                caption_style=timeline.caption_style,
                motion=motion,
                encoder=encoder,
            )
        )
    return SegmentedPlan(jobs=jobs, total_frames=plan.total_frames, fps=plan.fps)


def shifted_cues(cues: list[Cue], *, first_frame: int, frames: int, fps: int) -> list[Cue]:
    """The cues seen in frames [first_frame, first_frame + frames), on the segment's clock.

    A cue is shown on frame n when start <= n / fps < end (caption_layer decides the same way); shifting by a
    whole number of frames keeps every cue on the same frames, so a cue crossing a boundary shows on both sides.
    """
    offset, length = first_frame / fps, frames / fps
    shifted = []
    for cue in cues:
        start, end = cue.start_s - offset, cue.end_s - offset
        if end > 0 and start < length:
            shifted.append(cue.model_copy(update={"start_s": max(0.0, start), "end_s": min(length, end)}))
    return shifted


def scene_geometry(job: SegmentJob) -> RenderPlan:
    """A RenderPlan carrying the frame size, rate and overlap that the scene builders read."""
    scenes = [s for s in (job.previous, job.scene) if s is not None]
    return RenderPlan(width=job.width, height=job.height, fps=job.fps, transition_frames=job.overlap, scenes=scenes)


def _scene_content(scene: ScenePlan) -> dict:
    assets = [scene.clip.asset, *scene.clip.extra_assets]
    return {
        "index": scene.index,
        "frames": scene.frames,
        "edges": [scene.is_first, scene.is_last],
        "assets": [
            {
                "kind": a.kind,
                "size": [a.width, a.height],
                "duration_s": a.duration_s,
                "sha256": file_digest(a.local_path),
            }
            for a in assets
        ],
    }


def file_digest(path: Path | None) -> str | None:
    """sha256 of a media file, remembered per (path, size, mtime) so a file is read once per process.

    Content rather than location: two workers with their own scratch copies of a file agree on the key.
    """
    if path is None:
        return None
    try:
        stat = Path(path).stat()
    except OSError:
        return None
    return _digest(str(path), stat.st_size, stat.st_mtime_ns)


@lru_cache(maxsize=4096)
def _digest(path: str, size: int, mtime_ns: int) -> str:
    return file_sha256(Path(path))
