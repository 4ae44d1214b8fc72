"""An on-disk cache of provider search answers: one file per (provider, endpoint, query), reused for 24 h.

Pixabay's API terms require caching answers for 24 hours; the same holds the quota of every provider down when a
fresh run repeats the queries of the last one. The cache key and the stored entry never hold a key: parameters named
like a secret are left out of the key, and an answer that echoes a secret is not stored at all.
"""

import contextlib
import hashlib
import json
import os
import time
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

SECRET_PARAMS = frozenset({"key", "dp_apikey", "api_key", "apikey", "access_token", "token", "dp_session_id"})
DAY_S = 24 * 3600.0


class ResponseCache:
    """JSON answers under `root/<provider>/<sha256>.json`, each with the time it was stored; oldest evicted first."""

    def __init__(
        self, root: Path, *, ttl_s: float = DAY_S, max_bytes: int = 64 * 1024**2, clock: Callable[[], float] = time.time
    ) -> None:
        self.root = root
        self.ttl_s = ttl_s
        self.max_bytes = max_bytes
        self._clock = clock

    def key(self, provider: str, url: str, params: dict[str, Any] | None) -> str:
        """A digest of the provider, the URL and the query, without secret-named parameters."""
        kept = sorted((str(k), str(v)) for k, v in (params or {}).items() if str(k).lower() not in SECRET_PARAMS)
        return hashlib.sha256(json.dumps([provider, url, kept]).encode()).hexdigest()

    def get(self, provider: str, key: str) -> Any | None:
        """The stored answer when it is younger than the TTL, else None (an expired entry is deleted)."""
        path = self._path(provider, key)
        try:
            entry = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None
        if not isinstance(entry, dict) or self._clock() - float(entry.get("stored_at", 0)) >= self.ttl_s:
            path.unlink(missing_ok=True)
            return None
        return entry.get("answer")

    def put(self, provider: str, key: str, answer: Any, *, secrets: Iterable[str] = ()) -> bool:
        """Store `answer` atomically; False (nothing stored) when it contains one of `secrets`."""
        text = json.dumps({"stored_at": self._clock(), "answer": answer})
        if any(secret and secret in text for secret in secrets):
            return False
        path = self._path(provider, key)
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(f".{os.getpid()}.tmp")
        tmp.write_text(text, encoding="utf-8")
        os.replace(tmp, path)
        self._evict(keep=path)
        return True

    def _path(self, provider: str, key: str) -> Path:
        return self.root / provider / f"{key}.json"

    def _evict(self, *, keep: Path) -> None:
        """The least recently stored entries go until the cache fits `max_bytes` (never the one just stored)."""
        entries = []
        for path in self.root.glob("*/*.json"):
            with contextlib.suppress(FileNotFoundError):
                stat = path.stat()
                entries.append((stat.st_mtime, stat.st_size, path))
        total = sum(size for _, size, _ in entries)
        for _, size, path in sorted(entries):
            if total <= self.max_bytes:
                break
            if path != keep:
                path.unlink(missing_ok=True)
                total -= size
