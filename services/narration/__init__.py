"""Narration voices, chosen per run and language from settings through a registry."""

from collections.abc import Callable
from pathlib import Path

from services.exceptions import NarrationError
from services.models import NarrationAudio, Scene
from services.narration.audio import SentenceNarrator
from services.narration.base import Narrator, SentenceVoice
from services.narration.espeak import EspeakVoice, espeak_available
from services.narration.openai_tts import OpenAIVoice
from services.settings import Settings

__all__ = ["NARRATORS", "Narrator", "SentenceVoice", "SilentNarrator", "build_narrator", "voice_name"]


class SilentNarrator:
    """No voice: scenes keep the storyboard's durations."""

    name = "silent"

    def narrate(self, scene: Scene, *, language: str, out_dir: Path) -> NarrationAudio | None:
        return None


def _openai(settings: Settings) -> Narrator:
    if settings.openai_api_key is None:
        raise NarrationError("P2V_VOICE=openai needs OPENAI_API_KEY")
    voice = OpenAIVoice(
        settings.openai_api_key,
        model=settings.openai_tts_model,
        voice=settings.openai_tts_voice,
        base_url=settings.openai_base_url,
        timeout_s=max(settings.http_timeout_s, 60.0),
        max_retries=settings.http_attempts - 1,
    )
    return SentenceNarrator(voice, timeout_s=settings.ffmpeg_timeout_s)


NARRATORS: dict[str, Callable[[Settings], Narrator]] = {
    "openai": _openai,
    "espeak": lambda settings: SentenceNarrator(EspeakVoice(), timeout_s=settings.ffmpeg_timeout_s),
    "silent": lambda _settings: SilentNarrator(),
}


def voice_name(settings: Settings, language: str) -> str:
    """The backend P2V_VOICE picks; auto = OpenAI with a key, else espeak-ng when it speaks the language."""
    if settings.voice != "auto":
        return settings.voice
    if settings.openai_api_key is not None:
        return "openai"
    if espeak_available() and EspeakVoice().supports(language):
        return "espeak"
    return "silent"


def build_narrator(settings: Settings, language: str) -> Narrator:
    return NARRATORS[voice_name(settings, language)](settings)
