"""The length written in a prompt, met offline: the real planner, espeak-ng narration and the timeline.

The offline writer sizes its script to the voice's natural pace (services/storyboard/pace.py), so the timeline lasts
the length asked for, the narrator barely changes the speed, and no line is said twice.
"""

from pathlib import Path

import pytest

from services.media.generated import GeneratedVisuals
from services.models import NarrationAudio, Storyboard, VideoRequest
from services.narration import speech_target_s
from services.narration.audio import SentenceNarrator, spoken_sentences
from services.narration.espeak import EspeakVoice, espeak_available
from services.storyboard.language import split_sentences
from services.storyboard.offline import OfflinePlanner
from services.storyboard.pace import speech_budget_s, speech_s
from services.timeline import build_timeline

pytestmark = pytest.mark.skipif(not espeak_available(), reason="espeak-ng (espeakng-loader) is not installed")
TRANSITION_S = 0.5
planner = OfflinePlanner(transition_s=TRANSITION_S)
narrator = SentenceNarrator(EspeakVoice())


def _narrate(board: Storyboard, out: Path) -> list[NarrationAudio]:
    """Every scene spoken as the flow's narrate_scene speaks it: aimed at the scene's planned time."""
    spoken = []
    for scene in board.scenes:
        target = speech_target_s(scene.duration_s, TRANSITION_S, is_first=scene.index == 0)
        audio = narrator.narrate(scene, language=board.language, out_dir=out, target_s=target)
        assert audio is not None
        spoken.append(audio)
    return spoken


@pytest.mark.parametrize(
    ("prompt", "language", "asked"),
    [
        ("Haz un vídeo vertical de 20 segundos sobre las abejas y la miel", "es", 20),
        ("Make a 20-second video about bees and honey", "en", 20),
        ("Сделай видео на 30 секунд про пчёл и мёд", "ru", 30),
        ("Mach ein 20-Sekunden-Video über Bienen und Honig", "de", 20),
        ("Fais une vidéo de 20 secondes sur les abeilles et le miel", "fr", 20),
        ("Un vídeo de 1 minuto sobre los volcanes", "es", 60),
        ("Видео на 15 секунд про кофе", "ru", 15),
    ],
)
def test_the_timeline_lasts_the_length_the_prompt_asks_for(
    prompt: str, language: str, asked: float, tmp_path: Path
) -> None:
    board = planner.plan(VideoRequest(prompt=prompt))
    assert board.language == language and board.target_duration_s == asked

    narrations = _narrate(board, tmp_path / "narration")
    timeline = build_timeline(
        board,
        [[] for _ in board.scenes],
        visuals=GeneratedVisuals(tmp_path / "cards"),
        transition_s=TRANSITION_S,
        narrations=list(narrations),
    )
    assert timeline.duration_s == pytest.approx(asked, rel=0.10)

    natural = [narrator.narrate(scene, language=language, out_dir=tmp_path / "narration") for scene in board.scenes]
    natural_s = sum(a.duration_s for a in natural if a is not None)
    budget = speech_budget_s(asked, len(board.scenes), TRANSITION_S)
    assert natural_s == pytest.approx(budget, rel=0.10), "the script fits the length at the voice's own pace"


@pytest.mark.parametrize(
    "prompt",
    [
        "A 60-second explainer about how volcanoes work",
        "Un vídeo de 60 segundos sobre los volcanes",
        "Видео на 1 минуту о вулканах",
        "Ein 60-Sekunden-Video über Vulkane",
        "Une vidéo de 60 secondes sur les volcans",
    ],
)
def test_a_minute_of_offline_narration_never_says_a_line_twice(prompt: str) -> None:
    board = planner.plan(VideoRequest(prompt=prompt))
    sentences = [s for scene in board.scenes for s in split_sentences(scene.narration)]
    assert len(sentences) == len(set(sentences)), sentences
    spoken = sum(speech_s(scene.narration, board.language) for scene in board.scenes)
    assert spoken == pytest.approx(speech_budget_s(60, len(board.scenes), TRANSITION_S), rel=0.05)
    assert all(spoken_sentences(scene.narration) for scene in board.scenes)
