"""Semantic (pgvector HNSW), full-text (tsvector + GIN), prompt-name (pg_trgm) and hybrid (RRF) search.

Each model has its own partial HNSW expression index, `(embedding::vector(D)) vector_cosine_ops WHERE
model = 'M'`; a query only uses it when it repeats that expression and that predicate literally, so the model
name and width are inlined (both come from the registry, never from user input).
Every function returns version hits, best first; `group_by_prompt` turns them into one hit per prompt.
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
TS_CONFIG = "prompt_search"  # migration 0009: Russian + English stemming, unaccent
_HIT_COLUMNS = "p.name, p.type, v.version, v.version = p.active_version AS is_active, p.active_version, v.text"


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


def fulltext_sql(prompt_type: str | None, tags: list[str] | None) -> str:
    """Versions with every word first (web-search syntax: "phrases", or, -not), then versions with any word.

    Natural-language queries rarely have every word in one prompt, so the any-word tier is what finds them. It is
    ranked by the share of the query's inverse document frequency that a version matches (BM25's idea; 0 to 1):
    a shared rare word ("borscht") outweighs shared filler ("video", "clip"), which plain ts_rank_cd counted alike.
    Every-word matches score above 1.
    The outer LIMIT stops the append before the any-word tier runs when the all-word tier already has k rows,
    so a keyword query costs what it did with AND alone.
    """
    filters = _filters(prompt_type, tags)
    return f"""
        WITH q AS (SELECT websearch_to_tsquery('{TS_CONFIG}', :q) AS every),
        lexemes AS (SELECT unnest(tsvector_to_array(to_tsvector('{TS_CONFIG}', :q))) AS lexeme),
        words AS (SELECT to_tsquery('simple', quote_literal(lexeme)) AS word FROM lexemes),
        weights AS (
            SELECT w.word, ln(1 + n.total / greatest(1, (SELECT count(*) FROM prompt_versions d WHERE d.tsv @@ w.word)))
                AS idf
            FROM words w,
                (SELECT greatest(reltuples, (SELECT count(*) FROM (SELECT FROM prompt_versions LIMIT 10000) s)) AS total
                 FROM pg_class WHERE oid = 'prompt_versions'::regclass) AS n
        ),
        anyword AS (
            SELECT to_tsquery('simple', coalesce(string_agg(quote_literal(lexeme), ' | '), '')) AS query FROM lexemes
        )
        SELECT * FROM (
            (SELECT {_HIT_COLUMNS}, 1 + ts_rank_cd(v.tsv, q.every, 1) AS score
             FROM q, prompt_versions v JOIN prompts p ON p.id = v.prompt_id
             WHERE v.tsv @@ q.every {filters}
             ORDER BY score DESC, v.id DESC LIMIT :k)
            UNION ALL
            (SELECT {_HIT_COLUMNS},
                (SELECT sum(w.idf) FROM weights w WHERE v.tsv @@ w.word) / (SELECT sum(idf) FROM weights) AS score
             FROM q, anyword a, prompt_versions v JOIN prompts p ON p.id = v.prompt_id
             WHERE v.tsv @@ a.query AND NOT v.tsv @@ q.every {filters}
             ORDER BY score DESC, v.id DESC LIMIT :k)
        ) AS tiers
        LIMIT :k
    """


def fulltext(
    query: str,
    *,
    session: Session,
    k: int = 10,
    prompt_type: str | None = None,
    tags: list[str] | None = None,
) -> list[SearchHit]:
    """Versions sharing words with the query (stemmed, any language of `TS_CONFIG`), every-word matches first."""
    rows = session.execute(text(fulltext_sql(prompt_type, tags)), _params(query, k, prompt_type, tags))
    return [SearchHit.model_validate(row, from_attributes=True) for row in rows]


def name_sql(prompt_type: str | None, tags: list[str] | None) -> str:
    """Active versions of prompts whose name resembles the query (pg_trgm `%>`, served by the name's GIN index).

    Names such as `storyboard.cooking` are identifiers: "storybord cooking" or a typo still finds them."""
    return f"""
        SELECT {_HIT_COLUMNS}, word_similarity(:q, p.name) AS score
        FROM prompts p JOIN prompt_versions v ON v.prompt_id = p.id AND v.version = p.active_version
        WHERE p.name %> :q {_filters(prompt_type, tags)}
        ORDER BY score DESC, p.id
        LIMIT :k
    """


def by_name(
    query: str,
    *,
    session: Session,
    k: int = 10,
    prompt_type: str | None = None,
    tags: list[str] | None = None,
) -> list[SearchHit]:
    """Prompts by name similarity, best first (see `name_sql`)."""
    rows = session.execute(text(name_sql(prompt_type, tags)), _params(query, k, prompt_type, tags))
    return [SearchHit.model_validate(row, from_attributes=True) for row in rows]


def hybrid(
    query: str,
    vector: Sequence[float],
    *,
    session: Session,
    model: str,
    k: int = 10,
    prompt_type: str | None = None,
    tags: list[str] | None = None,
) -> tuple[list[SearchHit], list[SearchHit], list[SearchHit]]:
    """Semantic, full-text and name rankings in one statement (one round trip instead of three)."""
    parts = [
        semantic_sql(model, prompt_type=prompt_type, tags=tags).replace(":q", ":v"),
        fulltext_sql(prompt_type, tags),
        name_sql(prompt_type, tags),
    ]
    sql = " UNION ALL ".join(f"(SELECT {i} AS source, r.* FROM ({part}) AS r)" for i, part in enumerate(parts))
    params = _params(query, k, prompt_type, tags) | {"v": VectorParam(vector)}
    rankings: tuple[list[SearchHit], list[SearchHit], list[SearchHit]] = ([], [], [])
    for row in session.execute(text(sql), params):
        rankings[row.source].append(SearchHit.model_validate(row, from_attributes=True))
    return rankings


def fuse(rankings: Sequence[Sequence[SearchHit]], k: int, weights: Sequence[float] | None = None) -> list[SearchHit]:
    """Weighted reciprocal rank fusion: score = sum over lists of weight / (RRF_K + rank)."""
    weights = weights or [1.0] * len(rankings)
    scores: dict[tuple[str, int], float] = {}
    hits: dict[tuple[str, int], SearchHit] = {}
    for ranking, weight in zip(rankings, weights, strict=True):
        for rank, hit in enumerate(ranking, start=1):
            key = (hit.name, hit.version)
            scores[key] = scores.get(key, 0.0) + weight / (RRF_K + rank)
            hits.setdefault(key, hit)
    best = sorted(scores, key=lambda key: scores[key], reverse=True)[:k]
    return [hits[key].model_copy(update={"score": scores[key]}) for key in best]


def blend(semantic: Sequence[SearchHit], lexical: Sequence[SearchHit], k: int, weight: float) -> list[SearchHit]:
    """Score fusion: cosine similarity + `weight` x the share of the query's words matched (capped at 1).

    Unlike rank fusion it keeps how strong each signal is: MiniLM's cosines for a Russian query are all alike
    (it reads English), so a version sharing the query's rare words wins, while an English query whose best
    lexical hit shares one filler word keeps its semantic order. A version missing from the semantic list gets
    the lowest cosine seen there."""
    floor = min((h.score for h in semantic), default=0.0)
    scores = {(h.name, h.version): h.score for h in semantic}
    hits = {(h.name, h.version): h for h in semantic}
    for hit in lexical:
        key = (hit.name, hit.version)
        scores[key] = scores.get(key, floor) + weight * min(hit.score, 1.0)
        hits.setdefault(key, hit)
    best = sorted(scores, key=lambda key: scores[key], reverse=True)[:k]
    return [hits[key].model_copy(update={"score": scores[key]}) for key in best]


def group_by_prompt(hits: Sequence[SearchHit], k: int) -> list[SearchHit]:
    """One hit per prompt at its best rank (hits are best first); `matched_versions` lists every matching version.

    The row shows the active version when it matched at all (the one that runs), else the best-matching one."""
    grouped: dict[str, SearchHit] = {}
    for hit in hits:
        if hit.name in grouped:
            best = grouped[hit.name]
            best.matched_versions.append(hit.version)
            if hit.is_active:
                update = {"version": hit.version, "text": hit.text, "is_active": True, "labels": hit.labels}
                grouped[hit.name] = best.model_copy(update=update)
        elif len(grouped) < k:
            grouped[hit.name] = hit.model_copy(update={"matched_versions": [hit.version]})
    return list(grouped.values())


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
