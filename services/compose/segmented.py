"""The composer's video with the picture rendered in segments (segments.py), then joined with the sound.

The steps are separate functions so a scheduler can run them where it likes: `render_segment` once per segment
(segment_render.py), `render_sound` once for the whole video, `write_extras` (thumbnail, contact sheet, caption
files), then `join_video`. Segments and the sound are stored under their content key in a parts folder, so an
unchanged segment is never rendered twice. `SegmentedComposer` runs all of it on this machine with a few threads,
each step its own ffmpeg process, one segment per core where one filter graph would leave a core idle.
"""

import hashlib
import json
import os
import shutil
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from pydantic import BaseModel

from services.compose.atlas import AtlasStore
from services.compose.audio import render_audio
from services.compose.captions import caption_cues, write_ass, write_srt
from services.compose.contact_sheet import write_contact_sheet
from services.compose.music import resolve_music
from services.compose.plan import plan_render
from services.compose.render import Composer, check_inputs, file_sha256
from services.compose.segment_render import join_video_stream, render_segment, segment_atlas_keys
from services.compose.segments import (
    EncoderSettings,
    SegmentedPlan,
    SegmentFile,
    SegmentJob,
    file_digest,
    plan_segments,
)
from services.compose.shorts import shorts_cues
from services.compose.thumbnail import write_thumbnail
from services.ffmpeg import probe
from services.models import RenderedVideo, Timeline
from services.partials import partial_path, remove_dead_partials

SOUND_FORMAT = 1
"""Bumped whenever the sound track is made differently, so older cached tracks are not reused."""


class VideoExtras(BaseModel):
    """What goes beside the video: the thumbnail, the contact sheet and the .srt captions."""

    thumbnail_path: Path
    contact_sheet_path: Path
    captions_path: Path


def render_sound(timeline: Timeline, folder: Path, *, music_cache_dir: Path, timeout_s: float) -> Path:
    """The whole video's sound track (audio.py), stored in `folder` under its content key unless already there."""
    music = resolve_music(timeline.music, mood=timeline.mood, cache_dir=music_cache_dir, seed=timeline.title)
    plan = plan_render(timeline)
    final = folder / f"sound-{sound_key(timeline, music)[:40]}.m4a"
    if final.is_file():
        return final
    folder.mkdir(parents=True, exist_ok=True)
    partial, mix = partial_path(final), partial_path(final.with_suffix(".wav"))
    try:
        render_audio(plan, music=music, work_path=mix, out_path=partial, timeout_s=timeout_s)
        os.replace(partial, final)
    finally:
        partial.unlink(missing_ok=True)
        mix.unlink(missing_ok=True)
    return final


def sound_key(timeline: Timeline, music: Path | None) -> str:
    """sha256 of what shapes the sound: narration files and where they start, the length, the music file."""
    plan = plan_render(timeline)
    voices = [
        [file_digest(s.clip.narration.path), round(s.narration_start_s, 6)]
        for s in plan.scenes
        if s.clip.narration is not None
    ]
    content = {"format": SOUND_FORMAT, "frames": [plan.total_frames, plan.fps], "voices": voices}
    content["music"] = file_digest(music) if music is not None else None
    return hashlib.sha256(json.dumps(content, sort_keys=True).encode()).hexdigest()


def write_extras(timeline: Timeline, out_dir: Path, *, timeout_s: float) -> VideoExtras:
    """thumbnail.jpg, contact_sheet.png, captions.srt and captions.ass into `out_dir` (each written atomically)."""
    out_dir.mkdir(parents=True, exist_ok=True)
    plan = plan_render(timeline)
    readable = caption_cues(plan)
    cues = shorts_cues(plan) if timeline.caption_style == "shorts" else readable
    size = {"width": timeline.width, "height": timeline.height}
    write_ass(cues, out_dir / "captions.ass", **size, style=timeline.caption_style)
    write_srt(readable, out_dir / "captions.srt")
    thumbnail, partial = out_dir / "thumbnail.jpg", partial_path(out_dir / "thumbnail.jpg")
    try:
        write_thumbnail(timeline, partial, timeout_s=timeout_s)
        os.replace(partial, thumbnail)
    finally:
        partial.unlink(missing_ok=True)
    sheet = write_contact_sheet(timeline, out_dir / "contact_sheet.png", timeout_s=timeout_s)
    return VideoExtras(thumbnail_path=thumbnail, contact_sheet_path=sheet, captions_path=out_dir / "captions.srt")


def join_video(
    segments: list[SegmentFile], sound: Path, extras: VideoExtras, out_dir: Path, *, timeout_s: float
) -> RenderedVideo:
    """video.mp4 in `out_dir`: the segments in order and the sound by stream copy, renamed into place when done."""
    out_dir.mkdir(parents=True, exist_ok=True)
    final = out_dir / "video.mp4"
    partial = partial_path(final)
    try:
        join_video_stream(segments, sound, partial, timeout_s=timeout_s)
        os.replace(partial, final)
    finally:
        partial.unlink(missing_ok=True)
    info = probe(final)
    seconds = sum(s.frames for s in segments) / segments[0].fps
    return RenderedVideo(
        path=final,
        duration_s=info.duration_s or seconds,
        width=info.width,
        height=info.height,
        sha256=file_sha256(final),
        thumbnail_path=extras.thumbnail_path,
        captions_path=extras.captions_path,
        contact_sheet_path=extras.contact_sheet_path,
    )


def encoder_of(composer: Composer, *, threads: int = 0) -> EncoderSettings:
    return EncoderSettings(preset=composer.preset, crf=composer.crf, threads=threads)


STILL_SETUP_FRAMES = 10
"""A still's one-off cost in a segment (decode, scale, the pan's phase atlas), in frames of encode: ~0.25 s."""


def render_order(plan: SegmentedPlan) -> list[SegmentJob]:
    """The jobs most expensive first, so the last ones to finish are short and no core idles long at the end."""
    return sorted(plan.jobs, key=lambda job: -(job.frames + STILL_SETUP_FRAMES * (1 + (job.previous is not None))))


class SegmentedComposer:
    """Renders what `Composer` renders, the picture in segments on `workers` threads of this process.

    `workers` defaults to the number of cores. When every core has a segment of its own (workers >= cores), each
    segment is encoded and filtered single-threaded: frame threading would only add CPU on a busy machine.
    """

    def __init__(self, composer: Composer, *, parts_dir: Path, workers: int | None = None) -> None:
        self.composer = composer
        self.parts_dir = parts_dir
        self.workers = max(1, workers or os.cpu_count() or 1)

    def plan(self, timeline: Timeline) -> SegmentedPlan:
        composer = self.composer
        threads = 1 if self.workers >= (os.cpu_count() or 1) else 0
        return plan_segments(
            timeline,
            motion=composer.motion,
            transition=composer.transition,
            encoder=encoder_of(composer, threads=threads),
        )

    def render(self, timeline: Timeline, out_dir: Path) -> RenderedVideo:
        check_inputs(timeline)
        plan = self.plan(timeline)
        timeout = self.composer.timeout_s
        out_dir.mkdir(parents=True, exist_ok=True)
        self.parts_dir.mkdir(parents=True, exist_ok=True)
        remove_dead_partials(out_dir)
        remove_dead_partials(self.parts_dir)
        music_dir = self.composer.music_cache_dir
        keys = {job.index: segment_atlas_keys(job) for job in plan.jobs}
        atlas_dir = partial_path(self.parts_dir / "atlases")  # a killed render's is cleared by remove_dead_partials
        try:
            with (
                ThreadPoolExecutor(max_workers=self.workers, thread_name_prefix="segment") as pool,
                ThreadPoolExecutor(max_workers=1, thread_name_prefix="beside") as beside,
            ):
                uses = Counter(key for job_keys in keys.values() for key in job_keys)
                args = plan.jobs[0].encoder.global_args()
                atlases = AtlasStore(atlas_dir, uses, timeout_s=timeout, global_args=args)
                parts = {
                    job.index: pool.submit(self._segment, job, atlases, keys[job.index]) for job in render_order(plan)
                }
                # The sound and extras are mostly single-threaded and short: beside the segments, not in a slot
                sound = beside.submit(
                    render_sound, timeline, self.parts_dir, music_cache_dir=music_dir, timeout_s=timeout
                )
                extras = beside.submit(write_extras, timeline, out_dir, timeout_s=timeout)
                segments = [parts[job.index].result() for job in plan.jobs]
                return join_video(segments, sound.result(), extras.result(), out_dir, timeout_s=timeout)
        finally:
            shutil.rmtree(atlas_dir, ignore_errors=True)

    def _segment(self, job: SegmentJob, atlases: AtlasStore, keys: list[str]) -> SegmentFile:
        try:
            return render_segment(job, self.parts_dir, timeout_s=self.composer.timeout_s, atlases=atlases)
        finally:
            atlases.release(keys)
