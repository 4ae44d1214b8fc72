"""Combining search rankings: rank fusion (RRF), score blending, and one row per prompt.

Rankings hold hits or raw search rows with a hit's columns (`search.hybrid`): validating a row as a `SearchHit`
costs more than fusing it, so only the rows returned are validated (`materialize`, `group_by_prompt`).
"""

from collections.abc import Iterable, Sequence
from typing import Any, Protocol

from prompt_store.schemas import SearchHit

RRF_K = 60  # the constant from Cormack et al.; damps the weight of top ranks
Key = tuple[str, int]


class HitRow(Protocol):
    """A result row with a hit's columns (a SQLAlchemy row, a psycopg named tuple), not validated yet."""

    @property
    def name(self) -> str: ...
    @property
    def version(self) -> int: ...
    @property
    def is_active(self) -> bool: ...
    @property
    def score(self) -> float: ...
    def _asdict(self) -> dict[str, Any]: ...


Hit = SearchHit | HitRow
Scored = tuple[Hit, float]  # a hit and its fused score, best first in a ranking


def fuse(rankings: Sequence[Sequence[Hit]], k: int, weights: Sequence[float] | None = None) -> list[SearchHit]:
    """Weighted reciprocal rank fusion: score = sum over lists of weight / (RRF_K + rank)."""
    hits = {_key(hit): hit for ranking in rankings for hit in ranking}
    return materialize(_top(hits, _rrf([[_key(h) for h in r] for r in rankings], weights), k))


def blend(semantic: Sequence[Hit], lexical: Sequence[Hit], k: int, weight: float) -> list[SearchHit]:
    """Score fusion: cosine similarity + `weight` x the share of the query's words matched (capped at 1).

    Unlike rank fusion it keeps how strong each signal is: MiniLM's cosines for a Russian query are all alike
    (it reads English), so a version sharing the query's rare words wins, while an English query whose best
    lexical hit shares one filler word keeps its semantic order. A version missing from the semantic list gets
    the lowest cosine seen there."""
    hits = {_key(hit): hit for hit in [*lexical, *semantic]}
    return materialize(_top(hits, _blend(semantic, lexical, weight), k))


def blend_then_fuse(
    semantic: Sequence[Hit],
    lexical: Sequence[Hit],
    names: Sequence[Hit],
    k: int,
    *,
    lexical_weight: float,
    weights: Sequence[float],
) -> list[Scored]:
    """`fuse([blend(semantic, lexical), names])` in one pass, not yet validated (see `materialize`)."""
    blended = _blend(semantic, lexical, lexical_weight)
    order = sorted(blended, key=blended.__getitem__, reverse=True)
    hits = {_key(hit): hit for hit in [*names, *lexical, *semantic]}
    return _top(hits, _rrf([order[:k], [_key(h) for h in names]], weights), k)


def scored(hits: Iterable[Hit]) -> list[Scored]:
    """A single ranking as scored hits (its own scores)."""
    return [(hit, hit.score) for hit in hits]


def materialize(ranked: Iterable[Scored]) -> list[SearchHit]:
    """Validated hits carrying their fused scores."""
    return [as_hit(hit, score=score) for hit, score in ranked]


def as_hit(hit: Hit, **update: Any) -> SearchHit:
    """`hit` as a SearchHit with `update` applied (a row is validated from a dict: pydantic probes a row's
    mapping for every optional field, and each missing key raises inside SQLAlchemy)."""
    if isinstance(hit, SearchHit):
        return hit.model_copy(update=update)
    return SearchHit.model_validate(hit._asdict() | update)


def _blend(semantic: Sequence[Hit], lexical: Sequence[Hit], weight: float) -> dict[Key, float]:
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


def _top(hits: dict[Key, Hit], scores: dict[Key, float], k: int) -> list[Scored]:
    """The k best keys (stable: ties keep first-seen order) with their hits and new scores."""
    best = sorted(scores, key=scores.__getitem__, reverse=True)[:k]
    return [(hits[key], scores[key]) for key in best]


def _key(hit: Hit) -> Key:
    return hit.name, hit.version


def group_by_prompt(ranked: Sequence[Scored], k: int) -> list[SearchHit]:
    """One hit per prompt at its best rank and score (`ranked` is best first); `matched_versions` lists every
    matching version. The row shows the active version when it matched at all (the one that runs), else the
    best-matching one. Only the k rows returned are validated."""
    groups: dict[str, list[Scored]] = {}
    for item in ranked:
        versions = groups.get(item[0].name)
        if versions is not None:
            versions.append(item)
        elif len(groups) < k:
            groups[item[0].name] = [item]
    return [_grouped(versions) for versions in groups.values()]


def _grouped(versions: list[Scored]) -> SearchHit:
    best, score = versions[0]
    shown = next((hit for hit, _ in versions if hit.is_active), best)
    return as_hit(shown, score=score, matched_versions=[hit.version for hit, _ in versions])
