"""The S3-compatible backend (AWS S3, MinIO, moto, ...) through s3fs, the fsspec filesystem Prefect also uses.

Credentials are not settings of ours: botocore's chain reads them (AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY,
AWS_PROFILE, an instance role), so they never pass through our objects, logs or error messages.
"""

import os
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from services.storage.base import ArtifactRef, StorageError, TransferStats, is_remote_ref

SECRET_ENV = ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN")


def split_s3_url(url: str) -> tuple[str, str]:
    """'s3://bucket/some/prefix' -> ('bucket', 'some/prefix'); anything else is refused with the reason."""
    parts = urlsplit(url)
    if parts.scheme != "s3" or not parts.netloc:
        raise ValueError(f"{url!r} is not an s3://bucket/prefix URL")
    if parts.query or parts.fragment:
        raise ValueError(f"{url!r}: no query or fragment in a storage URL")
    return parts.netloc, parts.path.strip("/")


def s3fs_options(endpoint_url: str | None, region: str | None) -> dict[str, Any]:
    """The s3fs options both our store and Prefect's result storage use (no credentials: botocore's chain)."""
    client: dict[str, Any] = {}
    if endpoint_url:
        client["endpoint_url"] = endpoint_url
    if region:
        client["region_name"] = region
    return {"client_kwargs": client, "use_listings_cache": False}


class S3Store:
    """Objects under `s3://bucket/prefix/<key>`; refs are those URIs."""

    remote = True

    def __init__(self, url: str, *, endpoint_url: str | None = None, region: str | None = None) -> None:
        try:
            import s3fs
        except ImportError:
            raise StorageError("P2V_STORAGE_URL needs s3fs: pip install 'prompt-to-video[s3]'") from None

        self.bucket, self.prefix = split_s3_url(url)
        self.fs = s3fs.S3FileSystem(skip_instance_cache=True, **s3fs_options(endpoint_url, region))
        self.stats = TransferStats()

    def uri(self, key: str) -> str:
        key = key.strip("/")
        if not key or ".." in key.split("/"):
            raise StorageError(f"{key!r} is not an object key")
        return f"s3://{self.bucket}/{self.prefix}/{key}" if self.prefix else f"s3://{self.bucket}/{key}"

    def put(self, local_path: Path, key: str) -> ArtifactRef:
        uri = self.uri(key)
        size = local_path.stat().st_size
        with self._errors("store", uri):
            if self._size(uri) == size:
                return uri  # keys name their content (hashes in the names): the same bytes are there already
            started = time.monotonic()
            self.fs.put_file(str(local_path), uri)
        self._count_up(size, started)
        return uri

    def fetch(self, ref: ArtifactRef, into: Path) -> Path:
        uri = self._uri_of(ref)
        target = into / uri.removeprefix(f"s3://{self.bucket}/").lstrip("/")
        target.parent.mkdir(parents=True, exist_ok=True)
        partial = target.with_name(f".{target.name}.{os.getpid()}.partial")
        started = time.monotonic()
        with self._errors("fetch", uri):
            self.fs.get_file(uri, str(partial))
        os.replace(partial, target)
        self.stats.bytes_down += target.stat().st_size
        self.stats.seconds_down += time.monotonic() - started
        self.stats.fetches += 1
        return target

    def exists(self, ref: ArtifactRef) -> bool:
        uri = self._uri_of(ref)
        with self._errors("look up", uri):
            return self._size(uri) is not None

    def read_bytes(self, ref: ArtifactRef) -> bytes:
        uri = self._uri_of(ref)
        started = time.monotonic()
        with self._errors("read", uri):
            data: bytes = self.fs.cat_file(uri)
        self.stats.bytes_down += len(data)
        self.stats.seconds_down += time.monotonic() - started
        return data

    def write_bytes(self, data: bytes, key: str) -> ArtifactRef:
        uri = self.uri(key)
        started = time.monotonic()
        with self._errors("write", uri):
            self.fs.pipe_file(uri, data)
        self._count_up(len(data), started)
        return uri

    def delete(self, ref: ArtifactRef) -> None:
        uri = self._uri_of(ref)
        with self._errors("delete", uri):
            if self._size(uri) is not None:
                self.fs.rm_file(uri)

    def ensure_bucket(self) -> bool:
        """Create the bucket when it does not exist (a new stack's setup); True when it was created."""
        with self._errors("create bucket", f"s3://{self.bucket}"):
            if self.fs.exists(self.bucket):
                return False
            self.fs.mkdir(self.bucket)
        return True

    def _size(self, uri: str) -> int | None:
        try:
            return int(self.fs.info(uri)["size"])
        except FileNotFoundError:
            return None

    def _count_up(self, size: int, started: float) -> None:
        self.stats.bytes_up += size
        self.stats.seconds_up += time.monotonic() - started
        self.stats.puts += 1

    def _uri_of(self, ref: ArtifactRef) -> str:
        if not is_remote_ref(ref):
            raise StorageError(f"{ref} is a path on the worker that wrote it, not an object in the store")
        uri = str(ref)
        if not uri.startswith(f"s3://{self.bucket}/"):
            raise StorageError(f"{uri} is outside this worker's store (P2V_STORAGE_URL)")
        return uri

    @contextmanager
    def _errors(self, action: str, uri: str) -> Iterator[None]:
        try:
            yield
        except StorageError:
            raise
        except FileNotFoundError:
            raise StorageError(f"could not {action} {uri}: no such object") from None
        except Exception as exc:  # noqa: BLE001 - botocore/aiohttp errors have no common base; named in the message
            raise StorageError(f"could not {action} {uri}: {_redacted(f'{type(exc).__name__}: {exc}')}") from None


def _redacted(text: str) -> str:
    """The message without any credential value (some servers echo the access key id)."""
    for name in SECRET_ENV:
        value = os.environ.get(name)
        if value and len(value) >= 4:
            text = text.replace(value, "***")
    return text
