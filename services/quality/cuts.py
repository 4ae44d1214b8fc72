"""Hard cuts in the picture, and the ones nobody planned: a cut inside a scene that is neither a scene's transition
nor the start of one of its extra shots is a loop jump (a clip restarting) or a glitch.

Each frame is shrunk to a few dozen pixels of grey; a frame's change score is the 75th percentile over 4x4-pixel
blocks of the mean absolute difference from the previous frame, so a change must cover a quarter of the picture
to count: a caption changing or compression grain does not. A pan or a crossfade changes every block a little,
every frame, so a cut is a score well above both an absolute floor and its neighbours' scores.
"""

import numpy as np
from pydantic import BaseModel

LONG_SIDE_PX = 64
BLOCK_PX = 4
BLOCK_PERCENTILE = 75.0
CUT_MIN_SCORE = 8.0
CUT_RATIO = 3.0
NEIGHBOURS = 2
CUT_TOLERANCE_S = 0.15
"""How far a detected cut may sit from a planned one (frame rounding, a very short crossfade between shots)."""


class Cut(BaseModel):
    time_s: float
    score: float


class CutWindow(BaseModel):
    """Where a planned cut or transition may show: from `start_s` to `end_s` on the video clock."""

    start_s: float
    end_s: float
    why: str


class LoopJump(BaseModel):
    time_s: float
    score: float
    scene: int | None


class CutReport(BaseModel):
    detected: list[Cut]
    expected: list[CutWindow]
    loop_jumps: list[LoopJump]


def thumb_size(width: int, height: int) -> tuple[int, int]:
    """A small frame size of the video's aspect, in whole blocks."""
    scale = LONG_SIDE_PX / max(width, height)
    w = max(BLOCK_PX, round(width * scale / BLOCK_PX) * BLOCK_PX)
    h = max(BLOCK_PX, round(height * scale / BLOCK_PX) * BLOCK_PX)
    return w, h


def change_scores(frames: np.ndarray) -> np.ndarray:
    """Score of each frame against the one before it (the first frame scores 0)."""
    if len(frames) < 2:
        return np.zeros(len(frames))
    diff = np.abs(np.diff(frames.astype(np.int16), axis=0)).astype(np.float32)
    n, h, w = diff.shape
    blocks = diff.reshape(n, h // BLOCK_PX, BLOCK_PX, w // BLOCK_PX, BLOCK_PX).mean(axis=(2, 4))
    return np.concatenate(([0.0], np.percentile(blocks.reshape(n, -1), BLOCK_PERCENTILE, axis=1)))


def detect_cuts(frames: np.ndarray, fps: float) -> list[Cut]:
    """Frames that differ sharply from the previous one, far more than their neighbours do."""
    scores = change_scores(frames)
    cuts = []
    for i in np.flatnonzero(scores >= CUT_MIN_SCORE):
        around = np.concatenate((scores[max(1, i - NEIGHBOURS) : i], scores[i + 1 : i + 1 + NEIGHBOURS]))
        background = float(around.max()) if around.size else 0.0
        if scores[i] >= CUT_RATIO * background + 1.0:
            cuts.append(Cut(time_s=round(i / fps, 3), score=round(float(scores[i]), 2)))
    return cuts


def expected_cuts(scenes: list[dict], transition_s: float) -> list[CutWindow]:
    """Every scene's incoming transition and every later shot's start, from metadata.json's scenes."""
    windows = []
    for position, scene in enumerate(scenes):
        if position > 0:
            start = float(scene["start_s"])
            windows.append(_window(start, start + transition_s, f"scene {scene['index']} transition"))
        for number, shot in enumerate(scene.get("shots", [])[1:], start=2):
            at = float(shot["start_s"])
            windows.append(_window(at, at, f"scene {scene['index']} shot {number}"))
    return windows


def _window(start: float, end: float, why: str) -> CutWindow:
    return CutWindow(start_s=round(start - CUT_TOLERANCE_S, 3), end_s=round(end + CUT_TOLERANCE_S, 3), why=why)


def loop_jumps(cuts: list[Cut], windows: list[CutWindow], scenes: list[dict]) -> list[LoopJump]:
    """Cuts outside every planned window, with the scene they fall in."""
    unplanned = [c for c in cuts if not any(w.start_s <= c.time_s <= w.end_s for w in windows)]
    return [LoopJump(time_s=c.time_s, score=c.score, scene=_scene_at(c.time_s, scenes)) for c in unplanned]


def _scene_at(time_s: float, scenes: list[dict]) -> int | None:
    inside = [s for s in scenes if float(s["start_s"]) <= time_s < float(s["start_s"]) + float(s["duration_s"])]
    return int(inside[-1]["index"]) if inside else None
