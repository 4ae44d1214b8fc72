"""The embedding Protocol every model implementation follows."""

from collections.abc import Sequence
from typing import Protocol


class Embedder(Protocol):
    """Turns texts into unit-length vectors of a fixed width."""

    model: str
    dims: int

    def embed(self, texts: Sequence[str]) -> list[list[float]]:
        """One vector per text, in order; raises EmbeddingError on failure."""
        ...
