"""Word timings: espeak-ng's word events, OpenAI TTS + Whisper word timestamps, the syllable fallback; emoji."""

import array
import json
import wave
from pathlib import Path

import pytest

from services.models import NarrationAudio, Scene
from services.narration import build_narrator
from services.narration.espeak import EspeakVoice, word_spans
from services.narration.words import align, caption_words, speakable, spread, syllables
from tests.conftest import fake_settings
from tests.fakes.openai_api import heard_words
from tests.fakes.stock_apis import FakeAPI, Fault

EN = "Foxes hunt in the snow at night. In spring, the young ones come out to play!"
RU = "Лисы живут в снегу. Они охотятся зимой!"


def _samples(path: Path) -> tuple[array.array, int]:
    with wave.open(str(path), "rb") as audio:
        return array.array("h", audio.readframes(audio.getnframes())), audio.getframerate()


def _onset_s(samples: array.array, rate: int, from_s: float) -> float:
    """The first sample after `from_s` louder than 2% of full scale: where speech begins."""
    start = int(from_s * rate)
    return next(i for i in range(start, len(samples)) if abs(samples[i]) > 650) / rate


def _check_words(narration: NarrationAudio) -> None:
    for sentence in narration.sentences:
        words = sentence.words
        assert [w.text for w in words] == caption_words(sentence.text)
        assert " ".join(w.text for w in words) == sentence.text
        assert words[0].start_s >= sentence.start_s and words[-1].end_s == pytest.approx(sentence.end_s, abs=1e-3)
        assert all(a.start_s < b.start_s and a.end_s == b.start_s for a, b in zip(words, words[1:], strict=False))


@pytest.mark.parametrize(("language", "text", "count"), [("en", EN, 16), ("ru", RU, 7)])
def test_espeak_times_every_word_from_its_word_events(
    fake_api: FakeAPI, tmp_path: Path, language: str, text: str, count: int
) -> None:
    narrator = build_narrator(fake_settings(fake_api, tmp_path, voice="espeak"), language)
    narration = narrator.narrate(Scene(index=0, narration=text, visual_query="x", duration_s=4), language=language,
                                 out_dir=tmp_path)  # fmt: skip
    assert narration is not None
    _check_words(narration)
    assert sum(len(s.words) for s in narration.sentences) == count
    samples, rate = _samples(narration.path)
    for sentence in narration.sentences:
        assert sentence.words[0].start_s == pytest.approx(_onset_s(samples, rate, sentence.start_s), abs=0.04)
    # a later word starts where its own sound does: never inside the silence before the sentence's speech
    durations = [w.end_s - w.start_s for s in narration.sentences for w in s.words]
    assert min(durations) > 0.03 and max(durations) < 1.5


def test_espeak_word_events_map_to_written_words() -> None:
    # espeak-ng reads "1990" as two words and reports both; the written word takes the first
    spans = word_spans("In 1990, foxes ran.", [(1, 0), (4, 200), (5, 700), (10, 1000), (17, 1400)], duration_s=1.8)
    assert [(s.text, s.start_s, s.end_s) for s in spans] == [
        ("In", 0.0, 0.2), ("1990,", 0.2, 1.0), ("foxes", 1.0, 1.4), ("ran.", 1.4, 1.8)
    ]  # fmt: skip


def test_emoji_are_neither_spoken_nor_captioned(fake_api: FakeAPI, tmp_path: Path) -> None:
    voice = EspeakVoice()
    plain = voice.synthesize("Hello world", language="en", out=tmp_path / "plain.wav")
    raw = voice.synthesize("Hello 🌈 world", language="en", out=tmp_path / "raw.wav")
    assert len(raw) == 3 and raw[1].text == "🌈"  # unfiltered, espeak-ng says "rainbow"
    plain_s = _duration(tmp_path / "plain.wav")
    assert _duration(tmp_path / "raw.wav") > plain_s + 0.25 and len(plain) == 2

    narrator = build_narrator(fake_settings(fake_api, tmp_path, voice="espeak"), "en")
    scene = Scene(index=1, narration="Hello 🌈 world. 👍🏽 🇺🇸 Foxes️ 👨‍👩‍👧 run!", visual_query="x", duration_s=3)
    narration = narrator.narrate(scene, language="en", out_dir=tmp_path / "out")
    assert narration is not None
    assert [s.text for s in narration.sentences] == ["Hello world.", "Foxes run!"]
    assert [w.text for w in narration.sentences[0].words] == ["Hello", "world."]
    assert narration.sentences[0].end_s == pytest.approx(plain_s, rel=0.1)


def _duration(path: Path) -> float:
    samples, rate = _samples(path)
    return len(samples) / rate


def test_openai_words_come_from_the_transcription_endpoint(fake_api: FakeAPI, tmp_path: Path) -> None:
    narrator = build_narrator(fake_settings(fake_api, tmp_path), "en")
    narration = narrator.narrate(Scene(index=0, narration=EN, visual_query="x", duration_s=4), language="en",
                                 out_dir=tmp_path)  # fmt: skip
    assert narration is not None
    _check_words(narration)
    for sentence in narration.sentences:
        heard = heard_words(sentence.text, 0.6)
        assert [w.start_s for w in sentence.words] == pytest.approx(
            [sentence.start_s + h["start"] for h in heard], abs=2e-3
        )
    sent = fake_api.requests("transcriptions")
    assert len(sent) == 2 and b'name="model"\r\n\r\nwhisper-1' in sent[0].body
    assert b'name="timestamp_granularities[]"\r\n\r\nword' in sent[0].body
    assert b'name="response_format"\r\n\r\nverbose_json' in sent[0].body


def test_openai_words_are_spread_by_syllables_when_transcription_fails(fake_api: FakeAPI, tmp_path: Path) -> None:
    fake_api.fail("transcriptions", Fault(400, b'{"error": {"message": "bad audio"}}'), Fault(400))
    narrator = build_narrator(fake_settings(fake_api, tmp_path), "en")
    narration = narrator.narrate(Scene(index=0, narration=EN, visual_query="x", duration_s=4), language="en",
                                 out_dir=tmp_path)  # fmt: skip
    assert narration is not None
    _check_words(narration)
    first = narration.sentences[0]
    assert first.words == spread(caption_words(first.text), first.start_s, first.end_s)
    assert first.words[0].start_s == first.start_s  # no transcript: the words fill the sentence from its start
    sidecar = json.loads(narration.path.with_suffix(".json").read_text())
    assert len(sidecar["sentences"][1]["words"]) == 9


def test_align_tolerates_a_transcript_that_splits_or_misses_words() -> None:
    words = caption_words("In 1990, the foxes ran home.")
    heard = [("in", 0.1), ("nineteen", 0.3), ("ninety", 0.6), ("the", 0.9), ("foxes", 1.0), ("home", 1.6)]
    spans = align(words, heard, 0.0, 2.0)
    assert [s.text for s in spans] == ["In", "1990,", "the", "foxes", "ran", "home."]
    assert [s.start_s for s in spans][:4] == [0.1, 0.3, 0.9, 1.0]  # "1990" starts with "nineteen"
    assert 1.0 < spans[4].start_s < 1.6 and spans[5].start_s == 1.6 and spans[-1].end_s == 2.0


def test_text_helpers() -> None:
    assert speakable("Hot 🔥 at 25 °C, № 5 ✨") == "Hot at 25 °C, № 5"
    assert caption_words("Foxes — fast ones") == ["Foxes —", "fast", "ones"]
    assert [syllables(w) for w in ("fox", "beautiful", "охотятся", "42")] == [1, 3, 4, 2]


def test_align_maps_by_order_when_no_word_matches() -> None:
    spans = align(["Лисы", "живут", "в", "снегу"], [("foxes", 0.0), ("live", 0.3), ("in", 0.5), ("snow", 0.6)], 0, 1)
    assert [s.start_s for s in spans] == [0.0, 0.3, 0.5, 0.6]
