"""Semantic (pgvector HNSW), full-text (tsvector + GIN) and hybrid (RRF) search over prompt versions.

Each model has its own partial HNSW expression index, `(embedding::vector(D)) vector_cosine_ops WHERE
model = 'M'`; a query only uses it when it repeats that expression and that predicate literally, so the model
name and width are inlined (both come from the registry, never from user input).
"""

import json
from collections.abc import Sequence
from typing import Any

from sqlalchemy import text
from sqlalchemy.orm import Session

from prompt_store.embeddings import MODELS
from prompt_store.schemas import SearchHit, UserPromptHit
from prompt_store.vector_param import VectorParam

RRF_K = 60  # the constant from Cormack et al.; damps the weight of top ranks
_HIT_COLUMNS = "p.name, p.type, v.version, v.version = p.active_version AS is_active, v.text"


def distance_sql(model: str) -> str:
    """The indexed distance expression for `model` (cosine distance)."""
    dims = MODELS[model].dims
    return f"(e.embedding::vector({dims})) <=> CAST(:q AS vector({dims}))"


def semantic_sql(model: str, *, prompt_type: str | None, tags: list[str] | None) -> str:
    """SQL of a filtered k-NN query that walks the model's HNSW index."""
    distance = distance_sql(model)
    return f"""
        SELECT {_HIT_COLUMNS}, 1 - ({distance}) AS score
        FROM prompt_embeddings e
        JOIN prompt_versions v ON v.id = e.version_id
        JOIN prompts p ON p.id = v.prompt_id
        WHERE e.model = '{model}' {_filters(prompt_type, tags)}
        ORDER BY {distance}
        LIMIT :k
    """


def enable_iterative_scan(session: Session, ef_search: int) -> None:
    """Let HNSW keep scanning until filtered queries have k rows (pgvector >= 0.8), for this transaction.

    Engines from `db.make_engine` already do this per connection; this is for other connections."""
    session.execute(
        text("SELECT set_config('hnsw.iterative_scan', 'strict_order', true), set_config('hnsw.ef_search', :ef, true)"),
        {"ef": str(ef_search)},
    )


def semantic(
    vector: Sequence[float],
    *,
    session: Session,
    model: str,
    k: int = 10,
    prompt_type: str | None = None,
    tags: list[str] | None = None,
) -> list[SearchHit]:
    """Nearest versions by cosine similarity of their `model` embedding.

    Relies on the connection's `hnsw.iterative_scan` (set by `db.make_engine`) so filters still give k rows.
    """
    sql = semantic_sql(model, prompt_type=prompt_type, tags=tags)
    rows = session.execute(text(sql), _params(VectorParam(vector), k, prompt_type, tags))
    return [SearchHit.model_validate(row, from_attributes=True) for row in rows]


def fulltext(
    query: str,
    *,
    session: Session,
    k: int = 10,
    prompt_type: str | None = None,
    tags: list[str] | None = None,
) -> list[SearchHit]:
    """Versions matching the query in web-search syntax (all words, "phrases", or, -not; English stemming),
    ranked by cover density.

    All words must match: an any-word match ranked paraphrases by shared filler words ("video", "clip"),
    and in hybrid fusion that noise outvoted good semantic hits; an exact keyword match is a strong signal.
    """
    sql = f"""
        WITH q AS (SELECT websearch_to_tsquery('english', :q) AS query)
        SELECT {_HIT_COLUMNS}, ts_rank_cd(v.tsv, q.query) AS score
        FROM q, prompt_versions v
        JOIN prompts p ON p.id = v.prompt_id
        WHERE v.tsv @@ q.query {_filters(prompt_type, tags)}
        ORDER BY score DESC, v.id DESC
        LIMIT :k
    """
    rows = session.execute(text(sql), _params(query, k, prompt_type, tags))
    return [SearchHit.model_validate(row, from_attributes=True) for row in rows]


def fuse(rankings: Sequence[Sequence[SearchHit]], k: int) -> list[SearchHit]:
    """Reciprocal rank fusion: score = sum over lists of 1 / (RRF_K + rank)."""
    scores: dict[tuple[str, int], float] = {}
    hits: dict[tuple[str, int], SearchHit] = {}
    for ranking in rankings:
        for rank, hit in enumerate(ranking, start=1):
            key = (hit.name, hit.version)
            scores[key] = scores.get(key, 0.0) + 1.0 / (RRF_K + rank)
            hits.setdefault(key, hit)
    best = sorted(scores, key=lambda key: scores[key], reverse=True)[:k]
    return [hits[key].model_copy(update={"score": scores[key]}) for key in best]


def similar_user_prompts(
    vector: Sequence[float],
    *,
    session: Session,
    model: str,
    k: int = 5,
    exclude_id: int | None = None,
) -> list[UserPromptHit]:
    """User prompts whose text is closest to `vector`."""
    distance = distance_sql(model)
    exclude = "AND u.id <> :exclude" if exclude_id is not None else ""
    sql = f"""
        SELECT u.id, u.text, us.username, u.created_at, 1 - ({distance}) AS score
        FROM user_prompt_embeddings e
        JOIN user_prompts u ON u.id = e.user_prompt_id
        JOIN users us ON us.id = u.user_id
        WHERE e.model = '{model}' {exclude}
        ORDER BY {distance}
        LIMIT :k
    """
    params = {"q": VectorParam(vector), "k": k, "exclude": exclude_id}
    return [UserPromptHit.model_validate(row, from_attributes=True) for row in session.execute(text(sql), params)]


def _filters(prompt_type: str | None, tags: list[str] | None) -> str:
    clauses = []
    if prompt_type is not None:
        clauses.append("AND p.type = :type")
    if tags:
        clauses.append("AND p.tags @> CAST(:tags AS jsonb)")
    return " ".join(clauses)


def _params(q: str | VectorParam, k: int, prompt_type: str | None, tags: list[str] | None) -> dict[str, Any]:
    return {"q": q, "k": k, "type": prompt_type, "tags": json.dumps(tags or [])}
