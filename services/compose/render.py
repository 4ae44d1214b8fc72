"""Composing the timeline into an MP4 with one ffmpeg filter graph for the picture (built with ffmpeg-python).

Steps, each one ffmpeg process with a timeout: the stills' pan atlases, one process per still, one per core at a
time (atlas_prebuild.py: built in the picture's graph they would stay in memory to its end, 1170 MB peak for 12
1080p stills instead of 643 MB), into a partial folder beside the output that is removed when the render ends; the
picture with burned-in captions, reading those atlases; meanwhile, in parallel, the sound (mix, measure, normalise,
AAC), the contact sheet and the thumbnail (from the best scene's own media, see thumbnail.py); then picture and
sound are joined by stream copy into a temporary file, renamed into place only when complete.
"""

import hashlib
import os
import re
import shutil
from collections.abc import Mapping
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import ffmpeg

from services.compose.atlas_prebuild import prebuild_atlases
from services.compose.audio import render_audio
from services.compose.caption_layer import with_captions
from services.compose.captions import Cue, caption_cues, write_ass, write_srt
from services.compose.contact_sheet import write_contact_sheet
from services.compose.music import default_cache_dir, resolve_music
from services.compose.plan import RenderPlan, plan_render
from services.compose.progress import ProgressCallback, run_ffmpeg_with_progress
from services.compose.shorts import shorts_cues
from services.compose.thumbnail import write_thumbnail
from services.compose.visuals import Motion, transition_for, video_track
from services.exceptions import ComposeError
from services.ffmpeg import probe, run_ffmpeg
from services.models import CaptionStyle, RenderedVideo, Timeline
from services.partials import partial_path, remove_dead_partials

_INPUT_NUMBER = re.compile(r"\[(?:in|ist|vist|aist)#(\d+)")
_TEMP_FILES = (
    ("slots", "ass"),
    ("mix", "wav"),
    ("sound", "m4a"),
    ("picture", "mp4"),
    ("thumbnail", "jpg"),
    ("video", "mp4"),
)


class Composer:
    """Renders H.264 yuv420p + AAC 48 kHz MP4s with transitions, pan/zoom, narration, music and captions."""

    def __init__(
        self,
        *,
        timeout_s: float = 900.0,
        preset: str = "veryfast",
        crf: int = 23,
        transition: str = "fade",
        motion: Motion = "pan",
        music_cache_dir: Path | None = None,
        prebuilt_atlases: bool = True,
    ) -> None:
        """`prebuilt_atlases`: build the smooth pan's phase atlases before the picture graph, in their own ffmpeg
        processes (atlas_prebuild.py: the same pixels, ~20 MB less memory per 1080p still); False builds them in
        the graph, which writes no atlas files (~27 MB each at 1080p, beside the render's partial files)."""
        transition_for(transition, 1)  # fail at construction on an unknown transition name
        self.timeout_s = timeout_s
        self.preset = preset
        self.crf = crf
        self.transition = transition
        self.motion: Motion = motion
        self.music_cache_dir = music_cache_dir or default_cache_dir()
        self.prebuilt_atlases = prebuilt_atlases

    def render(
        self, timeline: Timeline, out_dir: Path, *, on_progress: ProgressCallback | None = None
    ) -> RenderedVideo:
        """Write video.mp4, thumbnail.jpg, captions.srt, contact_sheet.png; the MP4 appears only when complete.

        The sound track and the contact sheet are made by their own ffmpeg processes while the picture encodes;
        picture and sound are then joined by stream copy. `on_progress(fraction)` follows the picture encode.
        """
        check_inputs(timeline)
        music = resolve_music(timeline.music, mood=timeline.mood, cache_dir=self.music_cache_dir, seed=timeline.title)
        out_dir.mkdir(parents=True, exist_ok=True)
        remove_dead_partials(out_dir)
        plan = plan_render(timeline)
        readable = caption_cues(plan)
        cues = shorts_cues(plan) if timeline.caption_style == "shorts" else readable
        ass_path, srt_path = out_dir / "captions.ass", out_dir / "captions.srt"
        write_ass(cues, ass_path, width=timeline.width, height=timeline.height, style=timeline.caption_style)
        final, thumbnail = out_dir / "video.mp4", out_dir / "thumbnail.jpg"
        temp = {kind: partial_path(out_dir / f"{kind}.{ext}") for kind, ext in _TEMP_FILES}
        atlas_dir = partial_path(out_dir / "atlases")  # a folder: remove_dead_partials clears a killed render's
        try:
            sheet = self._produce(plan, timeline, cues, temp, atlas_dir, music=music, on_progress=on_progress)
            os.replace(temp["video"], final)
            os.replace(temp["thumbnail"], thumbnail)
        finally:
            for path in temp.values():
                path.unlink(missing_ok=True)
            shutil.rmtree(atlas_dir, ignore_errors=True)
        write_srt(readable, srt_path)
        info = probe(final)
        return RenderedVideo(
            path=final,
            duration_s=info.duration_s or plan.duration_s,
            width=info.width,
            height=info.height,
            sha256=file_sha256(final),
            thumbnail_path=thumbnail,
            captions_path=srt_path,
            contact_sheet_path=sheet,
        )

    def _produce(
        self,
        plan: RenderPlan,
        timeline: Timeline,
        cues: list[Cue],
        temp: dict[str, Path],
        atlas_dir: Path,
        *,
        music: Path | None,
        on_progress: ProgressCallback | None,
    ) -> Path:
        """Pan atlases, then the picture here; sound, contact sheet and thumbnail on worker threads; then mux.

        Returns the sheet."""
        with ThreadPoolExecutor(max_workers=2, thread_name_prefix="compose") as pool:
            sound = pool.submit(
                render_audio, plan, music=music, work_path=temp["mix"], out_path=temp["sound"], timeout_s=self.timeout_s
            )
            sheet_path = temp["picture"].parent / "contact_sheet.png"
            sheet = pool.submit(write_contact_sheet, timeline, sheet_path, timeout_s=self.timeout_s)
            still = pool.submit(write_thumbnail, timeline, temp["thumbnail"], timeout_s=self.timeout_s)
            atlases = {}
            if self.prebuilt_atlases:
                atlases = prebuild_atlases(plan, self.motion, atlas_dir, timeout_s=self.timeout_s)
            args = self._picture_args(plan, cues, temp, timeline.caption_style, atlases)
            _run_naming_inputs(args, timeline, timeout_s=self.timeout_s, on_progress=on_progress)
            _mux(temp["picture"], sound.result(), temp["video"], timeout_s=self.timeout_s)
            still.result()
            return sheet.result()

    def _picture_args(
        self, plan: RenderPlan, cues: list[Cue], temp: dict[str, Path], style: CaptionStyle, atlases: Mapping[str, Path]
    ) -> list[str]:
        video = video_track(plan, motion=self.motion, transition=self.transition, atlases=atlases)
        video = with_captions(video, cues, plan, script_path=temp["slots"], style=style)
        picture = ffmpeg.output(
            video,
            str(temp["picture"]),
            vcodec="libx264",
            preset=self.preset,
            crf=self.crf,
            pix_fmt="yuv420p",
            r=plan.fps,
            t=f"{plan.duration_s:.6f}",
            f="mp4",
        )
        return ["-loglevel", "error", *picture.get_args()]  # keeps a failure's cause inside the stderr tail


def _mux(picture: Path, sound: Path, output: Path, *, timeout_s: float) -> None:
    """Picture and sound into one MP4 by stream copy, the index at the front for streaming (+faststart)."""
    args = ["-i", str(picture), "-i", str(sound), "-map", "0:v:0", "-map", "1:a:0", "-c", "copy"]
    args += ["-movflags", "+faststart", "-f", "mp4", str(output)]
    run_ffmpeg(args, timeout_s=timeout_s, what="joining picture and sound")


def check_inputs(timeline: Timeline) -> None:
    """Fail before any work when a scene's media or narration file is missing or not a regular file.

    A FIFO or device would block ffmpeg until its timeout; refusing it here names the file instead.
    """
    for clip in timeline.clips:
        paths = [("media", asset.local_path) for asset in (clip.asset, *clip.extra_assets)]
        if clip.narration is not None:
            paths.append(("narration", clip.narration.path))
        for what, path in paths:
            if path is None or not Path(path).is_file():
                problem = f"scene {clip.scene.index}: {what} file {path} does not exist or is not a regular file"
                raise ComposeError(problem, returncode=None, stderr_tail="")


def _run_naming_inputs(
    args: list[str], timeline: Timeline, *, timeout_s: float, on_progress: ProgressCallback | None
) -> None:
    """Render; when ffmpeg fails on an input file, say which scene's file it was."""
    what = "rendering the video"
    try:
        if on_progress is None:
            run_ffmpeg(args, timeout_s=timeout_s, what=what)
        else:
            run_ffmpeg_with_progress(
                args, timeout_s=timeout_s, what=what, total_s=timeline.duration_s, on_progress=on_progress
            )
    except ComposeError as exc:
        if exc.returncode is None:  # killed at the timeout: no input is to blame
            raise
        failed = _failed_input(args, exc.stderr_tail)
        for clip in timeline.clips:
            footage = [a.local_path for a in (clip.asset, *clip.extra_assets)]
            for path in (*footage, clip.narration.path if clip.narration else None):
                if failed is not None and path is not None and str(path) == failed:
                    raise ComposeError(
                        f"rendering the video failed: scene {clip.scene.index} cannot be decoded from {path}",
                        returncode=exc.returncode,
                        stderr_tail=exc.stderr_tail,
                    ) from exc
        raise


def _failed_input(args: list[str], stderr: str) -> str | None:
    """The input file ffmpeg complained about, by path or by its input number (`[vist#1:0/png ...]`)."""
    inputs = [args[i + 1] for i, arg in enumerate(args[:-1]) if arg == "-i"]
    named = [path for path in inputs if path in stderr]
    if named:
        return named[0]
    number = _INPUT_NUMBER.search(stderr)
    if number and int(number.group(1)) < len(inputs):
        return inputs[int(number.group(1))]
    return None


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()
