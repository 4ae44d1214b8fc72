"""OpenAI text-to-speech, one request per sentence; the openai client retries 429 (Retry-After) and 5xx."""

from pathlib import Path

import openai
from pydantic import SecretStr

from services.exceptions import ProviderAuthError, ProviderError, ProviderRequestRefused


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
        self._client = openai.OpenAI(
            api_key=api_key.get_secret_value(), base_url=base_url, timeout=timeout_s, max_retries=max_retries
        )

    def synthesize(self, text: str, *, language: str, out: Path) -> None:
        try:
            response = self._client.audio.speech.create(
                model=self.model, voice=self.voice, input=text, response_format="wav"
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
