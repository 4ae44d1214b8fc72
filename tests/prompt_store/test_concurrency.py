"""Version numbers under contention: many writers, one prompt, no duplicates, no gaps, no errors."""

from concurrent.futures import ThreadPoolExecutor

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from prompt_store.embeddings.openai import OpenAIEmbedder
from prompt_store.models import Prompt, PromptVersion
from prompt_store.store import PromptStore

THREADS, COMMITS = 32, 25


def test_32_writers_x_25_commits_give_800_versions_without_gaps(
    engine: Engine, openai_embedder: OpenAIEmbedder
) -> None:
    # Embeddings come from the fake OpenAI server so writers embed in parallel and then really race
    # for the row lock (the local model runs one text at a time).
    store = PromptStore(engine, model=openai_embedder.model, embedders={openai_embedder.model: openai_embedder})
    store.add_prompt("contended", "version zero")

    def writer(thread: int) -> list[int]:
        return [
            store.commit("contended", f"writer {thread} commit {i}", author=f"w{thread}").version
            for i in range(COMMITS)
        ]

    with ThreadPoolExecutor(THREADS) as pool:
        results = list(pool.map(writer, range(THREADS)))  # re-raises any writer's exception

    allocated = sorted(v for per_thread in results for v in per_thread)
    assert allocated == list(range(2, THREADS * COMMITS + 2))
    for per_thread in results:
        assert per_thread == sorted(per_thread)  # each writer sees its own commits in order
    with Session(engine) as s:
        prompt = s.scalars(select(Prompt).where(Prompt.name == "contended")).one()
        numbers = s.scalars(
            select(PromptVersion.version).where(PromptVersion.prompt_id == prompt.id).order_by(PromptVersion.version)
        ).all()
    assert numbers == list(range(1, THREADS * COMMITS + 2))
    assert prompt.latest_version == prompt.active_version == THREADS * COMMITS + 1
    assert len(store.audit_log("contended")) == THREADS * COMMITS + 1
