"""A Python client of the prompt REST API (`api/prompts_rest.py`) for programs that do not reach the database.

    with PromptClient("http://127.0.0.1:8000", token) as prompts:
        storyboard = prompts.get("storyboard.system")       # fetched once, then served from memory

Prompts read with `get` are kept in memory and re-validated in a background thread every `refresh_s` seconds
(conditional requests: an unchanged prompt costs a 304 and no body). When the API or its database is down, `get`
keeps answering with the last good copy (and `is_stale` says so); it raises only for a prompt it never had.
A pinned version never changes, so it is never re-fetched.
"""

import logging
import threading
import time
from typing import Any

import httpx
from pydantic import BaseModel

from prompt_store.exceptions import PromptNotFound, PromptStoreError, VersionNotFound
from prompt_store.schemas import PromptInfo, SearchHit, VersionInfo

log = logging.getLogger(__name__)


class PromptApiUnavailable(PromptStoreError):
    """The prompt API could not answer and there is no earlier copy to fall back to."""

    def __init__(self, what: str, cause: str) -> None:
        super().__init__(f"the prompt API could not give {what} and nothing is cached: {cause}")


class _Cached(BaseModel):
    version: VersionInfo
    etag: str
    checked_at: float
    stale: bool = False


class PromptClient:
    """Cached, background-refreshed reads of prompts over HTTP with a fallback to the last good copy."""

    def __init__(
        self,
        base_url: str,
        token: str,
        *,
        refresh_s: float = 30.0,
        timeout_s: float = 5.0,
        transport: httpx.BaseTransport | None = None,
    ) -> None:
        self._http = httpx.Client(
            base_url=base_url.rstrip("/"),
            headers={"Authorization": f"Bearer {token}"},
            timeout=timeout_s,
            transport=transport,
        )
        self.refresh_s = refresh_s
        self._cache: dict[tuple[str, int | None], _Cached] = {}
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._refresher: threading.Thread | None = None

    def __enter__(self) -> "PromptClient":
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()

    def close(self) -> None:
        self._stop.set()
        if self._refresher is not None:
            self._refresher.join(timeout=self._http.timeout.read or 5.0)
        self._http.close()

    def get(self, name: str, version: int | None = None) -> VersionInfo:
        """The active version of `name` (or `version`), from memory when it was read before."""
        key = (name, version)
        with self._lock:
            cached = self._cache.get(key)
        if cached is not None:
            return cached.version
        self._refresh(key)
        self._start_refresher()
        return self._cache[key].version

    def is_stale(self, name: str, version: int | None = None) -> bool:
        """True when the last refresh of this prompt failed and `get` serves an older copy."""
        cached = self._cache.get((name, version))
        return cached is not None and cached.stale

    def list_prompts(self, *, prompt_type: str | None = None, tag: str | None = None) -> list[PromptInfo]:
        params = {key: value for key, value in (("type", prompt_type), ("tag", tag)) if value is not None}
        return [PromptInfo.model_validate(row) for row in self._json("GET", "/api/prompts/", "the list", params)]

    def search(self, query: str, *, mode: str = "hybrid", k: int = 10, all_versions: bool = False) -> list[SearchHit]:
        params = {"q": query, "mode": mode, "k": k, "all_versions": all_versions}
        return [SearchHit.model_validate(row) for row in self._json("GET", "/api/prompts/_search", "a search", params)]

    def _json(self, method: str, path: str, what: str, params: dict[str, Any]) -> Any:
        try:
            response = self._http.request(method, path, params=params)
        except httpx.TransportError as exc:
            raise PromptApiUnavailable(what, type(exc).__name__) from None
        if response.status_code >= 400:
            raise PromptApiUnavailable(what, f"HTTP {response.status_code}: {_detail(response)}")
        return response.json()

    def _refresh(self, key: tuple[str, int | None]) -> None:
        """Fetch or re-validate one prompt; on failure keep (and mark stale) the cached copy, if any."""
        name, version = key
        cached = self._cache.get(key)
        headers = {"If-None-Match": cached.etag} if cached else {}
        params = {"version": version} if version is not None else {}
        try:
            response = self._http.get(f"/api/prompts/{name}", params=params, headers=headers)
        except httpx.TransportError as exc:
            return self._fall_back(key, cached, type(exc).__name__)
        if response.status_code == 304 and cached is not None:
            self._put(key, cached.model_copy(update={"checked_at": time.monotonic(), "stale": False}))
        elif response.status_code == 200:
            self._put(key, _Cached(version=VersionInfo.model_validate(response.json()),
                                   etag=response.headers.get("ETag", ""), checked_at=time.monotonic()))  # fmt: skip
        elif response.status_code == 404 and cached is None:
            raise VersionNotFound(name, version) if version is not None else PromptNotFound(name)
        else:
            self._fall_back(key, cached, f"HTTP {response.status_code}: {_detail(response)}")

    def _fall_back(self, key: tuple[str, int | None], cached: _Cached | None, cause: str) -> None:
        if cached is None:
            raise PromptApiUnavailable(f"prompt {key[0]!r}", cause)
        log.warning("prompt API: %s; serving the copy of %s from before", cause, key[0])
        self._put(key, cached.model_copy(update={"stale": True}))

    def _put(self, key: tuple[str, int | None], entry: _Cached) -> None:
        with self._lock:
            self._cache[key] = entry

    def _start_refresher(self) -> None:
        with self._lock:
            if self._refresher is None:
                self._refresher = threading.Thread(target=self._refresh_loop, name="prompt-client-refresh", daemon=True)
                self._refresher.start()

    def _refresh_loop(self) -> None:
        while not self._stop.wait(self.refresh_s):
            with self._lock:
                keys = [key for key in self._cache if key[1] is None]  # pinned versions never change
            for key in keys:
                try:
                    self._refresh(key)
                except PromptStoreError as exc:  # e.g. the prompt was removed: keep the copy
                    log.warning("prompt API: refreshing %s failed: %s", key[0], exc)


def _detail(response: httpx.Response) -> str:
    try:
        return str(response.json().get("detail", ""))[:200]
    except ValueError:
        return response.text[:200]
