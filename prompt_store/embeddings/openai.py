"""OpenAI `text-embedding-3-small` (1536-d) through the official client; base_url is configurable.

The `openai` package is imported when an embedder is built, not with this module: it takes about a second, and
the registry imports this module for its constants (e.g. `p2v prompts show` needs no embedder at all).
"""

from collections.abc import Sequence

from pydantic import SecretStr

from prompt_store.exceptions import EmbeddingError, EmbeddingKeyRefused

MODEL = "text-embedding-3-small"
DIMS = 1536
_BATCH = 256


class OpenAIEmbedder:
    """Remote embeddings; errors name the model and HTTP status, never the key."""

    model = MODEL
    dims = DIMS

    def __init__(self, api_key: SecretStr, *, base_url: str | None = None, timeout_s: float = 30.0) -> None:
        from services.openai_client import openai_client

        self._client = openai_client(api_key, base_url=base_url, timeout_s=timeout_s, max_retries=3)

    def embed(self, texts: Sequence[str]) -> list[list[float]]:
        vectors: list[list[float]] = []
        for start in range(0, len(texts), _BATCH):
            vectors.extend(self._embed_batch(list(texts[start : start + _BATCH])))
        return vectors

    def _embed_batch(self, texts: list[str]) -> list[list[float]]:
        import openai

        try:
            # no encoding_format: the client asks for base64 and decodes it, far cheaper than float JSON
            response = self._client.embeddings.create(model=self.model, input=texts)
        except (openai.AuthenticationError, openai.PermissionDeniedError) as exc:
            refused = f"the API key was refused (HTTP {exc.status_code}); check OPENAI_API_KEY"
            raise EmbeddingKeyRefused(self.model, refused) from None
        except openai.APIStatusError as exc:
            raise EmbeddingError(self.model, f"HTTP {exc.status_code}") from None
        except openai.APIError as exc:
            raise EmbeddingError(self.model, type(exc).__name__) from None
        rows = sorted(response.data, key=lambda item: item.index)
        if len(rows) != len(texts) or any(len(row.embedding) != self.dims for row in rows):
            raise EmbeddingError(self.model, "the response does not match the request")
        return [list(row.embedding) for row in rows]
