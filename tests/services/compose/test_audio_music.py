"""The sound track with music (real ffmpeg): present between sentences, well under the speech, normalised."""

import subprocess
from pathlib import Path

import numpy as np
import pytest

from services.compose.audio import (
    PROMISED_TRUE_PEAK_DB,
    TARGET_LUFS,
    Loudness,
    MixedAudio,
    encode_under_peak,
    render_audio,
)
from services.compose.music import resolve_music
from services.compose.plan import RenderPlan, plan_render
from services.compose.render import Composer
from services.ffmpeg import ffmpeg_exe
from services.models import MOODS, Timeline
from tests.services.compose.compose_helpers import loudness, make_timeline

RATE = 16_000
SPANS = [[("One.", 0.0, 1.0)], [("Two.", 0.0, 0.8), ("Three.", 2.2, 3.0)]]
"""Scene 1 speaks once; scene 2 speaks, pauses 1.4 s, speaks again: the music comes up in the pause."""


@pytest.fixture(scope="module")
def music_cache(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("music-cache")


@pytest.fixture
def timeline(make_still, make_narration) -> Timeline:
    scenes = []
    for index, spans in enumerate(SPANS):
        seconds = spans[-1][2] + 0.2
        voice = make_narration(index, spans, seconds=seconds)
        scenes.append((make_still(f"s{index}", 64, 36, seed=index), seconds + 1.4, spans[0][0], voice))
    return make_timeline(scenes, width=64, height=36)


@pytest.fixture
def plan(timeline) -> RenderPlan:
    return plan_render(timeline)


def windows(plan: RenderPlan) -> tuple[list[tuple[float, float]], list[tuple[float, float]]]:
    """(speech, music alone) stretches on the final clock; music alone starts 0.7 s after a sentence ends,
    once the ducking has let go, and stops 0.1 s before the next sentence."""
    speech, alone = [], []
    for scene in plan.scenes:
        narration = scene.clip.narration
        assert narration is not None
        starts = [scene.narration_start_s + s.start_s for s in narration.sentences]
        ends = [scene.narration_start_s + s.end_s for s in narration.sentences]
        speech += [(start + 0.1, end - 0.1) for start, end in zip(starts, ends, strict=True)]
        alone += [(end + 0.7, start - 0.1) for end, start in zip(ends, starts[1:], strict=False)]
    return speech, [(a, b) for a, b in alone if b - a >= 0.3]


def pcm(path: Path) -> np.ndarray:
    done = subprocess.run(
        [ffmpeg_exe(), "-v", "error", "-i", str(path), "-ac", "1", "-ar", str(RATE), "-f", "f32le", "-"],
        capture_output=True,
        check=True,
    )
    return np.frombuffer(done.stdout, dtype="<f4").astype(np.float64)


def rms_db(samples: np.ndarray, start: float, end: float) -> float:
    stretch = samples[int(start * RATE) : int(end * RATE)]
    return float(10 * np.log10(max(np.mean(stretch**2), 1e-20)))


def render(plan: RenderPlan, music: Path | None, tmp_path: Path) -> Path:
    out = tmp_path / "sound.m4a"
    return render_audio(plan, music=music, work_path=tmp_path / "mix.wav", out_path=out, timeout_s=120)


def assert_music_under_speech(track: Path, plan: RenderPlan) -> None:
    samples = pcm(track)
    speech, alone = windows(plan)
    assert alone, "the plan must leave music alone somewhere"
    speech_db = min(rms_db(samples, a, b) for a, b in speech)
    for a, b in alone:
        level = rms_db(samples, a, b)
        assert level > -50.0, f"music between sentences is missing ({level:.1f} dBFS at {a:.2f}-{b:.2f} s)"
        assert speech_db - level >= 12.0, f"music {level:.1f} dBFS is not 12 dB under speech {speech_db:.1f} dBFS"
    integrated, true_peak = loudness(track)
    assert abs(integrated - -14.0) <= 1.0
    assert true_peak <= -1.0 + 0.1


@pytest.mark.parametrize("mood", MOODS)
def test_mood_bed_is_heard_between_sentences_and_well_under_speech(mood, plan, music_cache, tmp_path) -> None:
    music = resolve_music(None, mood=mood, cache_dir=music_cache, seed="test")

    assert_music_under_speech(render(plan, music, tmp_path), plan)


def test_loud_user_file_is_set_under_speech_too(plan, tmp_path) -> None:
    song = tmp_path / "loud.wav"
    noise = ["-f", "lavfi", "-i", "anoisesrc=d=2:a=0.9:c=pink:seed=7"]
    subprocess.run([ffmpeg_exe(), "-v", "error", *noise, str(song)], check=True)
    music = resolve_music(str(song), mood="calm", cache_dir=tmp_path / "cache", seed="test")

    assert music == song
    assert_music_under_speech(render(plan, music, tmp_path), plan)


def test_no_music_leaves_the_pauses_silent(plan, music_cache, tmp_path) -> None:
    music = resolve_music("none", mood="upbeat", cache_dir=music_cache, seed="test")
    samples = pcm(render(plan, music, tmp_path))

    speech, alone = windows(plan)
    assert min(rms_db(samples, a, b) for a, b in speech) > -30.0
    assert max(rms_db(samples, a, b) for a, b in alone) < -70.0


def test_music_alone_is_normalised_and_faded_in(make_still, music_cache, tmp_path) -> None:
    timeline = make_timeline([(make_still("quiet", 64, 36), 4.0, "No voice.", None)], width=64, height=36)
    plan = plan_render(timeline)
    track = render(plan, resolve_music(None, mood="calm", cache_dir=music_cache, seed="t"), tmp_path)

    integrated, true_peak = loudness(track)
    assert abs(integrated - -14.0) <= 1.0 and true_peak <= -1.0 + 0.1
    samples = pcm(track)
    assert rms_db(samples, 0.0, 0.1) < rms_db(samples, 1.5, 2.0) - 12.0, "the bed fades in"


def test_composer_lays_the_mood_bed_when_the_timeline_names_no_music(timeline, plan, music_cache, tmp_path) -> None:
    video = Composer(preset="ultrafast", music_cache_dir=music_cache).render(
        timeline.model_copy(update={"mood": "dramatic"}), tmp_path / "out"
    )

    assert (music_cache / "bed-dramatic-v1.wav").is_file()
    assert_music_under_speech(video.path, plan)


def test_an_overshooting_encode_is_made_quieter_until_the_true_peak_keeps_the_promise(tmp_path: Path) -> None:
    """A full-scale square wave (sharp edges: AAC rings over 0 dBTP) given as if it needed no limiting: the encoded
    peak is measured and the track encoded again quieter, by no more than the overshoot and a margin."""
    rate, seconds = 48_000, 2.0
    square = np.sign(np.sin(2 * np.pi * 440 * np.arange(int(rate * seconds)) / rate)).astype("<f4") * 0.99
    source = tmp_path / "square.wav"
    cmd = [ffmpeg_exe(), "-loglevel", "error", "-f", "f32le", "-ar", str(rate), "-ac", "1", "-i", "-", str(source)]
    subprocess.run(cmd, input=square.tobytes(), check=True)
    level = Loudness(input_i=TARGET_LUFS, input_tp=-30.0, input_lra=0.0, input_thresh=-24.0)  # claims headroom
    out = tmp_path / "sound.mp4"

    trim_db = encode_under_peak(MixedAudio(path=source, loudness=level), duration_s=seconds, out_path=out, timeout_s=60)

    peak = loudness(out)[1]
    assert trim_db < 0.0
    assert PROMISED_TRUE_PEAK_DB - 1.0 < peak <= PROMISED_TRUE_PEAK_DB, "trimmed by the overshoot, not blanket"
