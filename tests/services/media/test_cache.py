import hashlib
import threading
from pathlib import Path

import pytest

from services.exceptions import MediaError
from services.media import MediaCache, build_cache
from services.models import MediaAsset
from tests.conftest import fake_settings
from tests.fakes.stock_apis import FakeAPI, Fault


def _asset(api: FakeAPI, name: str, asset_id: str | None = None) -> MediaAsset:
    return MediaAsset(
        scene_index=0, provider="pexels", kind="video" if name.endswith(".mp4") else "image",
        asset_id=asset_id or name, source_url=f"{api.url}/files/{name}", width=1920, height=1080,
    )  # fmt: skip


def _cache(api: FakeAPI, tmp_path: Path, **overrides: object) -> MediaCache:
    return build_cache(fake_settings(api, tmp_path, **overrides))


def test_a_download_is_verified_content_addressed_and_never_repeated(fake_api: FakeAPI, tmp_path: Path) -> None:
    cache = _cache(fake_api, tmp_path)
    first = cache.fetch(_asset(fake_api, "video-a.mp4"))
    again = _cache(fake_api, tmp_path).fetch(_asset(fake_api, "video-a.mp4"))  # a new process, same cache
    assert first.local_path == again.local_path and first.local_path is not None
    digest = hashlib.sha256(first.local_path.read_bytes()).hexdigest()
    assert first.local_path.name == f"{digest}.mp4"
    assert (first.width, first.height, first.duration_s) == (960, 540, 2.0)  # real facts, not the API's claims
    assert len(fake_api.requests("files")) == 1


def test_concurrent_fetches_of_one_asset_download_it_once(fake_api: FakeAPI, tmp_path: Path) -> None:
    fake_api.latency_s = 0.2
    cache = _cache(fake_api, tmp_path)
    paths: list[Path | None] = []
    threads = [
        threading.Thread(target=lambda: paths.append(cache.fetch(_asset(fake_api, "video-b.mp4")).local_path))
        for _ in range(4)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(set(paths)) == 1 and len(fake_api.requests("files")) == 1


def test_a_partial_download_is_resumed_with_a_range_request(
    fake_api: FakeAPI, tmp_path: Path, fake_media: Path
) -> None:
    cache = _cache(fake_api, tmp_path)
    asset = _asset(fake_api, "video-c.mp4")
    key = hashlib.sha256(f"{asset.provider}|{asset.asset_id}|{asset.source_url}".encode()).hexdigest()
    whole = (fake_media / "video-c.mp4").read_bytes()
    (tmp_path / "cache" / "media" / "partial" / f"{key}.part").write_bytes(whole[:1000])
    fetched = cache.fetch(asset)
    assert fetched.local_path is not None and fetched.local_path.read_bytes() == whole
    [request] = fake_api.requests("files")
    assert request.headers["Range"] == "bytes=1000-"


def test_a_download_that_does_not_decode_is_rejected_and_not_kept(fake_api: FakeAPI, tmp_path: Path) -> None:
    with pytest.raises(MediaError, match="does not decode"):
        _cache(fake_api, tmp_path).fetch(_asset(fake_api, "broken.mp4"))
    assert not list((tmp_path / "cache" / "media" / "objects").rglob("*.mp4"))


def test_a_failing_cdn_is_retried(fake_api: FakeAPI, tmp_path: Path) -> None:
    fake_api.fail("files", Fault(503))
    fetched = _cache(fake_api, tmp_path).fetch(_asset(fake_api, "image-a.jpg"))
    assert fetched.local_path is not None and len(fake_api.requests("files")) == 2


def test_the_least_recently_used_files_are_evicted_past_the_size_cap(
    fake_api: FakeAPI, tmp_path: Path, fake_media: Path
) -> None:
    sizes = [(fake_media / f"video-{n}.mp4").stat().st_size for n in "abc"]
    cache = _cache(fake_api, tmp_path, cache_max_bytes=sizes[1] + sizes[2] + 10)
    first = cache.fetch(_asset(fake_api, "video-a.mp4"))
    cache.fetch(_asset(fake_api, "video-b.mp4"))
    cache.fetch(_asset(fake_api, "video-c.mp4"))
    assert first.local_path is not None and not first.local_path.exists()
    assert len(list((tmp_path / "cache" / "media" / "objects").rglob("*.mp4"))) == 2
    cache.fetch(_asset(fake_api, "video-a.mp4"))  # evicted, so fetched again
    assert len(fake_api.requests("files")) == 4
