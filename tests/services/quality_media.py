"""Synthetic media with known answers for the quality detectors: speech-like sound with known pauses, a tone bed,
pictures with and without a hard jump."""

import subprocess
from pathlib import Path

import numpy as np

from tests.media_checks import FFMPEG

RATE = 16000


def _syllable(rng: np.random.Generator) -> np.ndarray:
    """A voiced burst: a harmonic tone with 15 ms ramps and a 5 Hz wobble, like a spoken syllable's energy."""
    t = np.arange(int(rng.uniform(0.12, 0.25) * RATE)) / RATE
    f0 = rng.uniform(110, 190)
    tone = sum(np.sin(2 * np.pi * f0 * k * t) / k for k in range(1, 6))
    ramp = np.minimum(1, np.minimum(t, t[-1] - t) / 0.015)
    return 0.3 * tone * ramp * (0.75 + 0.25 * np.sin(2 * np.pi * 5 * t)) * rng.uniform(0.5, 1.0)


def _sentence(rng: np.random.Generator, words: int = 6) -> np.ndarray:
    """Words of 1-3 syllables, 10-50 ms between syllables and 60-140 ms between words (all under 0.3 s)."""
    parts: list[np.ndarray] = []
    for _ in range(words):
        syllables = [_syllable(rng) for _ in range(rng.integers(1, 4))]
        for syllable in syllables:
            parts += [syllable, np.zeros(int(rng.uniform(0.01, 0.05) * RATE))]
        parts[-1] = np.zeros(int(rng.uniform(0.06, 0.14) * RATE))
    return np.concatenate(parts[:-1])


def speech_with_pauses(pauses: list[float], *, lead_s: float, trail_s: float, seed: int = 1):
    """Sentences separated by the given pauses; returns the samples and each pause's (start, length)."""
    rng = np.random.default_rng(seed)
    parts, clock, truth = [np.zeros(int(lead_s * RATE))], lead_s, []
    for pause in [*pauses, None]:
        sentence = _sentence(rng)
        parts.append(sentence)
        clock += sentence.size / RATE
        if pause is not None:
            truth.append((clock, pause))
            parts.append(np.zeros(int(pause * RATE)))
            clock += pause
    parts.append(np.zeros(int(trail_s * RATE)))
    return np.concatenate(parts).astype(np.float32), truth


def with_bed(samples: np.ndarray, db_under_speech: float) -> np.ndarray:
    """A steady two-tone bed under the whole sound, `db_under_speech` dB under the speech's RMS."""
    t = np.arange(samples.size) / RATE
    bed = np.sin(2 * np.pi * 220 * t) + 0.5 * np.sin(2 * np.pi * 330 * t)
    voiced = samples[np.abs(samples) > 1e-4]
    gain = np.sqrt(np.mean(voiced**2)) * 10 ** (-db_under_speech / 20) / np.sqrt(np.mean(bed**2))
    return (samples + gain * bed).astype(np.float32)


def encode_sound(samples: np.ndarray, path: Path) -> Path:
    """Samples into an AAC .m4a, as a video's sound track would be."""
    cmd = [FFMPEG, "-v", "error", "-y", "-f", "f32le", "-ar", str(RATE), "-ac", "1", "-i", "-"]
    subprocess.run([*cmd, "-c:a", "aac", "-b:a", "128k", str(path)], input=samples.tobytes(), check=True)
    return path


def ffmpeg_make(path: Path, *args: str) -> Path:
    subprocess.run([FFMPEG, "-v", "error", "-y", *args, "-pix_fmt", "yuv420p", str(path)], check=True)
    return path


def panning_clip(path: Path, seconds: float) -> Path:
    """A camera pan over a fractal: every frame moves, no cut."""
    crop = "crop=320:180:x='t*40':y='t*10'"
    return ffmpeg_make(path, "-f", "lavfi", "-i", "mandelbrot=s=640x360:r=30", "-t", f"{seconds}", "-vf", crop)
