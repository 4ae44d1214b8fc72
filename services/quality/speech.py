"""Where no one speaks: pauses found in the sound itself, with or without a music bed under the voice.

The level of every 10 ms frame is compared with a threshold set relative to the speech, not an absolute one: the
speech level is a high percentile of the frame levels, and the threshold sits where the frame levels split into
a quiet and a loud group (Otsu's method on the dB histogram), bounded to 8-20 dB under the speech level. Over
silence that is 20 dB under the speech; over a bed some 12 dB under the speech it lands between bed and voice.
"""

import numpy as np
from pydantic import BaseModel

FRAME_S = 0.01
MIN_PAUSE_S = 0.3
SPEECH_PERCENTILE = 95.0
WIDEST_GAP_DB, NARROWEST_GAP_DB = 20.0, 8.0
FLOOR_DB = -90.0
"""Frames quieter than this are digital silence; they count as quiet and never set the speech level."""
SMOOTH_FRAMES = 5


class Pause(BaseModel):
    start_s: float
    duration_s: float


class SpeechReport(BaseModel):
    """Pauses between speech (leading and trailing silence apart), levels in dBFS."""

    speech_level_db: float | None
    threshold_db: float | None
    leading_s: float
    trailing_s: float
    pauses: list[Pause]
    dead_air_s: float
    longest_pause_s: float
    spoken: bool


def frame_levels(samples: np.ndarray, rate: int) -> np.ndarray:
    """RMS level of each FRAME_S frame in dBFS (FLOOR_DB for silence)."""
    size = max(1, round(rate * FRAME_S))
    count = len(samples) // size
    frames = samples[: count * size].astype(np.float64).reshape(count, size)
    rms = np.sqrt(np.mean(frames**2, axis=1))
    return np.maximum(20 * np.log10(np.maximum(rms, 1e-12)), FLOOR_DB)


def speech_threshold(levels: np.ndarray) -> tuple[float, float] | None:
    """(speech level, threshold) in dBFS, or None when the sound is silent throughout."""
    audible = levels[levels > FLOOR_DB + 1]
    if audible.size == 0:
        return None
    speech = float(np.percentile(audible, SPEECH_PERCENTILE))
    split = _otsu(np.maximum(levels, speech - 60))
    return speech, float(np.clip(split, speech - WIDEST_GAP_DB, speech - NARROWEST_GAP_DB))


def _otsu(values: np.ndarray, bins: int = 120) -> float:
    """The value that best splits `values` into two groups (maximum between-group variance)."""
    counts, edges = np.histogram(values, bins=bins)
    centres = (edges[:-1] + edges[1:]) / 2
    weight = np.cumsum(counts)
    total = weight[-1]
    mean_low = np.cumsum(counts * centres) / np.maximum(weight, 1)
    mean_all = mean_low[-1]
    upper = total - weight
    mean_high = (mean_all * total - mean_low * weight) / np.maximum(upper, 1)
    between = weight * upper * (mean_low - mean_high) ** 2
    return float(edges[int(np.argmax(between[:-1])) + 1])


def find_pauses(samples: np.ndarray, rate: int, *, min_pause_s: float = MIN_PAUSE_S) -> SpeechReport:
    """Leading/trailing silence and every pause of at least `min_pause_s` between speech."""
    levels = frame_levels(samples, rate)
    total_s = len(samples) / rate
    found = speech_threshold(levels)
    if found is None:
        return SpeechReport(
            speech_level_db=None,
            threshold_db=None,
            leading_s=round(total_s, 3),
            trailing_s=0.0,
            pauses=[],
            dead_air_s=0.0,
            longest_pause_s=0.0,
            spoken=False,
        )
    speech_level, threshold = found
    loud = _median(levels, SMOOTH_FRAMES) > threshold
    spoken = np.flatnonzero(loud)
    first, last = (int(spoken[0]), int(spoken[-1])) if spoken.size else (len(levels), len(levels))
    pauses = [p for p in _quiet_runs(loud[first : last + 1], offset=first) if p.duration_s >= min_pause_s - 1e-9]
    return SpeechReport(
        speech_level_db=round(speech_level, 2),
        threshold_db=round(threshold, 2),
        leading_s=round(first * FRAME_S, 3),
        trailing_s=round(max(0.0, total_s - (last + 1) * FRAME_S), 3),
        pauses=pauses,
        dead_air_s=round(sum(p.duration_s for p in pauses), 3),
        longest_pause_s=max((p.duration_s for p in pauses), default=0.0),
        spoken=bool(spoken.size),
    )


def _median(levels: np.ndarray, width: int) -> np.ndarray:
    """A running median that removes single-frame clicks and dips without moving the edges of speech."""
    if levels.size < width:
        return levels
    pad = width // 2
    padded = np.pad(levels, pad, mode="edge")
    windows = np.lib.stride_tricks.sliding_window_view(padded, width)
    return np.median(windows, axis=1)


def _quiet_runs(loud: np.ndarray, *, offset: int) -> list[Pause]:
    """Maximal runs of quiet frames inside `loud`, as pauses on the whole sound's clock."""
    edges = np.diff(np.concatenate(([1], loud.astype(np.int8), [1])))
    starts, ends = np.flatnonzero(edges == -1), np.flatnonzero(edges == 1)
    return [
        Pause(start_s=round((offset + a) * FRAME_S, 3), duration_s=round((b - a) * FRAME_S, 3))
        for a, b in zip(starts, ends, strict=True)
    ]
