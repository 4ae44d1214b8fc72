import wave
from pathlib import Path

import pytest

from services.exceptions import ProviderAuthError
from services.models import Scene
from services.narration import SilentNarrator, build_narrator, voice_name
from services.narration.audio import SAMPLE_RATE
from tests.conftest import fake_settings
from tests.fakes.stock_apis import FakeAPI, Fault

SCENE = Scene(
    index=2,
    narration="Лисы живут в снегу. Они охотятся зимой! Весной появляются лисята.",
    visual_query="fox",
    duration_s=3,
)


def _frames(path: Path) -> tuple[int, int, int]:
    with wave.open(str(path), "rb") as audio:
        return audio.getnframes(), audio.getframerate(), audio.getnchannels()


def _check_spans(narration) -> None:  # noqa: ANN001
    frames, rate, channels = _frames(narration.path)
    assert (rate, channels) == (SAMPLE_RATE, 1)
    assert narration.duration_s == pytest.approx(frames / rate, abs=1e-3)
    spans = narration.sentences
    assert [s.text for s in spans] == ["Лисы живут в снегу.", "Они охотятся зимой!", "Весной появляются лисята."]
    assert spans[0].start_s == 0 and spans[-1].end_s == pytest.approx(narration.duration_s, abs=1e-3)
    assert all(a.end_s < b.start_s for a, b in zip(spans, spans[1:], strict=False))  # a pause between sentences


def test_espeak_speaks_russian_offline_with_exact_sentence_spans(fake_api: FakeAPI, tmp_path: Path) -> None:
    narrator = build_narrator(fake_settings(fake_api, tmp_path, voice="espeak"), "ru")
    narration = narrator.narrate(SCENE, language="ru", out_dir=tmp_path)
    assert narration is not None and narration.voice == "espeak:espeak-ng" and narration.scene_index == 2
    _check_spans(narration)
    assert narration.duration_s > 2.0  # three spoken sentences, not silence


def test_openai_tts_audio_is_joined_per_sentence(fake_api: FakeAPI, tmp_path: Path) -> None:
    fake_api.fail("speech", Fault(429, b'{"error": {"message": "slow"}}', {"Retry-After": "0"}))
    narrator = build_narrator(fake_settings(fake_api, tmp_path, openai_tts_voice="nova"), "ru")
    narration = narrator.narrate(SCENE, language="ru", out_dir=tmp_path)
    assert narration is not None and narration.voice == "openai:nova"
    _check_spans(narration)
    assert narration.sentences[0].end_s == pytest.approx(0.6, abs=0.01)  # the fake speaks 0.6 s per sentence
    assert len(fake_api.requests("speech")) == 4  # three sentences, one retried after a 429
    again = narrator.narrate(SCENE, language="ru", out_dir=tmp_path)
    assert again == narration and len(fake_api.requests("speech")) == 4  # a finished narration is reused


def test_openai_tts_with_a_refused_key_fails_at_once(fake_api: FakeAPI, tmp_path: Path) -> None:
    narrator = build_narrator(fake_settings(fake_api, tmp_path, OPENAI_API_KEY="sk-nope"), "en")
    with pytest.raises(ProviderAuthError, match="openai: HTTP 401"):
        narrator.narrate(SCENE, language="en", out_dir=tmp_path)
    assert len(fake_api.requests("speech")) == 1


def test_auto_picks_openai_with_a_key_else_espeak_else_silence(fake_api: FakeAPI, tmp_path: Path) -> None:
    assert voice_name(fake_settings(fake_api, tmp_path), "ru") == "openai"
    offline = fake_settings(fake_api, tmp_path, OPENAI_API_KEY=None)
    assert voice_name(offline, "ru") == "espeak"
    assert voice_name(offline, "xx-unknown") == "silent"
    silent = build_narrator(fake_settings(fake_api, tmp_path, voice="silent"), "en")
    assert isinstance(silent, SilentNarrator) and silent.narrate(SCENE, language="en", out_dir=tmp_path) is None
