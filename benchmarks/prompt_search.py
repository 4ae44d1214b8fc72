"""Search quality on tests/prompt_store/eval_set.py: top-1 and per-prompt top-3 of each mode, with real MiniLM.

    python -m benchmarks.prompt_search

32 prompts (20 English, 12 Russian) with 3 versions each, 64 paraphrased queries. Uses a throwaway embedded
Postgres (stopped and deleted at the end) or, with DATABASE_URL, a new database on that server (dropped at the end).
Targets from issue 21: hybrid top-1 >= semantic top-1 + 0.05, hybrid per-prompt top-3 >= 0.95.
"""

import time
from dataclasses import dataclass

from prompt_store.store import PromptStore
from tests.prompt_store.eval_set import EDITS, EVAL

MODES = ("semantic", "fulltext", "hybrid")


@dataclass(frozen=True)
class Scores:
    mode: str
    top1: float
    top3: float
    active_top3: float  # share of top-3 rows that show the prompt's active version
    misses: list[str]


def load_eval(store: PromptStore) -> None:
    """Add every prompt of the set, then versions 2 and 3 (text plus `EDITS`); version 3 stays active."""
    for name, (prompt_type, tags, text, _) in EVAL.items():
        store.add_prompt(name, text, prompt_type=prompt_type, tags=tags, author="eval")
    for name, (_, _, text, _) in EVAL.items():
        for edit in EDITS:
            text += edit
            store.commit(name, text, author="eval", message="edit")


def evaluate(store: PromptStore, mode: str, *, all_versions: bool = False) -> Scores:
    top1 = top3 = active = rows = 0
    misses = []
    for name, (*_, queries) in EVAL.items():
        for query in queries:
            hits = store.search(query, mode=mode, k=3, all_versions=all_versions)  # type: ignore[arg-type]
            names = [h.name for h in hits]
            top1 += bool(names) and names[0] == name
            top3 += name in names
            active += sum(h.is_active for h in hits)
            rows += len(hits)
            if not names or names[0] != name:
                misses.append(f"{query!r}: wanted {name}, got {names}")
    total = sum(len(q) for *_, q in EVAL.values())
    return Scores(mode, top1 / total, top3 / total, active / max(rows, 1), misses)


def report(store: PromptStore) -> dict[str, Scores]:
    scores = {mode: evaluate(store, mode) for mode in MODES}
    print(f"{len(EVAL)} prompts x 3 versions, {sum(len(q) for *_, q in EVAL.values())} queries")
    for s in scores.values():
        print(f"{s.mode:9s} top-1 {s.top1:.3f}   top-3 {s.top3:.3f}   active rows in top-3 {s.active_top3:.2f}")
    flat = evaluate(store, "hybrid", all_versions=True)
    print(f"hybrid --all-versions  top-1 {flat.top1:.3f}   top-3 {flat.top3:.3f} (versions, not grouped)")
    gain = scores["hybrid"].top1 - scores["semantic"].top1
    print(f"hybrid - semantic top-1: {gain * 100:+.1f} points (target >= +5); hybrid top-3 target >= 0.95")
    return scores


def main() -> None:
    from benchmarks.prompt_store_data import throwaway_database
    from prompt_store import migrate
    from prompt_store.db import make_engine
    from prompt_store.embeddings.local import MiniLMEmbedder
    from services.settings import Settings

    with throwaway_database() as url:
        engine = make_engine(url)
        migrate.upgrade(engine)
        minilm = MiniLMEmbedder()
        store = PromptStore(
            engine, embedders={minilm.model: minilm}, settings=Settings(_env_file=None, embedding_model=minilm.model)
        )
        started = time.perf_counter()
        load_eval(store)
        print(f"loaded in {time.perf_counter() - started:.1f} s")
        for s in report(store).values():
            for miss in s.misses:
                print(f"  {s.mode} miss: {miss}")
        engine.dispose()


if __name__ == "__main__":
    main()
