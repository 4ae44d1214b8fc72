"""Narration paced to its slot: spoken again faster or slower (0.85x-1.3x) until it lands within 5% of a target."""

import json
from pathlib import Path

import pytest

from services.models import NARRATION_PADDING_S, Scene
from services.narration import SilentNarrator, build_narrator, speech_target_s
from services.narration.audio import fitted_speed
from tests.conftest import fake_settings
from tests.fakes.stock_apis import FakeAPI

SCENE = Scene(
    index=3,
    narration="Red foxes live on every continent except Antarctica. They hunt mice under deep snow.",
    visual_query="fox",
    duration_s=6,
)


def test_espeak_speeds_up_to_a_shorter_target_and_stops_at_1_3x(fake_api: FakeAPI, tmp_path: Path) -> None:
    narrator = build_narrator(fake_settings(fake_api, tmp_path, voice="espeak"), "en")
    natural = narrator.narrate(SCENE, language="en", out_dir=tmp_path)
    assert natural is not None and natural.path.name.endswith("-x1.00.wav")

    target = natural.duration_s * 0.8
    fitted = narrator.narrate(SCENE, language="en", out_dir=tmp_path, target_s=target)
    assert fitted is not None and fitted.path != natural.path  # the speed is part of the file's key
    assert fitted.duration_s == pytest.approx(target, rel=0.05)
    assert fitted.sentences[-1].words[-1].end_s == pytest.approx(fitted.duration_s, abs=1e-3)

    impossible = narrator.narrate(SCENE, language="en", out_dir=tmp_path, target_s=natural.duration_s * 0.4)
    assert impossible is not None and impossible.path.name.endswith("-x1.30.wav")
    assert natural.duration_s / impossible.duration_s == pytest.approx(1.3, rel=0.12)

    slower = narrator.narrate(SCENE, language="en", out_dir=tmp_path, target_s=natural.duration_s * 3)
    assert slower is not None and slower.path.name.endswith("-x0.85.wav")
    assert slower.duration_s > natural.duration_s * 1.08


def test_a_target_already_met_keeps_the_natural_narration(fake_api: FakeAPI, tmp_path: Path) -> None:
    narrator = build_narrator(fake_settings(fake_api, tmp_path, voice="espeak"), "en")
    natural = narrator.narrate(SCENE, language="en", out_dir=tmp_path)
    assert natural is not None
    again = narrator.narrate(SCENE, language="en", out_dir=tmp_path, target_s=natural.duration_s * 1.03)
    assert again == natural


def test_openai_tts_is_asked_for_the_documented_speed(fake_api: FakeAPI, tmp_path: Path) -> None:
    narrator = build_narrator(fake_settings(fake_api, tmp_path), "en")
    # the fake speaks 0.6 s per sentence at speed 1: 2 x 0.6 + 0.25 pause = 1.45 s; 1.25 s needs speed 1.2
    fitted = narrator.narrate(SCENE, language="en", out_dir=tmp_path, target_s=1.25)
    assert fitted is not None and fitted.duration_s == pytest.approx(1.25, abs=0.01)
    speeds = [json.loads(r.body).get("speed") for r in fake_api.requests("speech")]
    assert speeds == [1.0, 1.0, 1.2, 1.2]


def test_fitted_speed_is_clamped() -> None:
    assert fitted_speed(10.0, 8.0, speed=1.0) == 1.25
    assert fitted_speed(10.0, 5.0, speed=1.0) == 1.3
    assert fitted_speed(10.0, 20.0, speed=1.0) == 0.85
    assert fitted_speed(10.0, 0.0, speed=1.0) == 1.3
    assert fitted_speed(8.4, 8.0, speed=1.25) == 1.3  # a second correction builds on the speed already used


def test_speech_target_leaves_room_for_padding_and_transition() -> None:
    assert speech_target_s(6.0, 0.5) == pytest.approx(6.0 - NARRATION_PADDING_S - 0.5)
    assert speech_target_s(1.2, 0.5) == 1.0
    assert speech_target_s(6.0, 0.5, is_first=True) == pytest.approx(6.0 - NARRATION_PADDING_S - 0.25)
    assert SilentNarrator().narrate(SCENE, language="en", out_dir=Path("."), target_s=3.0) is None
