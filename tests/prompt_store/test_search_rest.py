"""The prompt REST API on a real server (uvicorn on loopback) and the Python client's cache and fallback."""

import socket
import threading
import time
from collections.abc import Iterator

import httpx
import pytest
import uvicorn

from api.prompts_rest import prompt_store
from api.rest import create_app
from prompt_store.client import PromptApiUnavailable, PromptClient
from prompt_store.exceptions import PromptNotFound
from prompt_store.store import PromptStore
from services.settings import Settings

TOKEN = "prompt-api-test-token-0123456789abcdef"


class Served:
    def __init__(self, store: PromptStore) -> None:
        app = create_app(Settings(_env_file=None, api_token=TOKEN))
        app.dependency_overrides[prompt_store] = lambda: store
        with socket.socket() as free:
            free.bind(("127.0.0.1", 0))
            self.port = free.getsockname()[1]
        self.url = f"http://127.0.0.1:{self.port}"
        self.server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=self.port, log_level="warning"))
        self.thread = threading.Thread(target=self.server.run, daemon=True)
        self.thread.start()
        while not self.server.started:
            time.sleep(0.05)

    def stop(self) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=30)


@pytest.fixture(scope="module")
def prompts(store: PromptStore) -> PromptStore:
    store.add_prompt("greeting.formal", "Greet the customer formally and briefly.", prompt_type="template")
    store.add_prompt("haiku.rain", "Compose a haiku about summer rain on a tin roof.", prompt_type="user")
    return store


@pytest.fixture
def served(prompts: PromptStore) -> Iterator[Served]:
    server = Served(prompts)
    yield server
    server.stop()


def _http(served: Served) -> httpx.Client:
    return httpx.Client(base_url=served.url, headers={"Authorization": f"Bearer {TOKEN}"}, timeout=30)


def test_get_has_an_etag_and_if_none_match_gives_304(served: Served) -> None:
    with _http(served) as http:
        first = http.get("/api/prompts/greeting.formal")
        assert first.status_code == 200 and first.json()["version"] == 1 and first.json()["is_active"]
        again = http.get("/api/prompts/greeting.formal", headers={"If-None-Match": first.headers["ETag"]})
        assert again.status_code == 304 and again.content == b""
        pinned = http.get("/api/prompts/greeting.formal", params={"version": 1})
        assert pinned.headers["ETag"] == first.headers["ETag"] and "immutable" in pinned.headers["Cache-Control"]
        assert http.get("/api/prompts/nope").status_code == 404
        assert http.get("/api/prompts/greeting.formal", params={"version": 9}).status_code == 404


def test_list_search_history_and_auth(served: Served) -> None:
    with _http(served) as http:
        assert {"greeting.formal", "haiku.rain"} <= {p["name"] for p in http.get("/api/prompts/").json()}
        hits = http.get("/api/prompts/_search", params={"q": "poem about rain", "k": 1}).json()
        assert hits[0]["name"] == "haiku.rain" and hits[0]["active_version"] == 1
        assert http.get("/api/prompts/_search", params={"q": "x", "mode": "unknown"}).status_code == 422
        assert http.get("/api/prompts/_search", params={"q": "word " * 5000}).status_code == 422
        assert http.get("/api/prompts/_search", params={"q": "   "}).status_code == 422
        assert http.get("/api/prompts/Not%20A%20Name").status_code == 422
        assert [v["version"] for v in http.get("/api/prompts/haiku.rain/history").json()] == [1]
    assert httpx.get(f"{served.url}/api/prompts/haiku.rain").status_code == 401


def test_client_caches_refreshes_in_the_background_and_falls_back_when_down(
    prompts: PromptStore, served: Served
) -> None:
    with PromptClient(served.url, TOKEN, refresh_s=0.2) as client:
        assert client.get("greeting.formal").version == 1
        assert client.get("greeting.formal", version=1).text.startswith("Greet")
        prompts.commit("greeting.formal", "Greet the customer formally, by name.", message="personal")
        deadline = time.monotonic() + 30
        while client.get("greeting.formal").version != 2 and time.monotonic() < deadline:
            time.sleep(0.1)
        assert client.get("greeting.formal").version == 2
        assert [h.name for h in client.search("summer rain haiku", k=1)] == ["haiku.rain"]
        with pytest.raises(PromptNotFound):
            client.get("nope")

        served.stop()
        while not client.is_stale("greeting.formal") and time.monotonic() < deadline:
            time.sleep(0.1)
        assert client.is_stale("greeting.formal")
        assert client.get("greeting.formal").text == "Greet the customer formally, by name."
        with pytest.raises(PromptApiUnavailable):
            client.get("haiku.rain")
        with pytest.raises(PromptApiUnavailable):
            client.list_prompts()
