"""Narration voices, chosen per run and language from settings through a registry."""

from collections.abc import Callable
from pathlib import Path

from services.exceptions import InvalidRequest, NarrationError
from services.models import NARRATION_PADDING_S, NarrationAudio, Scene
from services.narration.audio import SentenceNarrator
from services.narration.base import Narrator, SentenceVoice
from services.narration.espeak import EspeakVoice, espeak_available
from services.narration.openai_tts import OpenAIVoice
from services.settings import Settings

__all__ = [
    "NARRATORS",
    "for_voice",
    "Narrator",
    "SentenceVoice",
    "SilentNarrator",
    "build_narrator",
    "speech_target_s",
    "voice_name",
]
MIN_SPEECH_S = 1.0


class SilentNarrator:
    """No voice: scenes keep the storyboard's durations."""

    name = "silent"

    def narrate(
        self, scene: Scene, *, language: str, out_dir: Path, target_s: float | None = None
    ) -> NarrationAudio | None:
        return None


def speech_target_s(scene_duration_s: float, transition_s: float, *, is_first: bool = False) -> float:
    """How long a scene's speech should last: the timeline gives a narrated scene its narration plus
    NARRATION_PADDING_S plus the transition (half of it for the opening scene, which has no incoming crossfade),
    so speech of this length keeps the storyboard's duration."""
    overlap = transition_s / 2 if is_first else transition_s
    return max(MIN_SPEECH_S, round(scene_duration_s - NARRATION_PADDING_S - overlap, 3))


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


def for_voice(settings: Settings, voice: str | None) -> Settings:
    """The settings with a run's own voice choice (None: P2V_VOICE); `openai` without a key is refused here, before
    any work, rather than at the first scene."""
    chosen = settings if voice is None else settings.model_copy(update={"voice": voice})
    if chosen.voice == "openai" and chosen.openai_api_key is None:
        raise InvalidRequest("voice", "openai needs OPENAI_API_KEY (or choose auto, espeak or silent)")
    return chosen


def build_narrator(settings: Settings, language: str) -> Narrator:
    return NARRATORS[voice_name(settings, language)](settings)
