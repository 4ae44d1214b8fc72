"""Composing the timeline into an MP4 with one ffmpeg filter graph (built with ffmpeg-python)."""

import hashlib
import os
from pathlib import Path

import ffmpeg

from services.compose.captions import caption_cues, write_ass, write_srt
from services.compose.fonts import FONTS_DIR
from services.compose.progress import ProgressCallback, run_ffmpeg_with_progress
from services.ffmpeg import probe, run_ffmpeg
from services.models import RenderedVideo, Timeline, TimelineClip


class Composer:
    """Renders H.264 yuv420p + AAC 48 kHz MP4s with crossfades, burned-in captions and a thumbnail."""

    def __init__(self, *, timeout_s: float = 900.0, preset: str = "veryfast", crf: int = 23) -> None:
        self.timeout_s = timeout_s
        self.preset = preset
        self.crf = crf

    def render(
        self, timeline: Timeline, out_dir: Path, *, on_progress: ProgressCallback | None = None
    ) -> RenderedVideo:
        """Write video.mp4, thumbnail.jpg, captions.srt into out_dir; the MP4 appears only when complete.

        `on_progress(fraction)` is called while ffmpeg encodes, when given.
        """
        out_dir.mkdir(parents=True, exist_ok=True)
        cues = caption_cues(timeline)
        ass_path, srt_path = out_dir / "captions.ass", out_dir / "captions.srt"
        write_ass(cues, ass_path, width=timeline.width, height=timeline.height)
        write_srt(cues, srt_path)
        final = out_dir / "video.mp4"
        partial = out_dir / f".video.{os.getpid()}.partial.mp4"
        try:
            args, what = self._graph_args(timeline, ass_path, partial), "rendering the video"
            if on_progress is None:
                run_ffmpeg(args, timeout_s=self.timeout_s, what=what)
            else:
                run_ffmpeg_with_progress(
                    args, timeout_s=self.timeout_s, what=what, total_s=timeline.duration_s, on_progress=on_progress
                )
            os.replace(partial, final)
        finally:
            partial.unlink(missing_ok=True)
        thumbnail = self._thumbnail(final, out_dir / "thumbnail.jpg", at_s=timeline.clips[0].scene.duration_s / 2)
        info = probe(final)
        return RenderedVideo(
            path=final,
            duration_s=info.duration_s or timeline.duration_s,
            width=info.width,
            height=info.height,
            sha256=file_sha256(final),
            thumbnail_path=thumbnail,
            captions_path=srt_path,
        )

    def _graph_args(self, timeline: Timeline, ass_path: Path, output: Path) -> list[str]:
        streams = [_clip_stream(clip, timeline) for clip in timeline.clips]
        video = streams[0]
        for clip, nxt in zip(timeline.clips[1:], streams[1:], strict=True):
            video = ffmpeg.filter(
                [video, nxt], "xfade", transition="fade", duration=timeline.transition_s, offset=clip.start_s
            )
        video = video.filter("subtitles", filename=str(ass_path), fontsdir=str(FONTS_DIR))
        total = timeline.duration_s
        audio = ffmpeg.input("anullsrc=r=48000:cl=stereo", f="lavfi", t=f"{total:.3f}")
        return ffmpeg.output(
            video,
            audio,
            str(output),
            vcodec="libx264",
            preset=self.preset,
            crf=self.crf,
            pix_fmt="yuv420p",
            r=timeline.fps,
            acodec="aac",
            ar=48000,
            audio_bitrate="160k",
            movflags="+faststart",
            t=f"{total:.3f}",
            f="mp4",
        ).get_args()

    def _thumbnail(self, video: Path, path: Path, *, at_s: float) -> Path:
        partial = path.with_name(f".{path.stem}.{os.getpid()}.jpg")
        args = ["-ss", f"{at_s:.3f}", "-i", str(video), "-frames:v", "1", "-q:v", "3", str(partial)]
        run_ffmpeg(args, timeout_s=self.timeout_s, what="extracting the thumbnail")
        os.replace(partial, path)
        return path


def _clip_stream(clip: TimelineClip, timeline: Timeline) -> ffmpeg.nodes.FilterableStream:
    """One scene's frames at the output size: stills scaled once and repeated, videos trimmed or looped."""
    w, h, fps = timeline.width, timeline.height, timeline.fps
    frames = max(1, round(clip.scene.duration_s * fps))
    path = str(clip.asset.local_path)
    if clip.asset.kind == "image":
        stream = _cover(ffmpeg.input(path).video, w, h).filter("loop", loop=frames - 1, size=1, start=0)
        stream = stream.filter("setpts", f"N/{fps}/TB")
    else:
        source = ffmpeg.input(path, stream_loop=-1, t=f"{clip.scene.duration_s + 1:.3f}").video
        stream = _cover(source.filter("fps", fps), w, h).filter("trim", end_frame=frames)
        stream = stream.filter("setpts", "PTS-STARTPTS")
    return stream.filter("fps", fps)


def _cover(stream: ffmpeg.nodes.FilterableStream, w: int, h: int) -> ffmpeg.nodes.FilterableStream:
    """Scale to cover the frame, centre-crop, square pixels, yuv420p."""
    stream = stream.filter("scale", w, h, force_original_aspect_ratio="increase", flags="bicubic")
    return stream.filter("crop", w, h).filter("setsar", 1).filter("format", "yuv420p")


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()
