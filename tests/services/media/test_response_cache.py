"""The 24 h cache of provider search answers (Pixabay's API docs: "you must cache API responses for 24 hours")."""

from pathlib import Path

import pytest

from services.embeddings import KeywordEmbedder
from services.exceptions import ProviderAuthError
from services.http import ProviderHttp
from services.media import build_providers
from services.media.response_cache import DAY_S, ResponseCache
from services.models import Scene
from tests.conftest import fake_settings
from tests.fakes.stock_apis import ALL_KEYS, DEPOSIT_KEY, PIXABAY_KEY, FakeAPI, Item

SCENE = Scene(index=0, narration="A red fox hunts in deep snow.", visual_query="red fox snow", duration_s=6)
OTHER = Scene(index=1, narration="Cubs play.", visual_query="fox cubs playing", duration_s=6)


def _providers(api: FakeAPI, data_dir: Path, **overrides: object):  # noqa: ANN202
    settings = fake_settings(api, data_dir, response_cache_ttl_s=DAY_S, **overrides)
    return build_providers(settings, embedder=KeywordEmbedder())


def _files_text(root: Path) -> str:
    return "\n".join(f"{p}\n{p.read_text(errors='replace')}" for p in root.rglob("*") if p.is_file())


@pytest.mark.parametrize("name", ["pexels", "pixabay", "depositphotos"])
def test_a_second_identical_search_makes_no_request_even_from_a_fresh_process_state(
    fake_api: FakeAPI, tmp_path: Path, name: str
) -> None:
    fake_api.catalogue = [Item(1, "red fox snow"), Item(2, "fox cubs playing", kind="image", file="image-a.jpg")]
    [first] = _providers(fake_api, tmp_path, media_providers=name)
    found = first.search(SCENE, aspect="16:9")
    asked = len(fake_api.requests(name))
    [second] = _providers(fake_api, tmp_path, media_providers=name)  # new clients, as in the next run
    again = second.search(SCENE, aspect="16:9")
    assert asked >= 1 and len(fake_api.requests(name)) == asked, "the repeated search was answered from disk"
    assert [a.asset_id for a in again] == [a.asset_id for a in found]
    second.search(OTHER, aspect="16:9")
    assert len(fake_api.requests(name)) == 2 * asked, "another query still asks the provider"
    text = _files_text(tmp_path / "cache" / "responses")
    assert text and not any(key in text for key in ALL_KEYS)


def test_answers_expire_after_24_hours(fake_api: FakeAPI, tmp_path: Path) -> None:
    fake_api.catalogue = [Item(1, "fox")]
    now = [1_000_000.0]
    cache = ResponseCache(tmp_path, clock=lambda: now[0])
    client = ProviderHttp("pixabay", secrets=(PIXABAY_KEY,), cache=cache)
    url, params = f"{fake_api.url}/pixabay/videos/", {"key": PIXABAY_KEY, "q": "fox"}
    client.get_json(url, params=params)
    now[0] += DAY_S - 60
    client.get_json(url, params=params)
    assert len(fake_api.requests("pixabay")) == 1
    now[0] += 60
    client.get_json(url, params=params)
    assert len(fake_api.requests("pixabay")) == 2


def test_the_cache_key_ignores_the_api_key_and_an_answer_echoing_a_key_is_not_stored(tmp_path: Path) -> None:
    cache = ResponseCache(tmp_path)
    one = cache.key("pixabay", "https://pixabay.com/api/", {"key": "old-key", "q": "fox"})
    assert one == cache.key("pixabay", "https://pixabay.com/api/", {"q": "fox", "key": "rotated-key"})
    assert one != cache.key("pixabay", "https://pixabay.com/api/", {"q": "foxes", "key": "old-key"})
    assert not cache.put("pixabay", one, {"next": "https://pixabay.com/api/?key=old-key&page=2"}, secrets=("old-key",))
    assert cache.get("pixabay", one) is None and not any(tmp_path.rglob("*.json"))


def test_a_depositphotos_error_in_a_200_body_is_not_cached(fake_api: FakeAPI, tmp_path: Path) -> None:
    fake_api.catalogue = [Item(1, "red fox snow")]
    [wrong] = _providers(fake_api, tmp_path, media_providers="depositphotos", DEPOSITPHOTOS_API_KEY="wrong")
    with pytest.raises(ProviderAuthError):
        wrong.search(SCENE, aspect="16:9")
    [right] = _providers(fake_api, tmp_path, media_providers="depositphotos", DEPOSITPHOTOS_API_KEY=DEPOSIT_KEY)
    assert right.search(SCENE, aspect="16:9")
    assert len(fake_api.requests("depositphotos")) == 2


def test_the_cache_stays_within_its_size_by_dropping_the_oldest(tmp_path: Path) -> None:
    cache = ResponseCache(tmp_path, max_bytes=4_000)
    keys = [cache.key("pexels", "u", {"query": f"q{i}"}) for i in range(20)]
    for i, key in enumerate(keys):
        cache.put("pexels", key, {"items": ["x" * 300], "n": i})
    total = sum(p.stat().st_size for p in tmp_path.rglob("*.json"))
    assert 0 < total <= 4_000
    assert cache.get("pexels", keys[-1]) == {"items": ["x" * 300], "n": 19}
    assert cache.get("pexels", keys[0]) is None
