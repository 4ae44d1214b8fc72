"""Semantic (pgvector HNSW), full-text (tsvector + GIN), prompt-name (pg_trgm) and hybrid (RRF) search.

Each model has its own partial HNSW expression index, `(embedding::vector(D)) vector_cosine_ops WHERE
model = 'M'`; a query only uses it when it repeats that expression and that predicate literally, so the model
name and width are inlined (both come from the registry, never from user input).
Every function returns version hits, best first (`hybrid`: rows with a hit's columns, validated by `fusion` only
when returned); `fusion` combines the rankings and groups them per prompt.
"""

import json
from collections.abc import Iterable, Sequence
from typing import Any

from sqlalchemy import Row, text
from sqlalchemy.orm import Session

from prompt_store.embeddings import MODELS
from prompt_store.schemas import SearchHit, UserPromptHit
from prompt_store.statements import generic_plan_rows, statement
from prompt_store.vector_param import VectorParam

TS_CONFIG = "prompt_search"  # migration 0009: Russian + English stemming, unaccent
# the labels ride along (a few index probes per row) instead of costing a second query after fusion
_HIT_COLUMNS = (
    "p.name, p.type, v.version, v.id AS version_id, v.version = p.active_version AS is_active, p.active_version, "
    "v.text, "
    "ARRAY(SELECT l.label FROM prompt_labels l WHERE l.prompt_id = p.id AND l.version = v.version ORDER BY l.label)"
    " AS labels"
)


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
    rows = session.execute(statement(sql), _params(VectorParam(vector), k, prompt_type, tags))
    return _hits(rows)


def every_word_sql(prompt_type: str | None, tags: list[str] | None) -> str:
    """Versions with every word of the query (web-search syntax: "phrases", or, -not), by ts_rank_cd; score > 1.

    The k best ids first, then their columns: the labels' subquery runs for k rows, not for every match.
    `q` is MATERIALIZED: inlined, a generic plan (`statements.generic_plan_rows`) would parse the query again for
    every matching row, in the rank and in the recheck."""
    scope = _filters(prompt_type, tags)
    return f"""
        WITH q AS MATERIALIZED (SELECT websearch_to_tsquery('{TS_CONFIG}', :q) AS every),
        best AS (
            SELECT v.id, 1 + ts_rank_cd(v.tsv, q.every, 1) AS score
            FROM q, prompt_versions v {_prompts_join("v.prompt_id", scope)}
            WHERE v.tsv @@ q.every {scope}
            ORDER BY score DESC, v.id DESC
            LIMIT :k
        )
        SELECT {_HIT_COLUMNS}, t.score
        FROM best t JOIN prompt_versions v ON v.id = t.id JOIN prompts p ON p.id = v.prompt_id
        ORDER BY t.score DESC, t.id DESC
    """


def any_word_sql(prompt_type: str | None, tags: list[str] | None) -> str:
    """Versions with any word of the query but not among `:exclude` (the every-word rows), best first.

    Ranked by the share of the query's inverse document frequency that a version matches (BM25's idea; 0 to 1):
    a shared rare word ("borscht") outweighs shared filler ("video", "clip"), which plain ts_rank_cd counted alike.
    One GIN lookup per query word (`matches`) gives both the document frequencies and each version's share, and
    only the k best candidates are joined to their rows (`prompts` per candidate only when a filter needs it).
    """
    scope = _filters(prompt_type, tags)
    return f"""
        WITH words AS MATERIALIZED (
            SELECT i, to_tsquery('simple', quote_literal(lexeme)) AS word
            FROM unnest(tsvector_to_array(to_tsvector('{TS_CONFIG}', :q))) WITH ORDINALITY AS l(lexeme, i)
        ),
        matches AS MATERIALIZED (
            SELECT w.i, d.id, d.prompt_id FROM words w JOIN prompt_versions d ON d.tsv @@ w.word
        ),
        total AS (
            SELECT CASE WHEN reltuples >= 10000 THEN reltuples
                ELSE (SELECT count(*) FROM (SELECT FROM prompt_versions LIMIT 10000) s) END AS n
            FROM pg_class WHERE oid = 'prompt_versions'::regclass
        ),
        weights AS MATERIALIZED (
            SELECT w.i, ln(1 + t.n / greatest(1, count(m.id))) AS idf
            FROM words w CROSS JOIN total t LEFT JOIN matches m ON m.i = w.i GROUP BY w.i, t.n
        ),
        best AS (
            SELECT m.id, sum(w.idf) / (SELECT sum(idf) FROM weights) AS score
            FROM matches m JOIN weights w ON w.i = m.i {_prompts_join("m.prompt_id", scope)}
            WHERE m.id <> ALL(CAST(:exclude AS bigint[])) {scope}
            GROUP BY m.id ORDER BY score DESC, m.id DESC LIMIT :k
        )
        SELECT {_HIT_COLUMNS}, t.score
        FROM best t JOIN prompt_versions v ON v.id = t.id JOIN prompts p ON p.id = v.prompt_id
        ORDER BY t.score DESC, t.id DESC
    """


def fulltext(
    query: str,
    *,
    session: Session,
    k: int = 10,
    prompt_type: str | None = None,
    tags: list[str] | None = None,
) -> list[SearchHit]:
    """Versions sharing words with the query (stemmed, any language of `TS_CONFIG`): every-word matches first,
    then, only when those are fewer than k, any-word matches (natural-language queries rarely have every word)."""
    rows = list(session.execute(statement(every_word_sql(prompt_type, tags)), _params(query, k, prompt_type, tags)))
    more = any_word_rows(query, [row.version_id for row in rows], session, k, prompt_type, tags)
    return _hits(rows + more)


def any_word_rows(
    query: str,
    exclude: list[int],
    session: Session,
    k: int,
    prompt_type: str | None,
    tags: list[str] | None,
) -> list[Row[Any]]:
    """The any-word tier after `exclude` (the every-word version ids), filling up to k rows; none when full."""
    if len(exclude) >= k:
        return []
    params = _params(query, k - len(exclude), prompt_type, tags) | {"exclude": exclude}
    return list(session.execute(statement(any_word_sql(prompt_type, tags)), params))


def name_sql(prompt_type: str | None, tags: list[str] | None) -> str:
    """Active versions of prompts whose name resembles the query (pg_trgm `%>`, served by the name's GIN index).

    Names such as `storyboard.cooking` are identifiers: "storybord cooking" or a typo still finds them.
    `prompt_name_matches` (migration 0010) applies the type and tag filters itself."""
    return f"""
        SELECT {_HIT_COLUMNS}, m.score
        FROM prompt_name_matches(:q, :k, :type, CAST(:tags AS jsonb)) AS m
        JOIN prompts p ON p.id = m.prompt_id
        JOIN prompt_versions v ON v.prompt_id = p.id AND v.version = p.active_version
        ORDER BY m.score DESC, p.id
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
    rows = session.execute(statement(name_sql(prompt_type, tags)), _params(query, k, prompt_type, tags))
    return _hits(rows)


def hybrid(
    query: str,
    vector: Sequence[float],
    *,
    session: Session,
    model: str,
    k: int = 10,
    prompt_type: str | None = None,
    tags: list[str] | None = None,
) -> tuple[list[Any], list[Any], list[Any]]:
    """Semantic, full-text and name rankings: one statement (semantic, every-word, names), and a second one for
    the any-word tier only when the every-word tier has fewer than k rows (see `fulltext`).

    Rows, not hits (`fusion.HitRow`): they have a hit's columns, and `fusion` validates only the rows it returns.
    The statement runs with its generic plan (`generic_plan_rows`)."""
    parts = [
        semantic_sql(model, prompt_type=prompt_type, tags=tags).replace(":q", ":v"),
        every_word_sql(prompt_type, tags),
        name_sql(prompt_type, tags),
    ]
    sql = " UNION ALL ".join(f"(SELECT {i} AS source, r.* FROM ({part}) AS r)" for i, part in enumerate(parts))
    params = _params(query, k, prompt_type, tags) | {"v": VectorParam(vector)}
    rankings: tuple[list[Any], list[Any], list[Any]] = ([], [], [])
    for row in generic_plan_rows(session, sql, params):
        rankings[row.source].append(row)
    every = [row.version_id for row in rankings[1]]
    rankings[1].extend(any_word_rows(query, every, session, k, prompt_type, tags))
    return rankings


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
    return [UserPromptHit.model_validate(row, from_attributes=True) for row in session.execute(statement(sql), params)]


def _hit(row: Row[Any]) -> SearchHit:
    """A row as a hit (from a dict: pydantic probes a row or its mapping for every optional field, and each
    missing key raises inside SQLAlchemy)."""
    return SearchHit.model_validate(row._asdict())


def _hits(rows: Iterable[Row[Any]]) -> list[SearchHit]:
    return [_hit(row) for row in rows]


def _prompts_join(prompt_id: str, scope: str) -> str:
    """Join the prompts only when a filter needs their columns: a join per match is much of a cheap query."""
    return f"JOIN prompts p ON p.id = {prompt_id}" if scope else ""


def _filters(prompt_type: str | None, tags: list[str] | None) -> str:
    clauses = []
    if prompt_type is not None:
        clauses.append("AND p.type = :type")
    if tags:
        clauses.append("AND p.tags @> CAST(:tags AS jsonb)")
    return " ".join(clauses)


def _params(q: str | VectorParam, k: int, prompt_type: str | None, tags: list[str] | None) -> dict[str, Any]:
    return {"q": q, "k": k, "type": prompt_type, "tags": json.dumps(tags or [])}
