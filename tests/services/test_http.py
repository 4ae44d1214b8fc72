import logging
from itertools import pairwise

import pytest

from services.exceptions import ProviderAuthError, ProviderError, ProviderResponseError
from services.http import ProviderHttp, redact_url
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
