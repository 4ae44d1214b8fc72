"""Re-embed every prompt version and user prompt with one model (upsert, so re-running replaces)."""

from collections.abc import Callable
from contextlib import AbstractContextManager

from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.orm import Session

from prompt_store.embeddings import Embedder
from prompt_store.models import PromptEmbedding, PromptVersion, UserPrompt, UserPromptEmbedding

SessionFactory = Callable[[], AbstractContextManager[Session]]
_TARGETS = (
    (PromptEmbedding, "version_id", PromptVersion),
    (UserPromptEmbedding, "user_prompt_id", UserPrompt),
)


def reindex(session: SessionFactory, embedder: Embedder, *, batch: int = 128) -> int:
    """Embed all rows in batches, one short transaction per batch; returns the rows written."""
    written = 0
    for table, key, source in _TARGETS:
        with session() as s:
            rows = s.execute(select(source.id, source.text).order_by(source.id)).all()
        for start in range(0, len(rows), batch):
            chunk = rows[start : start + batch]
            vectors = embedder.embed([text for _, text in chunk])
            values = [
                {key: row_id, "model": embedder.model, "embedding": vector}
                for (row_id, _), vector in zip(chunk, vectors, strict=True)
            ]
            statement = insert(table).values(values)
            upsert = statement.on_conflict_do_update(
                index_elements=[key, "model"], set_={"embedding": statement.excluded.embedding}
            )
            with session() as s:
                s.execute(upsert)
            written += len(chunk)
    return written
