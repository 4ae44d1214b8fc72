"""The hybrid search before issue 21, frozen here so `benchmarks/prompt_store.py` can time it next to today's.

Copied from prompt_store/search.py as it was before issue 21 (every-word English full-text, semantic k-NN without
labels, reciprocal rank fusion over versions, hits validated from row attributes), plus `active_version`, which
today's SearchHit requires. It must not call today's search code: its cost would follow every change made there.
"""

import time
from collections.abc import Callable, Sequence

import numpy as np
from sqlalchemy import text

from prompt_store.schemas import SearchHit
from prompt_store.store import PromptStore
from prompt_store.vector_param import VectorParam

RRF_K = 60
_COLUMNS = "p.name, p.type, v.version, v.version = p.active_version AS is_active, p.active_version, v.text"
_FULLTEXT = f"""
    WITH q AS (SELECT websearch_to_tsquery('english', :q) AS query)
    SELECT {_COLUMNS}, ts_rank_cd(v.tsv, q.query) AS score
    FROM q, prompt_versions v JOIN prompts p ON p.id = v.prompt_id
    WHERE v.tsv @@ q.query ORDER BY score DESC, v.id DESC LIMIT :k
"""


def semantic_sql(model: str, dims: int) -> str:
    distance = f"(e.embedding::vector({dims})) <=> CAST(:q AS vector({dims}))"
    return f"""
        SELECT {_COLUMNS}, 1 - ({distance}) AS score
        FROM prompt_embeddings e
        JOIN prompt_versions v ON v.id = e.version_id
        JOIN prompts p ON p.id = v.prompt_id
        WHERE e.model = '{model}'
        ORDER BY {distance}
        LIMIT :k
    """


def legacy_hybrid(
    store: PromptStore, embed: Callable[[str], Sequence[float]], query: str, *, model: str, dims: int, k: int = 10
) -> list[SearchHit]:
    """Every-word full-text (40) and semantic (40) rankings, two statements, fused by RRF into k versions."""
    vector = embed(query)
    with store.autocommit() as s:
        lexical = [
            SearchHit.model_validate(r, from_attributes=True) for r in s.execute(text(_FULLTEXT), {"q": query, "k": 40})
        ]
        semantic = [
            SearchHit.model_validate(r, from_attributes=True)
            for r in s.execute(text(semantic_sql(model, dims)), {"q": VectorParam(vector), "k": 40})
        ]
    return fuse([semantic, lexical], k)


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


def compare(
    texts: list[str], old: Callable[[str], object], new: Callable[[str], object]
) -> tuple[list[float], list[float]]:
    """Latencies (ms) of `old` and `new` on the same queries, interleaved (the first alternates), so that a shared
    machine's changing load weighs on both alike."""
    olds: list[float] = []
    news: list[float] = []
    for i, query in enumerate(texts):
        pair = [(olds, old), (news, new)]
        for samples, fn in pair if i % 2 else reversed(pair):
            start = time.perf_counter()
            fn(query)
            samples.append((time.perf_counter() - start) * 1000)
    return olds, news


def hybrid_lines(
    store: PromptStore, embed: Callable[[str], Sequence[float]], texts: list[str], *, model: str, dims: int
) -> list[str]:
    """The benchmark's lines: old and new hybrid latencies on `texts` (interleaved) and their ratios."""
    olds, news = compare(
        texts, lambda t: legacy_hybrid(store, embed, t, model=model, dims=dims), lambda t: store.search(t, k=10)
    )
    old50, old99, new50, new99 = (float(np.percentile(s, q)) for s in (olds, news) for q in (50, 99))
    return [
        f"hybrid old (AND+RRF) p50 {old50:6.2f} ms   p99 {old99:6.2f} ms  (before issue 21)",
        f"hybrid new           p50 {new50:6.2f} ms   p99 {new99:6.2f} ms  (tiers, blend, names)",
        f"hybrid new / old     p50 {new50 / old50:6.2f}      p99 {new99 / old99:6.2f}     (target <= 1)",
    ]
