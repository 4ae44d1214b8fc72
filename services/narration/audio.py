"""Sentence-by-sentence narration: each sentence synthesized alone, normalised, then joined with short pauses,
so every sentence's (and word's) start and end in the scene's audio file is known exactly (captions use them).

Given a target length, the narration is spoken again faster or slower until it lands within FIT_TOLERANCE of it,
never beyond [MIN_SPEED, MAX_SPEED] of the voice's normal pace: speech that fits its scene beats a scene stretched
to fit its speech, but not at the price of a voice that drags or gabbles.
"""

import hashlib
import os
import wave
from pathlib import Path

from services.exceptions import ComposeError, NarrationError, P2VError
from services.ffmpeg import run_ffmpeg
from services.models import SENTENCE_PAUSE_S, NarrationAudio, Scene, SentenceSpan, WordSpan
from services.narration.base import SentenceVoice
from services.narration.words import align, caption_words, speakable, spread
from services.retention import mark_used
from services.storyboard.language import split_sentences

SAMPLE_RATE = 48000
PAUSE_S = SENTENCE_PAUSE_S
FIT_TOLERANCE = 0.05
MIN_SPEED, MAX_SPEED = 0.85, 1.3
FIT_ATTEMPTS = 3
CACHE_VERSION = 2
"""Part of every narration file's key: version 2 added word spans to the sidecar."""
_SAMPLE_BYTES = 2
Piece = tuple[bytes, list[WordSpan] | None]


class SentenceNarrator:
    """Narrates a scene with a SentenceVoice into `scene-NN-<hash>-x<speed>.wav` (48 kHz mono); reuses a finished
    file (the speed is part of the key, so a fitted narration and the natural one are both kept)."""

    def __init__(self, voice: SentenceVoice, *, timeout_s: float = 120.0) -> None:
        self.voice = voice
        self.name = voice.name
        self.timeout_s = timeout_s

    def narrate(
        self, scene: Scene, *, language: str, out_dir: Path, target_s: float | None = None
    ) -> NarrationAudio | None:
        sentences = spoken_sentences(scene.narration)
        if not sentences:
            return None
        best = speech = self._render(scene.index, sentences, language=language, out_dir=out_dir, speed=1.0)
        if target_s is None:
            return best
        pauses_s, speed = PAUSE_S * (len(sentences) - 1), 1.0
        for _ in range(FIT_ATTEMPTS):
            if abs(speech.duration_s - target_s) <= FIT_TOLERANCE * target_s:
                break
            wanted = fitted_speed(speech.duration_s - pauses_s, target_s - pauses_s, speed=speed)
            if wanted == speed:
                break
            speed = wanted
            speech = self._render(scene.index, sentences, language=language, out_dir=out_dir, speed=speed)
            if abs(speech.duration_s - target_s) < abs(best.duration_s - target_s):
                best = speech
        return best

    def _render(
        self, index: int, sentences: list[str], *, language: str, out_dir: Path, speed: float
    ) -> NarrationAudio:
        key = f"{CACHE_VERSION}|{self.name}|{self.voice.voice}|{language}|{speed:.2f}|" + "\n".join(sentences)
        digest = hashlib.sha256(key.encode()).hexdigest()[:12]
        final = out_dir / f"scene-{index:02d}-{digest}-x{speed:.2f}.wav"
        sidecar = final.with_suffix(".json")
        if final.is_file() and sidecar.is_file():
            mark_used([final, sidecar])  # reused: not for retention to delete now
            return NarrationAudio.model_validate_json(sidecar.read_text(encoding="utf-8"))
        out_dir.mkdir(parents=True, exist_ok=True)
        pieces = [
            self._sentence(text, language=language, work=out_dir / f".{digest}-{i}", speed=speed)
            for i, text in enumerate(sentences)
        ]
        narration = _join(pieces, sentences, scene_index=index, voice=f"{self.name}:{self.voice.voice}", out=final)
        sidecar.write_text(narration.model_dump_json(), encoding="utf-8")
        return narration

    def _sentence(self, text: str, *, language: str, work: Path, speed: float) -> Piece:
        """One sentence as 48 kHz mono 16-bit samples, whatever format the engine produced, and its word times."""
        raw, normalised = work.with_suffix(".raw"), work.with_suffix(".wav")
        try:
            words = self.voice.synthesize(text, language=language, out=raw, speed=speed)
            args = ["-i", str(raw), "-ac", "1", "-ar", str(SAMPLE_RATE), "-c:a", "pcm_s16le", str(normalised)]
            run_ffmpeg(args, timeout_s=self.timeout_s, what="normalising narration audio")
            with wave.open(str(normalised), "rb") as source:
                return source.readframes(source.getnframes()), words
        except ComposeError as exc:
            raise NarrationError(f"{self.name} produced audio ffmpeg cannot read: {exc}") from None
        except P2VError:
            raise
        finally:
            raw.unlink(missing_ok=True)
            normalised.unlink(missing_ok=True)


def spoken_sentences(narration: str) -> list[str]:
    """The narration's sentences as the voice reads them and captions show them: no emoji, none without words."""
    cleaned = (speakable(sentence) for sentence in split_sentences(narration))
    return [s for s in cleaned if any(ch.isalnum() for ch in s)]


def fitted_speed(speech_s: float, wanted_s: float, *, speed: float) -> float:
    """The speed that turns `speech_s` seconds spoken at `speed` into `wanted_s`, clamped, rounded to 0.01."""
    factor = speed * speech_s / wanted_s if wanted_s > 0 else MAX_SPEED
    return round(min(MAX_SPEED, max(MIN_SPEED, factor)), 2)


def _join(pieces: list[Piece], sentences: list[str], *, scene_index: int, voice: str, out: Path) -> NarrationAudio:
    pause = b"\0" * int(PAUSE_S * SAMPLE_RATE) * _SAMPLE_BYTES
    spans, cursor = [], 0
    partial = out.with_name(f".{out.stem}.{os.getpid()}.wav")
    with wave.open(str(partial), "wb") as sink:
        sink.setnchannels(1)
        sink.setsampwidth(_SAMPLE_BYTES)
        sink.setframerate(SAMPLE_RATE)
        for i, ((pcm, heard), text) in enumerate(zip(pieces, sentences, strict=True)):
            if i:
                sink.writeframes(pause)
                cursor += len(pause)
            sink.writeframes(pcm)
            start_s, end_s = _seconds(cursor), _seconds(cursor + len(pcm))
            words = _words(text, heard, start_s, end_s)
            spans.append(SentenceSpan(text=text, start_s=start_s, end_s=end_s, words=words))
            cursor += len(pcm)
    if cursor == 0:
        partial.unlink(missing_ok=True)
        raise NarrationError(f"scene {scene_index}: the voice produced no audio")
    os.replace(partial, out)
    return NarrationAudio(scene_index=scene_index, path=out, duration_s=_seconds(cursor), voice=voice, sentences=spans)


def _words(text: str, heard: list[WordSpan] | None, start_s: float, end_s: float) -> list[WordSpan]:
    """The sentence's written words timed by the voice's report (times relative to the sentence's own audio)."""
    words = caption_words(text)
    if not heard:
        return spread(words, start_s, end_s)
    return align(words, [(w.text, start_s + w.start_s) for w in heard], start_s, end_s)


def _seconds(byte_count: int) -> float:
    return round(byte_count / _SAMPLE_BYTES / SAMPLE_RATE, 4)
