"""Sentence-by-sentence narration: each sentence synthesized alone, normalised, then joined with short pauses,
so every sentence's start and end in the scene's audio file is known exactly (captions use them)."""

import hashlib
import os
import wave
from pathlib import Path

from services.exceptions import ComposeError, NarrationError, P2VError
from services.ffmpeg import run_ffmpeg
from services.models import NarrationAudio, Scene, SentenceSpan
from services.narration.base import SentenceVoice
from services.storyboard.language import split_sentences

SAMPLE_RATE = 48000
PAUSE_S = 0.25
_SAMPLE_BYTES = 2


class SentenceNarrator:
    """Narrates a scene with a SentenceVoice into `scene-NN-<hash>.wav` (48 kHz mono); reuses a finished file."""

    def __init__(self, voice: SentenceVoice, *, timeout_s: float = 120.0) -> None:
        self.voice = voice
        self.name = voice.name
        self.timeout_s = timeout_s

    def narrate(self, scene: Scene, *, language: str, out_dir: Path) -> NarrationAudio | None:
        sentences = split_sentences(scene.narration)
        if not sentences:
            return None
        digest = hashlib.sha256(f"{self.name}|{self.voice.voice}|{language}|{scene.narration}".encode()).hexdigest()
        final = out_dir / f"scene-{scene.index:02d}-{digest[:12]}.wav"
        sidecar = final.with_suffix(".json")
        if final.is_file() and sidecar.is_file():
            return NarrationAudio.model_validate_json(sidecar.read_text(encoding="utf-8"))
        out_dir.mkdir(parents=True, exist_ok=True)
        pieces = [
            self._sentence_pcm(text, language=language, work=out_dir / f".{digest[:12]}-{i}")
            for i, text in enumerate(sentences)
        ]
        narration = _join(
            pieces, sentences, scene_index=scene.index, voice=f"{self.name}:{self.voice.voice}", out=final
        )
        sidecar.write_text(narration.model_dump_json(), encoding="utf-8")
        return narration

    def _sentence_pcm(self, text: str, *, language: str, work: Path) -> bytes:
        """One sentence as 48 kHz mono 16-bit samples, whatever format the engine produced."""
        raw, normalised = work.with_suffix(".raw"), work.with_suffix(".wav")
        try:
            self.voice.synthesize(text, language=language, out=raw)
            args = ["-i", str(raw), "-ac", "1", "-ar", str(SAMPLE_RATE), "-c:a", "pcm_s16le", str(normalised)]
            run_ffmpeg(args, timeout_s=self.timeout_s, what="normalising narration audio")
            with wave.open(str(normalised), "rb") as source:
                return source.readframes(source.getnframes())
        except ComposeError as exc:
            raise NarrationError(f"{self.name} produced audio ffmpeg cannot read: {exc}") from None
        except P2VError:
            raise
        finally:
            raw.unlink(missing_ok=True)
            normalised.unlink(missing_ok=True)


def _join(pieces: list[bytes], sentences: list[str], *, scene_index: int, voice: str, out: Path) -> NarrationAudio:
    pause = b"\0" * int(PAUSE_S * SAMPLE_RATE) * _SAMPLE_BYTES
    spans, cursor = [], 0
    partial = out.with_name(f".{out.stem}.{os.getpid()}.wav")
    with wave.open(str(partial), "wb") as sink:
        sink.setnchannels(1)
        sink.setsampwidth(_SAMPLE_BYTES)
        sink.setframerate(SAMPLE_RATE)
        for i, (pcm, text) in enumerate(zip(pieces, sentences, strict=True)):
            if i:
                sink.writeframes(pause)
                cursor += len(pause)
            sink.writeframes(pcm)
            spans.append(SentenceSpan(text=text, start_s=_seconds(cursor), end_s=_seconds(cursor + len(pcm))))
            cursor += len(pcm)
    if cursor == 0:
        partial.unlink(missing_ok=True)
        raise NarrationError(f"scene {scene_index}: the voice produced no audio")
    os.replace(partial, out)
    return NarrationAudio(scene_index=scene_index, path=out, duration_s=_seconds(cursor), voice=voice, sentences=spans)


def _seconds(byte_count: int) -> float:
    return round(byte_count / _SAMPLE_BYTES / SAMPLE_RATE, 4)
