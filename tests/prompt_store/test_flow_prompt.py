"""The flow's prompt step: resolves a label or split per run, renders the template, records version and label."""

from collections.abc import Iterator

import pytest
from prefect import flow

import prompt_store
from prompt_store.labels import choose_label, parse_split
from prompt_store.store import PromptStore
from services.settings import get_settings
from tasks.prompts import load_system_prompt

NAME = "flow.tpl"


@pytest.fixture(scope="module")
def flow_env(blank_url: str, store: PromptStore, prefect_harness: None) -> Iterator[PromptStore]:
    store.add_prompt(NAME, "Plan {{prompt}} for {{aspect}}.", variables={"prompt": {}, "aspect": {"default": "16:9"}})
    store.commit(NAME, "Plan {{prompt}} carefully.", variables={"prompt": {}}, label="staging")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("DATABASE_URL", blank_url)
        get_settings.cache_clear()
        prompt_store.get_store.cache_clear()
        yield store
        prompt_store.get_store().engine.dispose()
    get_settings.cache_clear()
    prompt_store.get_store.cache_clear()


@flow
def reads_prompt(label: str, user_prompt_id: int):
    return load_system_prompt(NAME, label, user_prompt_id, {"prompt": "owls", "aspect": None, "extra": 1})


def test_a_run_reads_the_label_renders_it_and_records_it(flow_env: PromptStore) -> None:
    request = flow_env.record_user_prompt("owls")
    prompt = reads_prompt("staging", request)
    assert (prompt.version, prompt.text) == (2, "Plan owls carefully.")
    assert flow_env.lineage(request).prompt_labels == {NAME: "staging"}
    assert flow_env.lineage(request).prompt_versions == {NAME: 2}


def test_a_split_is_decided_by_the_flow_run_id(flow_env: PromptStore) -> None:
    spec = "production:50,staging:50"
    seen = set()
    for _ in range(4):
        request = flow_env.record_user_prompt("owls")
        state = reads_prompt(spec, request, return_state=True)
        prompt = state.result()
        expected = choose_label(parse_split(spec), str(state.state_details.flow_run_id), NAME)
        assert flow_env.lineage(request).prompt_labels == {NAME: expected}
        assert prompt.text == ("Plan owls for 16:9." if expected == "production" else "Plan owls carefully.")
        seen.add(expected)
    assert seen <= {"production", "staging"}
