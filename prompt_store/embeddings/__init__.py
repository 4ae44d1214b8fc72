"""Embedding models by name: a registry, not an if-chain."""

from collections.abc import Callable
from dataclasses import dataclass

from prompt_store.embeddings import local
from prompt_store.embeddings import openai as openai_embeddings
from prompt_store.embeddings.base import Embedder
from prompt_store.exceptions import EmbeddingError, UnknownEmbeddingModel
from services.settings import Settings, get_settings


@dataclass(frozen=True)
class ModelSpec:
    dims: int
    slug: str  # used in index names; must match migration 0003 for built-ins
    build: Callable[[Settings], Embedder]


def _build_openai(settings: Settings) -> Embedder:
    if settings.openai_api_key is None:
        raise EmbeddingError(openai_embeddings.MODEL, "OPENAI_API_KEY is not set")
    return openai_embeddings.OpenAIEmbedder(settings.openai_api_key, base_url=settings.openai_base_url)


MODELS: dict[str, ModelSpec] = {
    local.MODEL: ModelSpec(local.DIMS, "minilm_l6_v2", lambda _settings: local.MiniLMEmbedder()),
    openai_embeddings.MODEL: ModelSpec(openai_embeddings.DIMS, "te3_small", _build_openai),
}
ALIASES = {"local": local.MODEL, "minilm": local.MODEL, "openai": openai_embeddings.MODEL}


def resolve_model(model: str | None, settings: Settings | None = None) -> str:
    """The canonical model name for `model`, an alias, or the configured/automatic default."""
    settings = settings or get_settings()
    if model is None:
        model = settings.embedding_model
    if model is None:
        return openai_embeddings.MODEL if settings.openai_api_key else local.MODEL
    model = ALIASES.get(model, model)
    if model not in MODELS:
        raise UnknownEmbeddingModel(model, sorted(MODELS))
    return model


def get_embedder(model: str | None = None, settings: Settings | None = None) -> Embedder:
    """Build the embedder for `model` (see resolve_model)."""
    settings = settings or get_settings()
    return MODELS[resolve_model(model, settings)].build(settings)


__all__ = ["ALIASES", "MODELS", "Embedder", "ModelSpec", "get_embedder", "resolve_model"]
