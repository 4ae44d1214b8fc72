"""OpenAI text-to-speech, one request per sentence; the openai client retries 429 (Retry-After) and 5xx.

The speech endpoint returns no timings, so each sentence's audio is sent back to the transcription endpoint with
word timestamps (Whisper); when that fails the narrator spreads the words by syllables instead.
"""

import logging
from pathlib import Path

import openai
from pydantic import SecretStr

from services.exceptions import ProviderAuthError, ProviderError, ProviderRequestRefused
from services.models import WordSpan
from services.openai_client import openai_client

TRANSCRIPTION_MODEL = "whisper-1"
"""The transcription model that returns word timestamps (verbose_json with timestamp_granularities=["word"])."""
log = logging.getLogger(__name__)


class OpenAIVoice:
    """An OpenAI TTS voice (alloy, nova, ...): it speaks whatever language the text is in."""

    name = "openai"

    def __init__(
        self,
        api_key: SecretStr,
        *,
        model: str,
        voice: str,
        base_url: str | None = None,
        timeout_s: float = 60.0,
        max_retries: int = 3,
    ) -> None:
        self.model = model
        self.voice = voice
        self._client = openai_client(api_key, base_url=base_url, timeout_s=timeout_s, max_retries=max_retries)

    def synthesize(self, text: str, *, language: str, out: Path, speed: float = 1.0) -> list[WordSpan] | None:
        """Speaks `text` (speed: the documented 0.25-4.0 factor) into a wav file; returns Whisper's word times."""
        try:
            response = self._client.audio.speech.create(
                model=self.model, voice=self.voice, input=text, response_format="wav", speed=speed
            )
        except (openai.AuthenticationError, openai.PermissionDeniedError) as exc:
            raise ProviderAuthError(
                "openai", "the API key was refused; check OPENAI_API_KEY", status=exc.status_code
            ) from None
        except openai.APIStatusError as exc:
            if 400 <= exc.status_code < 500 and exc.status_code != 429:
                raise ProviderRequestRefused("openai", "speech request refused", status=exc.status_code) from None
            raise ProviderError("openai", "speech failed (after retries)", status=exc.status_code) from None
        except openai.APIError as exc:
            raise ProviderError("openai", f"speech failed ({type(exc).__name__}, after retries)") from None
        out.write_bytes(response.content)
        return self.transcribe(out, language=language)

    def transcribe(self, audio: Path, *, language: str) -> list[WordSpan] | None:
        """The words heard in a wav file with their times, or None when the transcription fails or hears nothing."""
        primary = language.split("-")[0].lower()
        try:
            result = self._client.audio.transcriptions.create(
                model=TRANSCRIPTION_MODEL,
                file=("speech.wav", audio.read_bytes(), "audio/wav"),
                response_format="verbose_json",
                timestamp_granularities=["word"],
                language=primary if len(primary) == 2 else openai.omit,
            )
        except openai.APIError as exc:
            status = getattr(exc, "status_code", None)
            log.warning(
                "openai transcription failed (%s %s): word times spread by syllables", type(exc).__name__, status
            )
            return None
        words = [w for w in (result.words or []) if w.word.strip()]
        if not words:
            return None
        return [WordSpan(text=w.word.strip(), start_s=max(0.0, w.start), end_s=max(0.0, w.start, w.end)) for w in words]
