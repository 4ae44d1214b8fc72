"""The run's music: the project's own bed for a mood, a user's file or folder, or none.

Beds are synthesised here (services/compose/music_scores.py, music_synth.py) rather than shipped as recordings:
nothing binary in the repository, nothing whose licence needs checking, and a bed can be changed by editing a
score. Each is rendered once into the cache as a 16-bit 48 kHz stereo WAV (a second or two of CPU, 5-6 MB), written
atomically so concurrent renders never read half a file; the same mood always gives the same bytes. Files are
named with BED_VERSION, so a changed score never reuses an old render.
"""

import os
import tempfile
import wave
from pathlib import Path
from typing import cast

import numpy as np

from services.compose.audio import choose_music
from services.compose.music_scores import SCORES, notes_for
from services.compose.music_synth import SAMPLE_RATE, render
from services.models import MOODS, Mood

BED_VERSION = 1
NO_MUSIC = "none"


def default_cache_dir() -> Path:
    """Where beds go when the caller names no cache (the composer used as a library, tests)."""
    return Path(tempfile.gettempdir()) / "p2v-music"


def resolve_music(choice: str | None, *, mood: Mood, cache_dir: Path, seed: str) -> Path | None:
    """The audio file to lay under the narration: None -> the mood's bed; 'none'; a mood; a file or folder.

    A folder gives one of its files, picked by a stable hash of `seed` (so reruns match); a missing path raises
    ComposeError before any rendering starts.
    """
    if choice == NO_MUSIC:
        return None
    if choice is None:
        return bed(mood, cache_dir)
    if choice in MOODS:
        return bed(cast(Mood, choice), cache_dir)
    return choose_music(Path(choice), seed=seed)


def music_credit(choice: str | None, mood: Mood = "calm") -> str:
    """The description line crediting the music, or "" for no music and for the user's own files."""
    bed_mood = mood if choice is None else choice
    if bed_mood not in MOODS:
        return ""
    return f"Music: '{bed_mood}' bed made by prompt-to-video (CC0)"


def bed(mood: Mood, cache_dir: Path) -> Path:
    """The mood's bed in `cache_dir`, rendered on first use."""
    path = cache_dir / f"bed-{mood}-v{BED_VERSION}.wav"
    if not path.is_file():
        cache_dir.mkdir(parents=True, exist_ok=True)
        _write_wav(bed_samples(mood), path)
    return path


def bed_samples(mood: Mood) -> np.ndarray:
    """The bed as float samples in [-1, 1], shape (frames, 2): a whole number of bars of the mood's score."""
    score = SCORES[mood]
    return render(notes_for(mood), score.mix, length=score.length)


def bed_bars(mood: Mood) -> tuple[int, int]:
    """(bars, samples per bar) of the mood's bed."""
    score = SCORES[mood]
    return score.bars, score.bar


def _write_wav(samples: np.ndarray, path: Path) -> None:
    pcm = np.round(np.clip(samples, -1.0, 1.0) * 32767).astype("<i2")
    handle, temp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.stem}-", suffix=".wav")
    try:
        with os.fdopen(handle, "wb") as raw, wave.open(raw, "wb") as out:
            out.setnchannels(2)
            out.setsampwidth(2)
            out.setframerate(SAMPLE_RATE)
            out.writeframes(pcm.tobytes())
        os.replace(temp, path)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise
