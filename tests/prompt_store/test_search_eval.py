"""Issue 21's outcome on the evaluation set: hybrid beats semantic top-1 by 5 points, per-prompt top-3 >= 0.95."""

import pytest

from benchmarks.prompt_search import evaluate, load_eval
from prompt_store.store import PromptStore


@pytest.fixture(scope="module", autouse=True)
def eval_set(store: PromptStore) -> None:
    load_eval(store)


def test_hybrid_beats_semantic_and_finds_nearly_every_prompt_in_its_top_3(store: PromptStore) -> None:
    semantic, hybrid = evaluate(store, "semantic"), evaluate(store, "hybrid")
    assert hybrid.top1 >= semantic.top1 + 0.05, hybrid.misses
    assert hybrid.top3 >= 0.95, hybrid.misses
    assert hybrid.active_top3 == 1.0  # grouped rows show the version that runs
