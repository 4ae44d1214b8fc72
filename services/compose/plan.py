"""The frame-exact plan every part of a render shares: where each scene starts, how long it lasts, when it speaks.

Video, narration and captions all read their times from here, so crossfade offsets, narration placement and cue
timings agree to the frame even when scene durations are not whole frames.
"""

from pydantic import BaseModel

from services.models import Timeline, TimelineClip

NARRATION_LEAD_S = 0.15
"""A breath between a scene becoming visible and its narration starting."""


class ScenePlan(BaseModel):
    clip: TimelineClip
    index: int
    start_frame: int
    frames: int
    fps: int
    transition_frames: int
    is_first: bool
    is_last: bool

    @property
    def start_s(self) -> float:
        return self.start_frame / self.fps

    @property
    def end_s(self) -> float:
        return (self.start_frame + self.frames) / self.fps

    @property
    def seen_alone(self) -> tuple[float, float]:
        """From the middle of the incoming transition to the middle of the outgoing one."""
        half = self.transition_frames / self.fps / 2
        return (self.start_s + (0.0 if self.is_first else half), self.end_s - (0.0 if self.is_last else half))

    @property
    def narration_start_s(self) -> float:
        """Narration starts once the incoming crossfade is half done, plus a short lead-in."""
        return self.seen_alone[0] + NARRATION_LEAD_S


class RenderPlan(BaseModel):
    width: int
    height: int
    fps: int
    transition_frames: int
    scenes: list[ScenePlan]

    @property
    def total_frames(self) -> int:
        last = self.scenes[-1]
        return last.start_frame + last.frames

    @property
    def duration_s(self) -> float:
        return self.total_frames / self.fps

    @property
    def transition_s(self) -> float:
        return self.transition_frames / self.fps


def plan_render(timeline: Timeline) -> RenderPlan:
    """Whole frames for every scene and transition; a transition never takes more than half a scene."""
    fps = timeline.fps
    frames = [max(2, round(clip.scene.duration_s * fps)) for clip in timeline.clips]
    transition = round(timeline.transition_s * fps) if len(frames) > 1 else 0
    transition = min(transition, min(frames) // 2)
    scenes, start = [], 0
    last = len(frames) - 1
    for i, (clip, count) in enumerate(zip(timeline.clips, frames, strict=True)):
        scenes.append(
            ScenePlan(
                clip=clip,
                index=i,
                start_frame=start,
                frames=count,
                fps=fps,
                transition_frames=transition,
                is_first=i == 0,
                is_last=i == last,
            )
        )
        start += count - transition
    return RenderPlan(
        width=timeline.width, height=timeline.height, fps=fps, transition_frames=transition, scenes=scenes
    )
