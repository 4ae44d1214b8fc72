"""The OpenAI Images provider against the fake /v1/images/generations (tests/fakes/openai_images.py) on loopback."""

import json
from pathlib import Path

import pytest
from pydantic import SecretStr

from services.exceptions import InvalidRequest, ProviderAuthError, ProviderError, ProviderRequestRefused
from services.media import search_scene
from services.media.image_prompt import scene_prompt, video_style
from services.media.openai_images import OpenAIImages, image_mode, scenes_to_draw, size_for
from services.models import Scene, Storyboard
from services.settings import Settings
from tests.conftest import fake_settings
from tests.fakes.openai_api import OPENAI_KEY
from tests.fakes.stock_apis import FakeAPI, Fault

SCENE = Scene(index=2, narration="Jellyfish pulse in the dark water.", visual_query="magenta jellyfish", duration_s=3)


def _images(api: FakeAPI, tmp_path: Path, *, key: str = OPENAI_KEY, **options: object) -> OpenAIImages:
    values: dict = {"cache_dir": tmp_path / "cache", "model": "gpt-image-2", "style": "Style: one look.",
                    "base_url": f"{api.url}/v1", "max_retries": 2, "timeout_s": 5.0} | options  # fmt: skip
    return OpenAIImages(SecretStr(key), **values)


def test_a_gpt_image_answer_in_base64_becomes_the_scene_asset_and_is_cached(fake_api: FakeAPI, tmp_path: Path) -> None:
    images = _images(fake_api, tmp_path)
    drawn = images.draw(images.request_for(SCENE, "16:9"))

    [seen] = fake_api.requests("images")
    body = json.loads(seen.body)
    assert body == {"model": "gpt-image-2", "prompt": scene_prompt(SCENE, "Style: one look."), "n": 1,
                    "size": "1536x1024", "quality": "medium"}  # fmt: skip
    asset = drawn.asset
    assert drawn.made and drawn.total_tokens and drawn.total_tokens > 1056
    assert (asset.provider, asset.kind, asset.scene_index, asset.width, asset.height) == (
        "openai-images", "image", 2, 1536, 1024,
    )  # fmt: skip
    assert asset.local_path is not None and asset.local_path.read_bytes().startswith(b"\x89PNG")

    again = images.draw(images.request_for(SCENE, "16:9"))
    assert not again.made and again.asset == asset
    assert len(fake_api.requests("images")) == 1, "the same prompt, model and size is not paid twice"
    images.quality = "high"
    images.draw(images.request_for(SCENE, "16:9"))
    assert len(fake_api.requests("images")) == 2, "another quality is another picture"


@pytest.mark.parametrize(
    ("model", "aspect", "size"),
    [("gpt-image-2", "9:16", "1024x1536"), ("gpt-image-2", "1:1", "1024x1024"), ("dall-e-3", "16:9", "1792x1024"),
     ("dall-e-3", "9:16", "1024x1792")],
)  # fmt: skip
def test_each_framing_gets_the_model_size_the_api_accepts(model, aspect, size, fake_api: FakeAPI, tmp_path) -> None:
    drawn = _images(fake_api, tmp_path, model=model).search(SCENE, aspect=aspect)
    assert f"{drawn[0].width}x{drawn[0].height}" == size == size_for(model, aspect)
    assert size_for(model, aspect, "1536x864") == "1536x864"


def test_a_url_answer_is_downloaded(fake_api: FakeAPI, tmp_path: Path) -> None:
    answer = {"created": 1, "data": [{"url": f"{fake_api.url}/files/image-b.jpg", "revised_prompt": "a jellyfish"}]}
    fake_api.fail("images", Fault(200, json.dumps(answer).encode()))
    [asset] = _images(fake_api, tmp_path, model="dall-e-3").search(SCENE, aspect="16:9")
    assert (asset.width, asset.height) == (960, 540)
    assert (
        asset.local_path is not None and asset.local_path.read_bytes() == (fake_api.media / "image-b.jpg").read_bytes()
    )


@pytest.mark.parametrize(
    ("model", "code"), [("gpt-image-2", "moderation_blocked"), ("dall-e-3", "content_policy_violation")]
)
def test_a_content_policy_refusal_is_not_retried(model: str, code: str, fake_api: FakeAPI, tmp_path: Path) -> None:
    gory = SCENE.model_copy(update={"visual_query": "gore in the water"})
    with pytest.raises(ProviderRequestRefused) as caught:
        _images(fake_api, tmp_path, model=model).search(gory, aspect="16:9")
    assert str(caught.value) == f"openai-images: HTTP 400: refused by the content policy ({code})"
    assert len(fake_api.requests("images")) == 1


def test_429_and_5xx_are_retried_then_named(fake_api: FakeAPI, tmp_path: Path) -> None:
    limited = Fault(429, b'{"error": {"message": "Rate limit", "type": "requests", "code": "rate_limit_exceeded"}}',
                    {"Retry-After": "0"})  # fmt: skip
    fake_api.fail("images", limited, Fault(500))
    assert _images(fake_api, tmp_path).search(SCENE, aspect="1:1")[0].provider == "openai-images"
    assert len(fake_api.requests("images")) == 3

    fake_api.fail("images", *[Fault(503)] * 3)
    with pytest.raises(ProviderError) as caught:
        _images(fake_api, tmp_path).search(SCENE, aspect="16:9")
    assert str(caught.value) == "openai-images: HTTP 503: image generation failed (after retries)"


def test_a_timeout_is_named_and_a_refused_key_never_shown(fake_api: FakeAPI, tmp_path: Path) -> None:
    fake_api.fail("images", Fault(200, b"{}", delay_s=1.5))
    with pytest.raises(ProviderError, match=r"^openai-images: no picture within 0.5 s \(after retries\)$"):
        _images(fake_api, tmp_path, timeout_s=0.5, max_retries=0).search(SCENE, aspect="16:9")

    with pytest.raises(ProviderAuthError) as caught:
        _images(fake_api, tmp_path, key="sk-wrong-SECRET-key").search(SCENE, aspect="16:9")
    assert "OPENAI_API_KEY" in str(caught.value) and "sk-wrong" not in str(caught.value)


def test_an_answer_that_is_no_picture_is_an_error_and_leaves_no_file(fake_api: FakeAPI, tmp_path: Path) -> None:
    fake_api.fail("images", Fault(200, b'{"created": 1, "data": [{"b64_json": "PGh0bWw+"}]}'))
    with pytest.raises(ProviderError, match="not a PNG, JPEG or WebP"):
        _images(fake_api, tmp_path).search(SCENE, aspect="16:9")
    assert not any((tmp_path / "cache" / "images").iterdir())


def test_it_is_a_media_provider_like_the_stock_sites(fake_api: FakeAPI, tmp_path: Path) -> None:
    found = search_scene(SCENE, aspect="16:9", providers=[_images(fake_api, tmp_path)])
    assert [a.provider for a in found] == ["openai-images"]


def test_prompts_come_from_the_scene_with_one_style_per_video() -> None:
    scenes = [SCENE, SCENE.model_copy(update={"index": 3, "visual_query": "lighthouse at dusk", "narration": "Dusk."})]
    board = Storyboard(
        title="Sea lights", description="d", language="en", aspect="9:16", scenes=scenes, mood="dramatic"
    )
    style = video_style(board)
    prompts = [scene_prompt(s, style) for s in scenes]
    assert prompts[0].startswith("Show: magenta jellyfish. The narration over it says: Jellyfish pulse")
    assert prompts[1].startswith("Show: lighthouse at dusk.")
    assert all(p.endswith(style) for p in prompts) and "Sea lights" in style and "vertical" in style
    assert "deep shadows" in style and "No text" in style


def test_the_mode_follows_the_key_unless_set(tmp_path: Path) -> None:
    def mode(**values: object) -> str:
        return image_mode(Settings(_env_file=None, data_dir=tmp_path, **values))  # type: ignore[arg-type]

    assert mode() == "never"
    assert mode(OPENAI_API_KEY="sk-x") == "fallback"
    assert mode(OPENAI_API_KEY="sk-x", image_generation="always") == "always"
    assert mode(OPENAI_API_KEY="sk-x", image_generation="never") == "never"
    with pytest.raises(InvalidRequest, match="P2V_IMAGE_GENERATION: 'always' needs OPENAI_API_KEY"):
        mode(image_generation="always")


def test_which_scenes_are_drawn() -> None:
    best = [0.9, 0.2, None, 0.35]
    assert scenes_to_draw(best, "fallback", 0.35) == [1, 2]
    assert scenes_to_draw(best, "always", 0.35) == [0, 1, 2, 3]
    assert scenes_to_draw(best, "never", 0.35) == []


def test_settings_build_the_provider(fake_api: FakeAPI, tmp_path: Path) -> None:
    settings = fake_settings(fake_api, tmp_path, image_model="dall-e-3", image_size="1024x1024", http_attempts=2)
    images = OpenAIImages.from_settings(settings, style="S.")
    assert images.request_for(SCENE, "16:9").size == "1024x1024"
    assert images.search(SCENE, aspect="16:9")[0].width == 1024
