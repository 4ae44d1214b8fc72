"""The ranking model is loaded once per process, however many search tasks ask for it at the same moment."""

import threading
import time
from concurrent.futures import ThreadPoolExecutor

import pytest

from services.embeddings import LoadOnce, MiniLMEmbedder, _load_minilm, minilm_installed

SEARCH_TASKS = 6


def test_six_threads_asking_at_once_run_the_loader_once() -> None:
    calls: list[int] = []
    start = threading.Barrier(SEARCH_TASKS)

    def slow_loader() -> object:
        calls.append(1)
        time.sleep(0.2)  # long enough for every thread to arrive while the first one loads
        return object()

    load = LoadOnce(slow_loader)

    def ask(_i: int) -> object:
        start.wait()
        return load()

    with ThreadPoolExecutor(SEARCH_TASKS) as pool:
        got = list(pool.map(ask, range(SEARCH_TASKS)))
    assert len(calls) == 1
    assert all(value is got[0] for value in got)
    assert load() is got[0] and len(calls) == 1


def test_a_failed_load_is_tried_again_by_the_next_caller() -> None:
    attempts: list[int] = []

    def flaky() -> str:
        attempts.append(1)
        if len(attempts) == 1:
            raise OSError("weights not readable yet")
        return "model"

    load = LoadOnce(flaky)
    with pytest.raises(OSError):
        load()
    assert load() == "model" and load() == "model" and len(attempts) == 2


@pytest.mark.skipif(not minilm_installed(), reason="MiniLM is not installed")
def test_concurrent_minilm_embeds_share_one_model() -> None:
    start = threading.Barrier(SEARCH_TASKS)

    def embed(_i: int) -> object:
        start.wait()
        MiniLMEmbedder().embed(["a red fox in the snow"])
        return _load_minilm()

    with ThreadPoolExecutor(SEARCH_TASKS) as pool:
        models = list(pool.map(embed, range(SEARCH_TASKS)))
    assert all(model is models[0] for model in models)
