"""One segment's picture rendered by its own ffmpeg, and the segments joined with the sound by stream copy.

Each segment starts on an IDR frame (x264 always opens a stream with one; `open-gop=0` keeps every GOP closed) and
every segment is encoded with the same EncoderSettings, so their SPS/PPS match byte for byte and the concat demuxer
can join them without re-encoding. The join checks that instead of trusting it: a mismatch is an error naming the
segment, never a video that breaks halfway.
"""

import os
from pathlib import Path

import ffmpeg

from services.compose.atlas import AtlasStore, atlas_key
from services.compose.caption_layer import with_captions
from services.compose.kenburns import Shot, Stream
from services.compose.segments import SegmentFile, SegmentJob, scene_geometry
from services.compose.visuals import Atlases, crossfade, pan_shots, scene_stream, scene_tail
from services.exceptions import ComposeError
from services.ffmpeg import run_ffmpeg
from services.partials import partial_path


def segment_path(job: SegmentJob, folder: Path) -> Path:
    """Where a segment with this content lives in `folder`: named by its content key."""
    return folder / f"segment-{job.content_key()[:40]}.mp4"


def render_segment(
    job: SegmentJob, folder: Path, *, timeout_s: float, atlases: AtlasStore | None = None
) -> SegmentFile:
    """Render the segment into `folder` unless a segment with the same content key is already there.

    `atlases`: where the stills' pan atlases are shared with the other segments of the render (atlas.py).
    """
    final = segment_path(job, folder)
    done = SegmentFile(index=job.index, key=job.content_key(), path=final, frames=job.frames, fps=job.fps)
    if final.is_file():
        return done
    folder.mkdir(parents=True, exist_ok=True)
    partial, script = partial_path(final), partial_path(final.with_suffix(".ass"))
    try:
        size = {"width": job.width, "height": job.height}
        built = atlases.prepare(segment_shots(job), **size) if atlases is not None else None
        picture = with_captions(
            segment_picture(job, built),
            job.cues,
            scene_geometry(job),
            script_path=script,
            style=job.caption_style,
            total_frames=job.frames,
        )
        output = ffmpeg.output(
            picture,
            str(partial),
            r=job.fps,
            f="mp4",
            **{"frames:v": job.frames},
            **job.encoder.ffmpeg_options(job.fps),
        )
        what = f"rendering segment {job.index + 1} (scene {job.scene.index + 1})"
        args = ["-loglevel", "error", *job.encoder.global_args(), *output.get_args()]
        run_ffmpeg(args, timeout_s=timeout_s, what=what)
        os.replace(partial, final)
    finally:
        partial.unlink(missing_ok=True)
        script.unlink(missing_ok=True)
    return done


def segment_shots(job: SegmentJob) -> list[Shot]:
    """The stills whose pan atlas the segment needs: this scene's first, then those of the previous scene's tail."""
    if job.motion != "pan":
        return []
    geometry = scene_geometry(job)
    shots = pan_shots(job.scene, geometry)
    if job.previous is not None:
        shots += pan_shots(job.previous, geometry, from_frame=job.previous.frames - job.overlap)
    return shots


def segment_atlas_keys(job: SegmentJob) -> list[str]:
    """The keys of the atlases `segment_shots` names, for counting an AtlasStore's uses."""
    return [atlas_key(shot, width=job.width, height=job.height) for shot in segment_shots(job)]


def segment_picture(job: SegmentJob, atlases: Atlases | None = None) -> Stream:
    """The incoming transition (the previous scene's tail blended into this scene's head), then this scene's body.

    This scene's own tail is left to the next segment, which blends it into the next scene.
    """
    geometry = scene_geometry(job)
    scene, overlap = job.scene, job.overlap
    head_end = overlap if job.previous is not None else 0
    tail_start = scene.frames - (0 if scene.is_last else overlap)
    stream = scene_stream(scene, geometry, motion=job.motion, atlases=atlases)
    copies = stream.split() if head_end > 0 and tail_start > head_end else None
    parts: list[Stream] = []
    if job.previous is not None:
        head = _frames(copies[0] if copies is not None else stream, 0, head_end)
        previous = scene_tail(job.previous, geometry, motion=job.motion, frames=overlap, atlases=atlases)
        tail = _frames(previous, 0, overlap)
        parts.append(crossfade(tail, head, job.transition or "fade", overlap / job.fps))
    if tail_start > head_end:
        parts.append(_frames(copies[1] if copies is not None else stream, head_end, tail_start))
    return ffmpeg.concat(*parts, v=1, a=0) if len(parts) > 1 else parts[0]


def _frames(stream: Stream, start: int, end: int) -> Stream:
    return stream.filter("trim", start_frame=start, end_frame=end).filter("setpts", "PTS-STARTPTS")


def join_video_stream(segments: list[SegmentFile], sound: Path, output: Path, *, timeout_s: float) -> None:
    """The segments in order, then the sound, into one MP4 by stream copy (`+faststart`)."""
    _check_parameter_sets(segments)
    listing = partial_path(output.with_name("segments.ffconcat"))
    lines = ["ffconcat version 1.0"] + [f"file {_quoted(s.path)}" for s in sorted(segments, key=lambda s: s.index)]
    listing.write_text("\n".join(lines) + "\n", encoding="utf-8")
    try:
        args = ["-f", "concat", "-safe", "0", "-i", str(listing), "-i", str(sound)]
        args += ["-map", "0:v:0", "-map", "1:a:0", "-c", "copy", "-movflags", "+faststart", "-f", "mp4", str(output)]
        run_ffmpeg(["-loglevel", "error", *args], timeout_s=timeout_s, what="joining the segments and the sound")
    finally:
        listing.unlink(missing_ok=True)


def _check_parameter_sets(segments: list[SegmentFile]) -> None:
    """Every segment must carry the first one's H.264 decoder configuration (SPS/PPS), or `-c copy` breaks."""
    ordered = sorted(segments, key=lambda s: s.index)
    first = avc_config(ordered[0].path)
    for segment in ordered[1:]:
        if avc_config(segment.path) != first:
            raise ComposeError(
                f"joining the segments: segment {segment.index + 1} was encoded with other H.264 parameters "
                "than segment 1 (different encoder settings?)",
                returncode=None,
                stderr_tail="",
            )


def avc_config(path: Path) -> bytes:
    """The MP4's `avcC` box body: profile, level and the SPS/PPS the decoder is set up with."""
    data = path.read_bytes()
    at = data.find(b"avcC")
    if at < 4:
        raise ComposeError(f"joining the segments: {path.name} holds no H.264 stream", returncode=None, stderr_tail="")
    size = int.from_bytes(data[at - 4 : at], "big")
    return data[at + 4 : at - 4 + size]


def _quoted(path: Path) -> str:
    """A path quoted for the concat demuxer: inside single quotes, a quote is written '\\''."""
    return "'" + str(path.resolve()).replace("'", "'\\''") + "'"
