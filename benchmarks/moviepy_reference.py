"""The reference renderer for the benchmark only: the same timeline done the way MoviePy 2 users do it.

Same work as our composer: stills scaled once to cover the frame plus a pan margin, a pan by whole pixels,
0.5 s crossfades, a caption per sentence (PIL text, no ImageMagick), narration placed per scene, H.264 veryfast
crf 23 yuv420p, AAC 48 kHz. Not imported by the project.
"""

from pathlib import Path

from moviepy import AudioFileClip, CompositeAudioClip, CompositeVideoClip, ImageClip, TextClip, vfx

from services.compose.captions import caption_cues
from services.compose.fonts import REGULAR_FONT
from services.compose.plan import plan_render
from services.models import Timeline

PAN_SHARE = 0.08


def render_with_moviepy(timeline: Timeline, output: Path) -> None:
    plan = plan_render(timeline)
    w, h, fps = timeline.width, timeline.height, timeline.fps
    layers, voices = [], []
    for scene in plan.scenes:
        travel = round(PAN_SHARE * w)
        still = ImageClip(str(scene.clip.asset.local_path)).resized((w + travel, round(h * (w + travel) / w)))
        seconds = scene.frames / fps
        still = still.with_duration(seconds).with_start(scene.start_s)
        still = still.with_position(lambda t, d=seconds, tr=travel: (-round(tr * t / d), 0))
        if not scene.is_first:
            still = still.with_effects([vfx.CrossFadeIn(plan.transition_s)])
        layers.append(still)
        if scene.clip.narration is not None:
            voices.append(AudioFileClip(str(scene.clip.narration.path)).with_start(scene.narration_start_s))
    for cue in caption_cues(plan):
        text = TextClip(
            font=str(REGULAR_FONT),
            text=cue.text,
            font_size=round(min(w, h) * 0.05),
            color="white",
            stroke_color="black",
            stroke_width=3,
            method="caption",
            size=(round(w * 0.86), None),
            text_align="center",
        )
        text = text.with_start(cue.start_s).with_duration(cue.end_s - cue.start_s)
        layers.append(text.with_position(("center", round(h * 0.8))))
    video = CompositeVideoClip(layers, size=(w, h)).with_duration(plan.duration_s)
    if voices:
        video = video.with_audio(CompositeAudioClip(voices).with_duration(plan.duration_s))
    video.write_videofile(
        str(output),
        fps=fps,
        codec="libx264",
        preset="veryfast",
        audio_codec="aac",
        audio_fps=48000,
        ffmpeg_params=["-crf", "23", "-pix_fmt", "yuv420p", "-movflags", "+faststart"],
        logger=None,
    )
