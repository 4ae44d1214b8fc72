"""A content-addressed download cache for chosen media: resumable, verified, size-capped, concurrency safe.

Layout under `root`: `objects/ab/<sha256>.<ext>` (the files, named by their content), `refs/<key>` (which object a
provider asset downloaded to), `partial/<key>.part` (interrupted downloads, resumed with a Range request) and
`locks/<key>.lock` (an flock, so two processes or threads never download the same asset twice).
"""

import contextlib
import fcntl
import hashlib
import os
from collections.abc import Callable, Iterator
from pathlib import Path
from urllib.parse import urlparse

import httpx

from services.exceptions import ComposeError, MediaError, ProviderError
from services.ffmpeg import probe, run_ffmpeg
from services.http import ProviderHttp
from services.models import MediaAsset

KNOWN_SUFFIXES = {".mp4", ".mov", ".webm", ".m4v", ".jpg", ".jpeg", ".png", ".webp"}
CHUNK_BYTES = 1 << 16
RANGE_NOT_SATISFIABLE = 416


class MediaCache:
    """Downloads a remote asset once, verifies that ffmpeg decodes it, and evicts least recently used files."""

    def __init__(self, root: Path, *, max_bytes: int, http_for: Callable[[str], ProviderHttp]) -> None:
        self.root = root
        self.max_bytes = max_bytes
        self.http_for = http_for
        for folder in ("objects", "refs", "partial", "locks"):
            (root / folder).mkdir(parents=True, exist_ok=True)

    def fetch(self, asset: MediaAsset) -> MediaAsset:
        """The asset with `local_path` set (and its real size/duration); downloads only on a cache miss."""
        if asset.local_path is not None:
            return asset
        key = hashlib.sha256(f"{asset.provider}|{asset.asset_id}|{asset.source_url}".encode()).hexdigest()
        with self._lock(key):
            path = self._lookup(key) or self._download(asset, key)
            os.utime(path)  # mtime is the LRU clock: atime is often disabled
        self._evict(keep=path)
        info = probe(path)
        duration = info.duration_s if asset.kind == "video" else None
        return asset.model_copy(
            update={"local_path": path, "width": info.width, "height": info.height, "duration_s": duration}
        )

    def _lookup(self, key: str) -> Path | None:
        ref = self.root / "refs" / key
        if not ref.is_file():
            return None
        path = self.root / ref.read_text(encoding="utf-8").strip()
        if path.is_file():
            return path
        ref.unlink(missing_ok=True)  # evicted since
        return None

    def _download(self, asset: MediaAsset, key: str) -> Path:
        partial = self.root / "partial" / f"{key}.part"
        http = self.http_for(asset.provider)
        for _ in range(http.attempts):
            try:
                self._transfer(http, asset.source_url, partial)
                break
            except (httpx.TransportError, httpx.StreamError):
                continue  # dropped mid-body: the next try resumes from what arrived
        else:
            raise ProviderError(asset.provider, f"download of {asset.asset_id} kept breaking off")
        _verify(partial, asset)
        digest = _sha256(partial)
        relative = Path("objects") / digest[:2] / f"{digest}{_suffix(asset)}"
        (self.root / relative).parent.mkdir(parents=True, exist_ok=True)
        os.replace(partial, self.root / relative)
        ref_tmp = self.root / "refs" / f".{key}.{os.getpid()}"
        ref_tmp.write_text(str(relative), encoding="utf-8")
        os.replace(ref_tmp, self.root / "refs" / key)
        return self.root / relative

    def _transfer(self, http: ProviderHttp, url: str, partial: Path) -> None:
        have = partial.stat().st_size if partial.exists() else 0
        headers = {"Range": f"bytes={have}-"} if have else None
        try:
            with http.stream(url, headers=headers) as response:
                resumed = response.status_code == 206 and response.headers.get("Content-Range", "").startswith(
                    f"bytes {have}-"
                )
                with partial.open("ab" if resumed else "wb") as out:
                    for chunk in response.iter_bytes(CHUNK_BYTES):
                        out.write(chunk)
        except ProviderError as exc:
            if exc.status == RANGE_NOT_SATISFIABLE and have:
                return  # the partial file already holds every byte
            raise

    def _evict(self, *, keep: Path) -> None:
        """Delete least recently used objects until the cache fits `max_bytes` (never the one just fetched)."""
        with self._lock("evict"):
            files = sorted((p for p in (self.root / "objects").rglob("*") if p.is_file()), key=_mtime)
            total = sum(p.stat().st_size for p in files)
            for path in files:
                if total <= self.max_bytes:
                    break
                if path == keep:
                    continue
                total -= path.stat().st_size
                path.unlink(missing_ok=True)

    @contextlib.contextmanager
    def _lock(self, name: str) -> Iterator[None]:
        with (self.root / "locks" / f"{name}.lock").open("a") as handle:
            fcntl.flock(handle, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(handle, fcntl.LOCK_UN)


def _verify(path: Path, asset: MediaAsset) -> None:
    """ffmpeg must decode a frame; a truncated or HTML-instead-of-video download is thrown away."""
    try:
        run_ffmpeg(["-v", "error", "-i", str(path), "-frames:v", "1", "-f", "null", "-"], timeout_s=60, what="decode")
        probe(path)
    except (ComposeError, MediaError):
        path.unlink(missing_ok=True)
        raise MediaError(f"{asset.provider} {asset.asset_id}: the download does not decode as media") from None


def _suffix(asset: MediaAsset) -> str:
    suffix = Path(urlparse(asset.source_url).path).suffix.lower()
    if suffix in KNOWN_SUFFIXES:
        return suffix
    return ".mp4" if asset.kind == "video" else ".jpg"


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _mtime(path: Path) -> float:
    try:
        return path.stat().st_mtime
    except FileNotFoundError:
        return 0.0
