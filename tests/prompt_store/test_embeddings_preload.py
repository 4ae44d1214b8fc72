"""The CLI starts loading the local model while Prefect starts up; a remote model needs no preloading."""

import pytest

from prompt_store import preload_embedder
from prompt_store.embeddings import local
from services.settings import get_settings


@pytest.fixture
def model_env(monkeypatch: pytest.MonkeyPatch):  # noqa: ANN201
    def use(**env: str) -> None:
        for name in ("OPENAI_API_KEY", "P2V_EMBEDDING_MODEL"):
            monkeypatch.delenv(name, raising=False)
        for name, value in env.items():
            monkeypatch.setenv(name, value)
        get_settings.cache_clear()

    yield use
    get_settings.cache_clear()


def test_the_local_model_is_loaded_in_the_background(model_env) -> None:  # noqa: ANN001
    model_env()  # no key: the local model is the default
    local._load.cache_clear()  # so that only the preload can have loaded it
    thread = preload_embedder()
    assert thread is not None and thread.daemon
    thread.join(timeout=120)
    assert not thread.is_alive()
    assert local._load.cache_info().currsize == 1
    assert len(local.MiniLMEmbedder().embed(["a fox in the snow"])[0]) == local.DIMS


def test_nothing_is_preloaded_for_openai(model_env) -> None:  # noqa: ANN001
    model_env(OPENAI_API_KEY="sk-test-not-used")
    assert preload_embedder() is None
