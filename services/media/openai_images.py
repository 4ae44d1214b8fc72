"""OpenAI Images as a media provider: a picture drawn for a scene that stock footage does not fit (docs/images.md).

One `images.generate` call per scene through the openai client (which retries 429 with Retry-After, 5xx and
timeouts itself). Each picture is kept on disk under a key of model, size, quality and prompt, so the same scene
asked again (a rerun, a resumed run, another video with the same words) costs nothing. GPT image models answer
`b64_json`; the retired DALL·E models are asked for `b64_json` too but a `url` answer is downloaded as well.
A refusal (content policy), a refused key or an exhausted retry is a ProviderError naming the provider, never
carrying the key or the API's own message text.
"""

import base64
import hashlib
import os
from pathlib import Path
from typing import Literal

import httpx
import openai
from pydantic import BaseModel, ConfigDict, SecretStr

from services.exceptions import InvalidRequest, MediaError, ProviderAuthError, ProviderError, ProviderRequestRefused
from services.http import USER_AGENT
from services.media.image_header import image_size
from services.media.image_prompt import scene_prompt
from services.models import Aspect, MediaAsset, Scene
from services.openai_client import openai_client
from services.retention import mark_used
from services.settings import Settings

PROVIDER = "openai-images"
ImageMode = Literal["never", "fallback", "always"]
GPT_IMAGE_SIZES: dict[Aspect, str] = {"16:9": "1536x1024", "9:16": "1024x1536", "1:1": "1024x1024"}
DALLE_SIZES: dict[Aspect, str] = {"16:9": "1792x1024", "9:16": "1024x1792", "1:1": "1024x1024"}
POLICY_CODES = frozenset({"content_policy_violation", "moderation_blocked"})
"""400 codes of a prompt or picture refused by the safety system (DALL·E and GPT image models word it apart)."""


class ImageRequest(BaseModel):
    """One picture to draw: everything that decides what it looks like (and so its cache key)."""

    model_config = ConfigDict(frozen=True)

    scene_index: int
    prompt: str
    model: str
    size: str
    quality: str


class DrawnImage(BaseModel):
    """A drawn picture as a scene's asset; `made` is False when it came from the on-disk cache (nothing paid)."""

    asset: MediaAsset
    made: bool
    total_tokens: int | None = None


def image_mode(settings: Settings) -> ImageMode:
    """The effective P2V_IMAGE_GENERATION; asking for images without a key is a clear error before any work."""
    mode = settings.image_generation
    if mode == "auto":
        return "fallback" if settings.openai_api_key is not None else "never"
    if mode != "never" and settings.openai_api_key is None:
        raise InvalidRequest("P2V_IMAGE_GENERATION", f"{mode!r} needs OPENAI_API_KEY; set the key or use 'never'")
    return mode


def is_legacy(model: str) -> bool:
    return model.startswith("dall-e")


def size_for(model: str, aspect: Aspect, override: str | None = None) -> str:
    """P2V_IMAGE_SIZE when set, else the model's standard size closest to the frame's shape."""
    if override:
        return override
    return (DALLE_SIZES if is_legacy(model) else GPT_IMAGE_SIZES)[aspect]


def scenes_to_draw(best_scores: list[float | None], mode: ImageMode, min_score: float) -> list[int]:
    """Positions of the scenes to draw: all (always), those whose best stock scores below `min_score` or that
    have none (fallback), or none."""
    if mode == "always":
        return list(range(len(best_scores)))
    if mode == "never":
        return []
    return [i for i, score in enumerate(best_scores) if score is None or score < min_score]


def image_request(
    scene: Scene, *, aspect: Aspect, style: str, model: str, quality: str, size: str | None = None
) -> ImageRequest:
    """What to ask for a scene: its prompt (scene words + the video's style), the model and the frame's size."""
    return ImageRequest(
        scene_index=scene.index,
        prompt=scene_prompt(scene, style),
        model=model,
        size=size_for(model, aspect, size),
        quality=quality,
    )


class OpenAIImages:
    """Draws one picture per scene; `search` makes it a MediaProvider like the stock sites (one candidate)."""

    name = PROVIDER

    def __init__(
        self,
        api_key: SecretStr,
        *,
        cache_dir: Path,
        model: str,
        quality: str = "medium",
        size: str | None = None,
        style: str = "",
        base_url: str | None = None,
        timeout_s: float = 120.0,
        max_retries: int = 2,
    ) -> None:
        self.root = cache_dir / "images"
        self.model, self.quality, self.size, self.style = model, quality, size, style
        self.timeout_s = timeout_s
        self._client = openai_client(api_key, base_url=base_url, timeout_s=timeout_s, max_retries=max_retries)

    @classmethod
    def from_settings(cls, settings: Settings, *, style: str = "") -> "OpenAIImages":
        if settings.openai_api_key is None:
            raise InvalidRequest("OPENAI_API_KEY", "generating images needs an OpenAI key")
        return cls(
            settings.openai_api_key,
            cache_dir=settings.cache_dir,
            model=settings.image_model,
            quality=settings.image_quality,
            size=settings.image_size,
            style=style,
            base_url=settings.openai_base_url,
            timeout_s=settings.image_timeout_s,
            max_retries=settings.http_attempts - 1,
        )

    def search(self, scene: Scene, *, aspect: Aspect, limit: int = 10) -> list[MediaAsset]:
        return [self.draw(self.request_for(scene, aspect)).asset]

    def request_for(self, scene: Scene, aspect: Aspect) -> ImageRequest:
        return image_request(scene, aspect=aspect, style=self.style, model=self.model, quality=self.quality,
                             size=self.size)  # fmt: skip

    def draw(self, request: ImageRequest) -> DrawnImage:
        """The picture from the cache, else from the API (then cached)."""
        key = hashlib.sha256(f"{request.model}|{request.size}|{request.quality}|{request.prompt}".encode()).hexdigest()
        path = self.root / f"{key}.png"
        if path.is_file():
            mark_used([path])
            return DrawnImage(asset=self._asset(request, path, key), made=False)
        data, tokens = self._generate(request)
        path.parent.mkdir(parents=True, exist_ok=True)
        partial = path.with_name(f".{key}.{os.getpid()}.part")
        partial.write_bytes(data)
        try:
            image_size(partial)
        except MediaError:
            partial.unlink(missing_ok=True)
            raise ProviderError(PROVIDER, "the answer is not a PNG, JPEG or WebP picture") from None
        os.replace(partial, path)
        return DrawnImage(asset=self._asset(request, path, key), made=True, total_tokens=tokens)

    def _asset(self, request: ImageRequest, path: Path, key: str) -> MediaAsset:
        width, height = image_size(path)
        return MediaAsset(
            scene_index=request.scene_index,
            provider=PROVIDER,
            kind="image",
            asset_id=f"{PROVIDER}:{key[:24]}",
            source_url=path.resolve().as_uri(),
            local_path=path.resolve(),
            width=width,
            height=height,
            license=f"AI-generated ({request.model})",
            score=1.0,
        )

    def _generate(self, request: ImageRequest) -> tuple[bytes, int | None]:
        legacy = is_legacy(request.model)
        try:
            answer = self._client.images.generate(
                model=request.model,
                prompt=request.prompt,
                n=1,
                size=request.size,
                quality=request.quality if not legacy else openai.omit,
                response_format="b64_json" if legacy else openai.omit,  # GPT image models always answer base64
            )
        except openai.APIStatusError as exc:
            raise _status_error(exc) from None
        except openai.APITimeoutError:
            raise ProviderError(PROVIDER, f"no picture within {self.timeout_s:g} s (after retries)") from None
        except openai.APIError as exc:
            raise ProviderError(PROVIDER, f"image request failed ({type(exc).__name__}, after retries)") from None
        image = (answer.data or [None])[0]
        tokens = answer.usage.total_tokens if answer.usage else None
        if image is not None and image.b64_json:
            return base64.b64decode(image.b64_json), tokens
        if image is not None and image.url:
            return self._download(image.url), tokens
        raise ProviderError(PROVIDER, "the answer holds no picture (neither b64_json nor url)")

    def _download(self, url: str) -> bytes:
        try:
            response = httpx.get(url, timeout=self.timeout_s, headers={"User-Agent": USER_AGENT})
        except httpx.HTTPError as exc:
            raise ProviderError(PROVIDER, f"downloading the picture failed ({type(exc).__name__})") from None
        if response.status_code != 200:
            raise ProviderError(PROVIDER, "downloading the picture failed", status=response.status_code)
        return response.content


def _status_error(exc: openai.APIStatusError) -> ProviderError:
    status = exc.status_code
    if isinstance(exc, openai.AuthenticationError | openai.PermissionDeniedError):
        return ProviderAuthError(PROVIDER, "the API key was refused; check OPENAI_API_KEY", status=status)
    if exc.code in POLICY_CODES:
        return ProviderRequestRefused(PROVIDER, f"refused by the content policy ({exc.code})", status=status)
    if 400 <= status < 500 and status != 429:
        detail = f" ({exc.code})" if exc.code else ""
        return ProviderRequestRefused(PROVIDER, f"image request refused{detail}", status=status)
    return ProviderError(PROVIDER, "image generation failed (after retries)", status=status)
