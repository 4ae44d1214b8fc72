"""The project's own music beds (no ffmpeg needed) and the choice of music per run."""

import wave
from itertools import combinations
from pathlib import Path

import numpy as np
import pytest

from services.compose.music import bed, bed_bars, music_credit, resolve_music
from services.compose.music_scores import SCORES
from services.compose.music_synth import SAMPLE_RATE
from services.exceptions import ComposeError
from services.models import MOODS

CONSONANT = {0, 3, 4, 5, 7, 8, 9}  # unison/octave, thirds, fourth, fifth, sixths (pitch classes apart)


def read_wav(path: Path) -> np.ndarray:
    with wave.open(str(path), "rb") as source:
        assert (source.getnchannels(), source.getsampwidth(), source.getframerate()) == (2, 2, SAMPLE_RATE)
        frames = source.readframes(source.getnframes())
    return np.frombuffer(frames, dtype="<i2").reshape(-1, 2).astype(np.float64) / 32768


def db(value: float) -> float:
    return 20 * np.log10(max(value, 1e-12))


@pytest.fixture(scope="module")
def beds(tmp_path_factory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("beds")
    return {mood: bed(mood, folder) for mood in MOODS}


@pytest.mark.parametrize("mood", MOODS)
def test_bed_is_a_whole_number_of_bars_loud_enough_and_never_clipping(beds, mood) -> None:
    samples = read_wav(beds[mood])
    bars, bar = bed_bars(mood)

    assert len(samples) == bars * bar
    assert 20.0 <= len(samples) / SAMPLE_RATE <= 40.0
    assert db(np.max(np.abs(samples))) <= -1.0
    assert -26.0 <= db(float(np.sqrt(np.mean(samples**2)))) <= -16.0
    left, right = samples.T
    assert np.corrcoef(left, right)[0, 1] < 0.99, "panned voices and a per-channel reverb make it stereo"


@pytest.mark.parametrize("mood", MOODS)
def test_bed_loops_without_a_click(beds, mood) -> None:
    """Played in a loop, the step from the last sample to the first is no bigger than the steps around it."""
    samples = read_wav(beds[mood])
    window = SAMPLE_RATE // 10
    around = np.concatenate([samples[-window:], samples[:window]])
    steps = np.abs(np.diff(around, axis=0))
    seam = steps[window - 1]
    neighbours = np.delete(steps, window - 1, axis=0)
    assert np.all(seam <= np.max(neighbours, axis=0)), (seam, np.max(neighbours, axis=0))


@pytest.mark.parametrize("mood", MOODS)
def test_bed_has_no_harsh_highs(beds, mood) -> None:
    spectrum = np.abs(np.fft.rfft(read_wav(beds[mood])[:, 0])) ** 2
    freqs = np.fft.rfftfreq(len(spectrum) * 2 - 2, 1 / SAMPLE_RATE)
    above = spectrum[freqs > 5000].sum() / spectrum.sum()
    assert 10 * np.log10(above) < -40.0


def test_same_mood_gives_the_same_bytes_and_moods_differ(beds, tmp_path) -> None:
    again = bed("playful", tmp_path)

    assert again.read_bytes() == beds["playful"].read_bytes()
    assert len({path.read_bytes()[44:200_000] for path in beds.values()}) == len(MOODS)


def test_bed_is_rendered_once_then_read_from_the_cache(tmp_path) -> None:
    first = bed("calm", tmp_path)
    stamp = first.stat().st_mtime_ns
    assert bed("calm", tmp_path) == first and first.stat().st_mtime_ns == stamp
    assert [p.name for p in tmp_path.iterdir()] == [first.name], "no temporary files left behind"


def test_every_chord_is_consonant() -> None:
    for mood, score in SCORES.items():
        for chord in score.chords:
            pitches = [chord.bass, *chord.tones]
            for low, high in combinations(pitches, 2):
                assert abs(high - low) % 12 in CONSONANT, (mood, chord)


def test_choice_none_is_the_mood_bed_and_a_mood_name_picks_that_bed(beds) -> None:
    cache = beds["calm"].parent

    assert resolve_music(None, mood="dramatic", cache_dir=cache, seed="t") == beds["dramatic"]
    assert resolve_music("upbeat", mood="dramatic", cache_dir=cache, seed="t") == beds["upbeat"]
    assert resolve_music("none", mood="dramatic", cache_dir=cache, seed="t") is None


def test_choice_of_a_user_file_or_folder(tmp_path) -> None:
    song = tmp_path / "songs" / "mine.ogg"
    song.parent.mkdir()
    song.write_bytes(b"not decoded here")
    (tmp_path / "songs" / "other.mp3").write_bytes(b"x")

    assert resolve_music(str(song), mood="calm", cache_dir=tmp_path / "cache", seed="t") == song
    picks = {resolve_music(str(song.parent), mood="calm", cache_dir=tmp_path / "cache", seed="same") for _ in range(3)}
    assert len(picks) == 1 and picks.pop().parent == song.parent
    assert not (tmp_path / "cache").exists(), "no bed is rendered for a user's file"
    with pytest.raises(ComposeError, match="neither a file nor a folder"):
        resolve_music(str(tmp_path / "gone.mp3"), mood="calm", cache_dir=tmp_path / "cache", seed="t")


def test_music_credit() -> None:
    assert music_credit(None, "upbeat") == "Music: 'upbeat' bed made by prompt-to-video (CC0)"
    assert music_credit("dramatic", "calm") == "Music: 'dramatic' bed made by prompt-to-video (CC0)"
    assert music_credit(None) == "Music: 'calm' bed made by prompt-to-video (CC0)"
    assert music_credit("none", "calm") == ""
    assert music_credit("/music/mine.mp3", "calm") == ""
