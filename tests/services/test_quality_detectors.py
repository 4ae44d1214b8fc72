"""Loudness of a known tone, hard cuts in pictures made with ffmpeg, instruction words in six languages."""

import subprocess
from pathlib import Path

import pytest

from services.quality.cuts import Cut, CutWindow, detect_cuts, expected_cuts, loop_jumps, thumb_size
from services.quality.instructions import find_instruction_words
from services.quality.media import decode_grey_frames, measure_loudness, video_facts
from tests.media_checks import FFMPEG
from tests.services.quality_media import ffmpeg_make, panning_clip


def _cuts(path: Path) -> list[float]:
    facts = video_facts(path)
    width, height = thumb_size(facts.width, facts.height)
    return [c.time_s for c in detect_cuts(decode_grey_frames(path, width=width, height=height), facts.fps)]


def test_loudness_of_a_known_tone(tmp_path: Path) -> None:
    """A 997 Hz sine peaking at -20 dBFS: -23.0 LUFS (RMS 3 dB under peak, K-weighting ~0 dB there), -20 dBTP."""
    tone = tmp_path / "tone.wav"
    sine = ["-f", "lavfi", "-i", "sine=f=997:d=4:sample_rate=48000"]
    # sine's amplitude is 1/8 (-18.06 dBFS); 1.94 dB less peaks at -20 dBFS
    subprocess.run([FFMPEG, "-v", "error", "-y", *sine, "-af", "volume=-1.94dB", str(tone)], check=True)

    loudness = measure_loudness(tone)

    assert loudness.integrated_lufs == pytest.approx(-23.0, abs=0.3)
    assert loudness.true_peak_dbtp == pytest.approx(-20.0, abs=0.3)


def test_a_clip_that_loops_jumps_where_it_restarts(tmp_path: Path) -> None:
    clip = panning_clip(tmp_path / "pan.mp4", 1.5)
    looped = ffmpeg_make(tmp_path / "looped.mp4", "-stream_loop", "2", "-i", str(clip), "-t", "4")

    assert _cuts(looped) == pytest.approx([1.5, 3.0], abs=1 / 30 + 1e-6)


def test_motion_and_crossfades_are_not_cuts(tmp_path: Path) -> None:
    pan = panning_clip(tmp_path / "pan.mp4", 2.0)
    colours = [
        "-f",
        "lavfi",
        "-i",
        "color=c=blue:s=320x180:d=2:r=30",
        "-f",
        "lavfi",
        "-i",
        "color=c=orange:s=320x180:d=2:r=30",
    ]
    fade = ffmpeg_make(
        tmp_path / "fade.mp4", *colours, "-filter_complex", "[0][1]xfade=transition=fade:duration=0.5:offset=1.5"
    )
    assert _cuts(pan) == []
    assert _cuts(fade) == []


def test_a_hard_cut_between_stills_is_found(tmp_path: Path) -> None:
    colours = [
        "-f",
        "lavfi",
        "-i",
        "color=c=blue:s=180x320:d=1:r=30",
        "-f",
        "lavfi",
        "-i",
        "color=c=orange:s=180x320:d=1:r=30",
    ]
    cut = ffmpeg_make(tmp_path / "cut.mp4", *colours, "-filter_complex", "[0][1]concat=n=2:v=1:a=0")
    assert _cuts(cut) == pytest.approx([1.0], abs=1e-6)


def test_only_cuts_outside_planned_windows_are_loop_jumps() -> None:
    scenes = [
        {"index": 0, "start_s": 0.0, "duration_s": 6.5, "shots": [{"start_s": 0.0}]},
        {"index": 1, "start_s": 6.0, "duration_s": 8.0, "shots": [{"start_s": 6.0}, {"start_s": 10.0}]},
    ]
    windows = expected_cuts(scenes, transition_s=0.5)
    assert windows == [
        CutWindow(start_s=5.85, end_s=6.65, why="scene 1 transition"),
        CutWindow(start_s=9.85, end_s=10.15, why="scene 1 shot 2"),
    ]
    cuts = [Cut(time_s=t, score=30.0) for t in (6.5, 10.033, 3.0, 12.0)]
    assert [(j.time_s, j.scene) for j in loop_jumps(cuts, windows, scenes)] == [(3.0, 0), (12.0, 1)]


@pytest.mark.parametrize(
    ("text", "phrases"),
    [
        ("Create a video about AI for YouTube Shorts, 60-second, 9:16", {"create a video", "video about", "60-second"}),
        ("Сделай видео про чёрные дыры на 30 секунд", {"сделай видео", "видео про", "на 30 секунд"}),
        ("Зроби відео про каву", {"зроби відео", "відео про"}),
        ("Crea un video sobre el café de 45 segundos", {"crea un video", "video sobre", "de 45 segundos"}),
        ("Erstelle ein Video über Katzen, 30 Sekunden lang", {"erstelle ein video", "video über", "30 sekunden lang"}),
        ("Fais une vidéo sur Paris de 20 secondes", {"fais une vidéo", "vidéo sur", "de 20 secondes"}),
        ("A vertical video for reels", {"vertical video", "reels"}),
    ],
)
def test_instruction_words_are_found(text: str, phrases: set[str]) -> None:
    found = {hit.phrase for hit in find_instruction_words({"scene 0": text})}
    assert phrases <= found


def test_ordinary_narration_has_no_instruction_words() -> None:
    texts = {
        "title": "Black holes",
        "scene 0": "Light takes 8 minutes to reach Earth. Vertical farms grow food in cities.",
        "scene 1": "Чёрные дыры искривляют пространство. За 10 секунд свет проходит три миллиона километров.",
        "scene 2": "Les vidéos de chats sont populaires. The ratio was 16:90.",
    }
    assert find_instruction_words(texts) == []
