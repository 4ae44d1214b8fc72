"""Artifact storage every worker reaches: a local folder (default) or an S3-compatible bucket (docs/storage.md)."""

from services.settings import Settings
from services.storage.base import ArtifactRef, ArtifactStore, StorageError, TransferStats, is_remote_ref
from services.storage.local import LocalStore
from services.storage.refs import by_content, fetched, in_folder, refs_in, scratch, stored

__all__ = [
    "ArtifactRef",
    "ArtifactStore",
    "LocalStore",
    "StorageError",
    "TransferStats",
    "build_store",
    "by_content",
    "fetched",
    "in_folder",
    "is_remote_ref",
    "refs_in",
    "scratch",
    "stored",
]

_stores: dict[tuple[str | None, str | None, str | None, str], ArtifactStore] = {}


def build_store(settings: Settings) -> ArtifactStore:
    """The store of P2V_STORAGE_URL (s3://bucket/prefix), else the local data folder; one per configuration."""
    key = (settings.storage_url, settings.s3_endpoint_url, settings.s3_region, str(settings.data_dir))
    if key not in _stores:
        _stores[key] = _new_store(settings)
    return _stores[key]


def _new_store(settings: Settings) -> ArtifactStore:
    if settings.storage_url is None:
        return LocalStore(settings.data_dir)
    from services.storage.s3 import S3Store

    return S3Store(settings.storage_url, endpoint_url=settings.s3_endpoint_url, region=settings.s3_region)
