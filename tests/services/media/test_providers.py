from pathlib import Path

import pytest

from services.embeddings import KeywordEmbedder
from services.exceptions import MediaSearchFailed, ProviderAuthError, ProviderResponseError
from services.media import build_providers, provider_names, search_scene
from services.models import Scene
from services.publish.metadata import credits
from tests.conftest import fake_settings
from tests.fakes.stock_apis import ALL_KEYS, FakeAPI, Fault, Item

SCENE = Scene(index=3, narration="A red fox hunts in deep snow.", visual_query="red fox snow", duration_s=6)


def _providers(api: FakeAPI, tmp_path: Path, **overrides: object):  # noqa: ANN202
    return build_providers(fake_settings(api, tmp_path, **overrides), embedder=KeywordEmbedder())


@pytest.mark.parametrize("order", ["pexels", "pixabay", "depositphotos"])
def test_each_provider_maps_its_documented_answer_to_assets_with_credit(
    fake_api: FakeAPI, tmp_path: Path, order: str
) -> None:
    fake_api.catalogue = [Item(11, "red fox snow"), Item(12, "red fox snow field", kind="image", file="image-a.jpg")]
    [provider] = _providers(fake_api, tmp_path, media_providers=order)
    found = provider.search(SCENE, aspect="16:9")
    assert {a.kind for a in found} == {"video", "image"}
    assert all(a.provider == order and a.scene_index == 3 and a.license and a.attribution for a in found)
    assert all(0 < a.score <= 1 and a.local_path is None for a in found)
    video = next(a for a in found if a.kind == "video")
    documented_length = None if order == "depositphotos" else 30.0  # its documented search answer has no duration
    assert (video.width, video.height, video.duration_s) == (1920, 1080, documented_length)


def test_candidates_are_filtered_by_orientation_size_and_length(fake_api: FakeAPI, tmp_path: Path) -> None:
    fake_api.catalogue = [
        Item(1, "red fox snow", width=1080, height=1920),  # portrait, for a 16:9 video
        Item(2, "red fox snow", width=640, height=360),  # would need a 3x upscale
        Item(3, "red fox snow", duration=4.0),  # shorter than the 6 s scene
        Item(4, "red fox snow"),
    ]
    [pexels] = _providers(fake_api, tmp_path, media_providers="pexels")
    assert [a.asset_id for a in pexels.search(SCENE, aspect="16:9")] == ["video:4"]
    assert [a.asset_id for a in pexels.search(SCENE, aspect="9:16")] == ["video:1"]


def test_only_providers_with_keys_run_in_the_configured_order(fake_api: FakeAPI, tmp_path: Path) -> None:
    settings = fake_settings(fake_api, tmp_path, media_providers="local, pixabay,pexels", PEXELS_API_KEY=None)
    assert provider_names(settings) == ["local", "pixabay"]


def test_a_failing_provider_is_skipped_for_the_next_one(fake_api: FakeAPI, tmp_path: Path) -> None:
    fake_api.catalogue = [Item(1, "red fox snow")]
    fake_api.fail("pexels", *[Fault(500)] * 4)
    found = search_scene(
        SCENE, aspect="16:9", providers=_providers(fake_api, tmp_path, media_providers="pexels,pixabay")
    )
    assert [a.provider for a in found] == ["pixabay"]


def test_every_provider_failing_raises_with_each_reason_and_no_key(fake_api: FakeAPI, tmp_path: Path) -> None:
    fake_api.fail("pexels", Fault(200, b"not json"))
    providers = _providers(
        fake_api, tmp_path, PIXABAY_API_KEY="wrong-pixabay", DEPOSITPHOTOS_API_KEY="wrong-deposit", http_attempts=2
    )
    with pytest.raises(MediaSearchFailed) as caught:
        search_scene(SCENE, aspect="16:9", providers=providers)
    message = str(caught.value)
    assert message.startswith("[search_media] scene 3: every provider failed")
    assert "pexels: HTTP 200: the answer is not valid JSON" in message
    assert "pixabay: HTTP 400: the API key was refused" in message and "check PIXABAY_API_KEY" in message
    assert "depositphotos: the API key was refused" in message
    assert not any(key in message for key in (*ALL_KEYS, "wrong-pixabay", "wrong-deposit"))


def test_an_unexpected_answer_shape_is_a_typed_error(fake_api: FakeAPI, tmp_path: Path) -> None:
    fake_api.fail("pexels", Fault(200, b'{"videos": [{"id": 1}]}'))
    [pexels] = _providers(fake_api, tmp_path, media_providers="pexels")
    with pytest.raises(ProviderResponseError, match="pexels: unexpected answer shape"):
        pexels.search(SCENE, aspect="16:9")


def test_depositphotos_bad_key_in_a_200_body_is_an_auth_error(fake_api: FakeAPI, tmp_path: Path) -> None:
    [deposit] = _providers(fake_api, tmp_path, media_providers="depositphotos", DEPOSITPHOTOS_API_KEY="nope")
    with pytest.raises(ProviderAuthError, match="check DEPOSITPHOTOS_API_KEY"):
        deposit.search(SCENE, aspect="16:9")


def test_credits_name_author_and_site(fake_api: FakeAPI, tmp_path: Path) -> None:
    from services.models import Timeline, TimelineClip

    fake_api.catalogue = [Item(1, "red fox snow")]
    [pexels] = _providers(fake_api, tmp_path, media_providers="pexels")
    asset = pexels.search(SCENE, aspect="16:9")[0]
    timeline = Timeline(
        title="t", description="d", language="en", width=1920, height=1080, transition_s=0,
        clips=[TimelineClip(scene=SCENE, asset=asset, start_s=0)],
    )  # fmt: skip
    assert credits(timeline) == ["Video by Pat Lens on Pexels: https://www.pexels.com/video/red-fox-snow-1/ (pexels)"]
