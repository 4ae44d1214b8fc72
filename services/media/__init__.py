"""Media providers, chosen and ordered from settings through a registry."""

import functools
import logging
from collections.abc import Callable

from pydantic import SecretStr

from services.embeddings import Embedder, build_embedder
from services.exceptions import InvalidRequest, MediaSearchFailed, ProviderError
from services.http import ProviderHttp
from services.media.base import MediaProvider
from services.media.cache import MediaCache
from services.media.depositphotos import DepositphotosSource
from services.media.generated import GeneratedVisuals
from services.media.local import LocalFolderProvider
from services.media.pexels import PexelsSource
from services.media.pixabay import PixabaySource
from services.media.ranking import CandidateSource, RankedProvider
from services.media.response_cache import ResponseCache
from services.models import Aspect, MediaAsset, Scene
from services.ratelimit import Throttle, limited, no_throttle
from services.settings import Settings

__all__ = [
    "GeneratedVisuals",
    "MediaCache",
    "MediaProvider",
    "build_cache",
    "build_providers",
    "build_response_cache",
    "provider_names",
    "search_scene",
]
logger = logging.getLogger(__name__)


def provider_http(settings: Settings, name: str, key: SecretStr, *, throttle: Throttle, **kwargs) -> ProviderHttp:
    """The retrying HTTP client for one provider, tuned by settings; `key` is only used to redact it.

    Its JSON answers go through the 24 h response cache (off when P2V_RESPONSE_CACHE_TTL_S is 0).
    """
    return ProviderHttp(
        name,
        key_name=f"{name.upper()}_API_KEY",
        timeout_s=settings.http_timeout_s,
        attempts=settings.http_attempts,
        backoff_s=settings.http_backoff_s,
        max_wait_s=settings.http_max_wait_s,
        throttle=throttle,
        secrets=(key.get_secret_value(),),
        cache=build_response_cache(settings),
        **kwargs,
    )


def build_response_cache(settings: Settings) -> ResponseCache | None:
    """The on-disk cache of search answers under <data_dir>/cache/responses, or None when its TTL is 0."""
    if settings.response_cache_ttl_s <= 0:
        return None
    return ResponseCache(
        settings.cache_dir / "responses",
        ttl_s=settings.response_cache_ttl_s,
        max_bytes=settings.response_cache_max_bytes,
    )


def _pexels(settings: Settings, throttle: Throttle) -> CandidateSource:
    key = settings.pexels_api_key
    assert key is not None
    http = provider_http(settings, "pexels", key, throttle=throttle, headers={"Authorization": key.get_secret_value()})
    return PexelsSource(http, base_url=settings.pexels_base_url)


def _pixabay(settings: Settings, throttle: Throttle) -> CandidateSource:
    key = settings.pixabay_api_key
    assert key is not None
    http = provider_http(settings, "pixabay", key, throttle=throttle)
    return PixabaySource(http, api_key=key.get_secret_value(), base_url=settings.pixabay_base_url)


def _depositphotos(settings: Settings, throttle: Throttle) -> CandidateSource:
    key = settings.depositphotos_api_key
    assert key is not None
    http = provider_http(settings, "depositphotos", key, throttle=throttle)
    return DepositphotosSource(http, api_key=key.get_secret_value(), base_url=settings.depositphotos_base_url)


STOCK_SOURCES: dict[
    str, tuple[Callable[[Settings], SecretStr | None], Callable[[Settings, Throttle], CandidateSource]]
] = {
    "pexels": (lambda s: s.pexels_api_key, _pexels),
    "pixabay": (lambda s: s.pixabay_api_key, _pixabay),
    "depositphotos": (lambda s: s.depositphotos_api_key, _depositphotos),
}
KNOWN = {*STOCK_SOURCES, "local"}


def provider_names(settings: Settings) -> list[str]:
    """The providers that will run, in search order: stock sites only when their key is set."""
    unknown = [name for name in settings.media_provider_order if name not in KNOWN]
    if unknown:
        raise InvalidRequest("P2V_MEDIA_PROVIDERS", f"unknown provider {unknown[0]!r}; known: {sorted(KNOWN)}")
    return [
        name
        for name in settings.media_provider_order
        if name == "local" or STOCK_SOURCES[name][0](settings) is not None
    ]


def build_providers(
    settings: Settings, *, throttle: Throttle = no_throttle, embedder: Embedder | None = None
) -> list[MediaProvider]:
    """Every configured provider, in search order, sharing one embedder (loaded on its first use) for ranking."""
    names = provider_names(settings)
    throttle = limited(throttle, settings.rate_limit_map)
    embedder = embedder or build_embedder(settings)
    providers: list[MediaProvider] = []
    for name in names:
        if name == "local":
            local = LocalFolderProvider(settings.media_dir, embedder=embedder, max_pixels=settings.media_max_pixels)
            providers.append(local)
        else:
            providers.append(RankedProvider(STOCK_SOURCES[name][1](settings, throttle), embedder=embedder))
    return providers


def build_cache(settings: Settings) -> MediaCache:
    """The download cache; downloads go to CDNs, so they are retried but not rate limited."""

    @functools.cache
    def http_for(provider: str) -> ProviderHttp:
        return ProviderHttp(
            provider,
            timeout_s=settings.http_timeout_s,
            attempts=settings.http_attempts,
            backoff_s=settings.http_backoff_s,
            max_wait_s=settings.http_max_wait_s,
        )

    return MediaCache(settings.cache_dir / "media", max_bytes=settings.cache_max_bytes, http_for=http_for)


def search_scene(scene: Scene, *, aspect: Aspect, providers: list[MediaProvider], limit: int = 10) -> list[MediaAsset]:
    """Candidates from the providers in order, asking the next only while fewer than `limit` were found.

    A provider that fails (after its own retries) is skipped with a warning. When a provider failed and no
    provider found anything, MediaSearchFailed says why; an empty list means "searched fine, nothing fits".
    """
    found: list[MediaAsset] = []
    failures: list[str] = []
    for provider in providers:
        try:
            found += provider.search(scene, aspect=aspect, limit=limit)
        except ProviderError as exc:
            logger.warning("scene %d: %s", scene.index, exc)
            failures.append(str(exc))
        if len(found) >= limit:
            break
    if failures and not found:
        raise MediaSearchFailed(scene.index, failures)
    return sorted(found, key=lambda a: -a.score)
