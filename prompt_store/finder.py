"""One search request: checks, embedding, the SQL rankings, fusion and grouping per prompt."""

from collections.abc import Callable, Sequence
from typing import Any

from pydantic import BaseModel, ConfigDict
from sqlalchemy.orm import Session

from prompt_store import fusion, search
from prompt_store import validation as check
from prompt_store.exceptions import InvalidPromptInput
from prompt_store.schemas import SEARCH_MODES, SearchHit

QUERY_MAX_CHARS = 2_000
# Hybrid = score blend of cosine and matched-word share (see fusion.blend), then rank fusion with name matches.
# Chosen on tests/prompt_store/eval_set.py; benchmarks/prompt_search.py prints the result.
LEXICAL_WEIGHT = 0.4
NAME_WEIGHTS = (1.0, 0.5)


class UnknownSearchMode(InvalidPromptInput, ValueError):
    """`mode` is not one of SEARCH_MODES (a ValueError too, as for any bad argument value)."""


class SearchRequest(BaseModel):
    """A checked search; `all_versions` lists every matching version instead of one row per prompt."""

    model_config = ConfigDict(frozen=True)

    query: str
    mode: str = "hybrid"
    k: int = 10
    prompt_type: str | None = None
    tags: list[str] | None = None
    all_versions: bool = False


def check_request(request: SearchRequest) -> SearchRequest:
    """Refuse an unknown mode (ValueError naming the modes) or a query that is not a search phrase."""
    if request.mode not in SEARCH_MODES:
        raise UnknownSearchMode("mode", f"{request.mode!r} is not a search mode: use one of {', '.join(SEARCH_MODES)}")
    if len(request.query) > QUERY_MAX_CHARS:
        raise InvalidPromptInput(
            "query", f"is {len(request.query)} characters long; search with at most {QUERY_MAX_CHARS}"
        )
    check.check_text(request.query, "query")
    if request.prompt_type is not None:
        check.check_type(request.prompt_type)
    if request.k < 1:
        raise InvalidPromptInput("k", "must be at least 1")
    return request


def run(
    request: SearchRequest,
    *,
    session_factory: Callable[[], Any],
    embed: Callable[[str], Sequence[float]],
    model: str,
) -> list[SearchHit]:
    """Rankings for `request.mode`, fused (hybrid) and grouped per prompt unless `all_versions`."""
    # grouped results need room: many of the best versions may belong to the same prompt
    depth = request.k if request.all_versions and request.mode == "semantic" else max(4 * request.k, 40)
    vector = embed(request.query) if request.mode != "fulltext" else None
    with session_factory() as session:
        rankings = _rankings(request, session, vector, model, depth)
    if request.mode == "hybrid":
        semantic, lexical, names = rankings
        ranked = fusion.blend_then_fuse(
            semantic, lexical, names, depth, lexical_weight=LEXICAL_WEIGHT, weights=NAME_WEIGHTS
        )
    else:
        ranked = fusion.scored(rankings[0])
    if request.all_versions:
        return fusion.materialize(ranked[: request.k])
    return fusion.group_by_prompt(ranked, request.k)


def _rankings(
    request: SearchRequest, session: Session, vector: Sequence[float] | None, model: str, depth: int
) -> Sequence[Sequence[fusion.Hit]]:
    filters: dict[str, Any] = dict(session=session, k=depth, prompt_type=request.prompt_type, tags=request.tags)
    if request.mode == "fulltext":
        return [search.fulltext(request.query, **filters)]
    assert vector is not None
    if request.mode == "semantic":
        return [search.semantic(vector, model=model, **filters)]
    return search.hybrid(request.query, vector, model=model, **filters)
