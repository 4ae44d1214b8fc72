"""User prompts, the batch queue and lineage (recorded directly here; flows' tests record it from a run)."""

from concurrent.futures import ThreadPoolExecutor

import pytest

from prompt_store.exceptions import InvalidPromptInput, UserPromptNotFound, VersionNotFound
from prompt_store.store import PromptStore


@pytest.fixture(scope="module", autouse=True)
def prompts(store: PromptStore) -> None:
    store.ensure_default_prompts()
    store.add_prompt("voice.style", "Speak warmly.", prompt_type="template")
    store.commit("voice.style", "Speak warmly and slowly.")


def test_record_lineage_and_look_it_up_by_run_video_or_id(store: PromptStore) -> None:
    up = store.record_user_prompt("a video about owls", language="en", metadata={"aspect": "9:16"})
    store.record_lineage(
        up,
        flow_run_id="run-123",
        video_path=None,
        publication_url=None,
        prompt_versions={"storyboard.system": 1, "voice.style": 2},
    )
    assert store.lineage("run-123").status == "recorded"
    store.record_lineage(
        up,
        flow_run_id=None,
        video_path="/out/owls.mp4",
        publication_url="file:///out/owls.mp4",
        prompt_versions={"storyboard.system": 1},
    )

    for key in ("run-123", "/out/owls.mp4", up, str(up)):
        found = store.lineage(key)
        assert found.user_prompt_id == up and found.status == "done"
        assert found.prompt_versions == {"storyboard.system": 1, "voice.style": 2}
        assert (found.flow_run_id, found.video_path) == ("run-123", "/out/owls.mp4")
        assert found.username == "cli" and found.text == "a video about owls"


def test_lineage_errors(store: PromptStore) -> None:
    up = store.record_user_prompt("x", language=None, metadata={})
    with pytest.raises(VersionNotFound):
        store.record_lineage(up, prompt_versions={"voice.style": 9})
    assert store.lineage(up).prompt_versions == {}  # nothing written
    with pytest.raises(UserPromptNotFound):
        store.record_lineage(10**9, prompt_versions={})
    with pytest.raises(UserPromptNotFound):
        store.lineage("no-such-run")


@pytest.mark.parametrize(
    "kwargs",
    [{"text": ""}, {"text": "a\x00"}, {"text": "ok", "language": "english!"}, {"text": "ok", "username": ""}],
)
def test_bad_user_prompts_are_rejected(store: PromptStore, kwargs: dict) -> None:
    with pytest.raises(InvalidPromptInput):
        store.record_user_prompt(**kwargs)


def test_queue_is_drained_once_even_by_concurrent_workers(store: PromptStore) -> None:
    queued = [store.queue_user_prompt(f"queued video {i}", username="batch") for i in range(12)]

    with ThreadPoolExecutor(4) as pool:
        batches = list(pool.map(lambda _: store.next_queued_user_prompts(5), range(4)))

    claimed = [p.id for batch in batches for p in batch]
    assert sorted(claimed) == queued  # all of them, each exactly once
    assert all(p.username == "batch" for batch in batches for p in batch)
    assert store.next_queued_user_prompts(5) == []
    store.set_user_prompt_status(queued[0], "failed")
    assert store.lineage(queued[0]).status == "failed"


def test_a_request_recorded_without_embedding_is_found_once_embedded(store: PromptStore) -> None:
    """A flow records the request at once and embeds it beside its other steps (tasks/prompts.py)."""
    text = "herons fishing in a misty estuary at sunrise"
    up = store.record_user_prompt(text, embed=False)
    assert up not in [hit.id for hit in store.similar_user_prompts(text, k=50)]

    assert store.embed_user_prompt(up) is True
    assert store.similar_user_prompts(text, k=1)[0].id == up
    assert store.embed_user_prompt(up) is False, "embedded once"
    with pytest.raises(UserPromptNotFound):
        store.embed_user_prompt(10**9)
