"""Combining search rankings: rank fusion (RRF), score blending, and one row per prompt."""

from collections.abc import Sequence

from prompt_store.schemas import SearchHit

RRF_K = 60  # the constant from Cormack et al.; damps the weight of top ranks
Key = tuple[str, int]


def fuse(rankings: Sequence[Sequence[SearchHit]], k: int, weights: Sequence[float] | None = None) -> list[SearchHit]:
    """Weighted reciprocal rank fusion: score = sum over lists of weight / (RRF_K + rank)."""
    hits = {_key(hit): hit for ranking in rankings for hit in ranking}
    return _top(hits, _rrf([[_key(h) for h in r] for r in rankings], weights), k)


def blend(semantic: Sequence[SearchHit], lexical: Sequence[SearchHit], k: int, weight: float) -> list[SearchHit]:
    """Score fusion: cosine similarity + `weight` x the share of the query's words matched (capped at 1).

    Unlike rank fusion it keeps how strong each signal is: MiniLM's cosines for a Russian query are all alike
    (it reads English), so a version sharing the query's rare words wins, while an English query whose best
    lexical hit shares one filler word keeps its semantic order. A version missing from the semantic list gets
    the lowest cosine seen there."""
    hits = {_key(hit): hit for hit in [*lexical, *semantic]}
    return _top(hits, _blend(semantic, lexical, weight), k)


def blend_then_fuse(
    semantic: Sequence[SearchHit],
    lexical: Sequence[SearchHit],
    names: Sequence[SearchHit],
    k: int,
    *,
    lexical_weight: float,
    weights: Sequence[float],
) -> list[SearchHit]:
    """`fuse([blend(semantic, lexical), names])` in one pass: only the k hits returned are copied."""
    blended = _blend(semantic, lexical, lexical_weight)
    order = sorted(blended, key=blended.__getitem__, reverse=True)
    hits = {_key(hit): hit for hit in [*names, *lexical, *semantic]}
    return _top(hits, _rrf([order[:k], [_key(h) for h in names]], weights), k)


def _blend(semantic: Sequence[SearchHit], lexical: Sequence[SearchHit], weight: float) -> dict[Key, float]:
    floor = min((h.score for h in semantic), default=0.0)
    scores = {_key(h): h.score for h in semantic}
    for hit in lexical:
        key = _key(hit)
        scores[key] = scores.get(key, floor) + weight * min(hit.score, 1.0)
    return scores


def _rrf(rankings: Sequence[Sequence[Key]], weights: Sequence[float] | None) -> dict[Key, float]:
    scores: dict[Key, float] = {}
    for ranking, weight in zip(rankings, weights or [1.0] * len(rankings), strict=True):
        for rank, key in enumerate(ranking, start=1):
            scores[key] = scores.get(key, 0.0) + weight / (RRF_K + rank)
    return scores


def _top(hits: dict[Key, SearchHit], scores: dict[Key, float], k: int) -> list[SearchHit]:
    """The k best keys (stable: ties keep first-seen order) as copies of their hits carrying the new score."""
    best = sorted(scores, key=scores.__getitem__, reverse=True)[:k]
    return [hits[key].model_copy(update={"score": scores[key]}) for key in best]


def _key(hit: SearchHit) -> Key:
    return hit.name, hit.version


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
