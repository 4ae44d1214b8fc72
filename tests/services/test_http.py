import logging
from itertools import pairwise

import pytest

from services.exceptions import ProviderAuthError, ProviderError, ProviderForbidden, ProviderResponseError
from services.http import USER_AGENT, ProviderHttp, redact_url
from services.ratelimit import RateLimiter
from tests.fakes.stock_apis import PEXELS_KEY, PIXABAY_KEY, FakeAPI, Fault, Item


def _client(api: FakeAPI, naps: list[float], **kwargs: object) -> ProviderHttp:
    options = {
        "attempts": 4,
        "backoff_s": 0.01,
        "timeout_s": 1.0,
        "secrets": (PEXELS_KEY,),
        "key_name": "PEXELS_API_KEY",
    }
    options.update(kwargs)
    return ProviderHttp("pexels", headers={"Authorization": PEXELS_KEY}, sleep=naps.append, **options)  # type: ignore[arg-type]


def test_429_waits_as_long_as_retry_after_says_then_succeeds(fake_api: FakeAPI) -> None:
    fake_api.catalogue = [Item(1, "fox")]
    fake_api.fail("pexels", Fault(429, b'{"error": "slow down"}', {"Retry-After": "7"}))
    naps: list[float] = []
    answer = _client(fake_api, naps).get_json(f"{fake_api.url}/pexels/videos/search", params={"query": "fox"})
    assert [v["id"] for v in answer["videos"]] == [1]
    assert naps == [7.0]
    assert len(fake_api.requests("pexels")) == 2


def test_5xx_is_retried_with_growing_jittered_backoff_then_gives_up(fake_api: FakeAPI) -> None:
    fake_api.fail("pexels", *[Fault(503)] * 4)
    naps: list[float] = []
    with pytest.raises(ProviderError) as caught:
        _client(fake_api, naps, backoff_s=1.0).get_json(f"{fake_api.url}/pexels/videos/search", params={"query": "x"})
    assert caught.value.status == 503 and "gave up after 4 tries" in str(caught.value)
    assert len(naps) == 3 and 0.5 <= naps[0] <= 1.5 and 1.0 <= naps[1] <= 3.0 and 2.0 <= naps[2] <= 6.0
    assert len(fake_api.requests("pexels")) == 4


def test_401_fails_at_once_naming_the_provider_and_not_the_key(fake_api: FakeAPI) -> None:
    naps: list[float] = []
    client = ProviderHttp("pexels", headers={"Authorization": "wrong"}, key_name="PEXELS_API_KEY", sleep=naps.append)
    with pytest.raises(ProviderAuthError) as caught:
        client.get_json(f"{fake_api.url}/pexels/videos/search", params={"query": "x"})
    assert str(caught.value) == "pexels: HTTP 401: the API key was refused; check PEXELS_API_KEY"
    assert naps == [] and len(fake_api.requests("pexels")) == 1


def test_a_key_in_the_query_string_never_reaches_errors_or_logs(
    fake_api: FakeAPI, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    client = ProviderHttp("pixabay", key_name="PIXABAY_API_KEY", secrets=(PIXABAY_KEY,), sleep=lambda _s: None)
    with pytest.raises(ProviderAuthError) as caught:  # Pixabay answers a wrong key with 400 and a text body
        client.get_json(f"{fake_api.url}/pixabay/", params={"key": PIXABAY_KEY + "x", "q": "fox"})
    fake_api.fail("pixabay", Fault(500))
    client.get_json(f"{fake_api.url}/pixabay/", params={"key": PIXABAY_KEY, "q": "fox"})
    assert "pixabay" in str(caught.value)
    assert PIXABAY_KEY not in str(caught.value) and PIXABAY_KEY not in caplog.text
    assert "key=***" in caplog.text  # httpx's request log line is still there, redacted


def test_slow_answers_time_out_and_are_retried(fake_api: FakeAPI) -> None:
    fake_api.catalogue = [Item(1, "fox")]
    fake_api.fail("pexels", Fault(200, b"{}", delay_s=1.5))
    naps: list[float] = []
    answer = _client(fake_api, naps, timeout_s=0.5).get_json(
        f"{fake_api.url}/pexels/videos/search", params={"query": "fox"}
    )
    assert answer["videos"][0]["id"] == 1 and len(naps) == 1


def test_malformed_json_is_a_typed_error(fake_api: FakeAPI) -> None:
    fake_api.fail("pexels", Fault(200, b'{"videos": [tru'))
    with pytest.raises(ProviderResponseError, match="pexels: HTTP 200: the answer is not valid JSON"):
        _client(fake_api, []).get_json(f"{fake_api.url}/pexels/videos/search", params={"query": "x"})


def test_a_retry_after_longer_than_we_accept_gives_up_at_once(fake_api: FakeAPI) -> None:
    fake_api.fail("pexels", Fault(429, b"{}", {"Retry-After": "3600"}))
    with pytest.raises(ProviderError, match="asked to wait 3600 s"):
        _client(fake_api, [], max_wait_s=60).get_json(f"{fake_api.url}/pexels/videos/search", params={"query": "x"})


def test_redact_url_hides_key_like_parameters() -> None:
    assert (
        redact_url("GET https://x/api/?q=fox&key=abc123&dp_apikey=zz")
        == "GET https://x/api/?q=fox&key=***&dp_apikey=***"
    )


def test_every_retry_waits_for_the_rate_limit_as_the_server_counts(fake_api: FakeAPI) -> None:
    limiter = RateLimiter(1, window_s=0.25, margin_s=0.05)
    fake_api.fail("pexels", *[Fault(503)] * 3)
    naps: list[float] = []
    client = _client(fake_api, naps, throttle=lambda _provider: limiter.slot())
    client.get_json(f"{fake_api.url}/pexels/videos/search", params={"query": "fox"})
    arrivals = [seen.at for seen in fake_api.requests("pexels")]
    assert len(arrivals) == 4 and len(naps) == 3, "three retries, each with no backoff sleep of its own"
    assert min(b - a for a, b in pairwise(arrivals)) >= 0.25


def test_every_provider_request_and_download_carries_the_project_user_agent(fake_api: FakeAPI, tmp_path) -> None:  # noqa: ANN001
    from services.embeddings import KeywordEmbedder
    from services.media import build_cache, build_providers
    from services.models import Scene, VideoRequest
    from services.storyboard import build_planner
    from tests.conftest import fake_settings
    from tests.fakes.openai_api import storyboard_json

    fake_api.catalogue = [Item(1, "red fox snow")]
    fake_api.blocked_agents = ("python-httpx", "OpenAI/Python")  # an edge in front of every API and CDN
    settings = fake_settings(fake_api, tmp_path)
    scene = Scene(index=0, narration="A fox.", visual_query="red fox snow", duration_s=2)
    found = [a for p in build_providers(settings, embedder=KeywordEmbedder()) for a in p.search(scene, aspect="16:9")]
    build_cache(settings).fetch(found[0])
    fake_api.storyboards.append(storyboard_json([("A fox.", "red fox snow", 3.0)] * 3))
    build_planner(settings).plan(VideoRequest(prompt="foxes", scenes=3))

    routes = {"pexels", "pixabay", "depositphotos", "files", "chat"}
    assert {_route_of(s.path) for s in fake_api.seen} == routes, "every provider, a download and OpenAI were asked"
    assert {s.headers.get("User-Agent") for s in fake_api.seen} == {USER_AGENT}
    assert USER_AGENT.startswith("prompt-to-video/")


def _route_of(path: str) -> str:
    return "chat" if path.endswith("/chat/completions") else path.strip("/").split("/")[0]


def test_403_from_an_edge_blocking_the_client_is_told_apart_from_a_refused_key(fake_api: FakeAPI) -> None:
    fake_api.blocked_agents = ("python-httpx",)
    url = f"{fake_api.url}/pexels/videos/search"
    library_agent = {"Authorization": PEXELS_KEY, "User-Agent": "python-httpx/0.28.1"}
    blocked = ProviderHttp("pexels", headers=library_agent, key_name="PEXELS_API_KEY", secrets=(PEXELS_KEY,))
    with pytest.raises(ProviderForbidden) as forbidden:
        blocked.get_json(url, params={"query": "fox"})
    wrong_key = ProviderHttp("pexels", headers={"Authorization": "wrong"}, key_name="PEXELS_API_KEY")
    with pytest.raises(ProviderAuthError) as refused:
        wrong_key.get_json(url, params={"query": "fox"})

    assert str(forbidden.value).startswith("pexels: HTTP 403: forbidden: the request was blocked")
    assert "not a refused key" in str(forbidden.value) and PEXELS_KEY not in str(forbidden.value)
    assert not isinstance(refused.value, ProviderForbidden)
    assert str(refused.value) == "pexels: HTTP 401: the API key was refused; check PEXELS_API_KEY"
    assert len(fake_api.requests("pexels")) == 2, "neither is retried"
