"""Retention of what runs leave on disk: renders, narration, generated images and Prefect result records.

Policy (docs/operations.md): a *unit* is one render folder, or the files of one flat folder sharing a stem (a
narration's .wav and .json, a card's .png and .txt, one result record). A unit used within the grace period is never
deleted: that is what keeps an active run's files, since everything a run writes is new and everything it reuses
from an earlier run is marked used (`mark_used`) when reused. Older units go when they are older than the age cap,
then least recently used first while the folders together exceed the size cap. A file that is also a published
video (a hard link) frees nothing and counts nothing. One collection at a time (an flock); the download cache has
its own LRU cap and is not touched here.
"""

import contextlib
import fcntl
import logging
import os
import shutil
import stat
import time
from collections.abc import Iterable, Iterator
from pathlib import Path

from pydantic import BaseModel

from services.settings import Settings

log = logging.getLogger(__name__)


class RetentionPolicy(BaseModel):
    max_age_s: float
    max_bytes: int
    grace_s: float

    @classmethod
    def from_settings(cls, settings: Settings) -> "RetentionPolicy":
        return cls(
            max_age_s=settings.retention_days * 86400,
            max_bytes=settings.work_max_bytes,
            grace_s=settings.retention_grace_s,
        )


class Unit(BaseModel):
    """Files deleted together; `size` counts only bytes that deleting them frees."""

    kind: str
    paths: list[Path]
    size: int
    last_used: float


class Collection(BaseModel):
    """What one collection removed (or would remove, in a dry run) and what it kept."""

    dry_run: bool
    removed: list[Unit] = []
    kept: int = 0
    kept_recent: int = 0
    bytes_before: int = 0
    skipped_busy: bool = False

    @property
    def freed_bytes(self) -> int:
        return sum(unit.size for unit in self.removed)


def retained_folders(settings: Settings) -> dict[str, Path]:
    """The folders under this policy, by kind."""
    return {
        "renders": settings.work_dir / "renders",
        "narration": settings.work_dir / "narration",
        "generated": settings.cache_dir / "generated",
        "images": settings.cache_dir / "images",
        "results": settings.results_path,
    }


def collect(settings: Settings, *, dry_run: bool = False, now: float | None = None) -> Collection:
    """Apply the policy of `settings` to its folders; skipped (skipped_busy) while another collection runs."""
    policy = RetentionPolicy.from_settings(settings)
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    with _exclusive(settings.data_dir / ".gc.lock") as acquired:
        if not acquired:
            return Collection(dry_run=dry_run, skipped_busy=True)
        units = [unit for kind, folder in retained_folders(settings).items() for unit in _units(kind, folder)]
        return _apply(units, policy, dry_run=dry_run, now=time.time() if now is None else now)


def mark_used(paths: Iterable[Path], *, under: Path | None = None) -> None:
    """Mark reused files as just used (their mtime), so no collection deletes them under a running run.

    With `under`, only files inside that folder are touched (never a user's own media files).
    """
    root = under.resolve() if under is not None else None
    for path in paths:
        if root is not None and not Path(path).resolve().is_relative_to(root):
            continue
        with contextlib.suppress(OSError):
            os.utime(path)


def _apply(units: list[Unit], policy: RetentionPolicy, *, dry_run: bool, now: float) -> Collection:
    result = Collection(dry_run=dry_run, bytes_before=sum(unit.size for unit in units))
    total = result.bytes_before
    for unit in sorted(units, key=lambda u: u.last_used):
        age = now - unit.last_used
        expired = age > policy.max_age_s or total > policy.max_bytes
        if not expired:
            result.kept += 1
        elif age <= policy.grace_s:
            result.kept_recent += 1
        elif dry_run or _remove(unit, not_used_since=now - policy.grace_s):
            result.removed.append(unit)
            total -= unit.size
        else:
            result.kept_recent += 1
    return result


def _units(kind: str, folder: Path) -> list[Unit]:
    """One unit per sub-folder and per stem of the folder's files (hidden files, such as partials, alone)."""
    if not folder.is_dir():
        return []
    groups: dict[str, list[Path]] = {}
    for entry in folder.iterdir():
        key = entry.name if entry.name.startswith(".") or entry.is_dir() else entry.name.split(".", 1)[0]
        groups.setdefault(key, []).append(entry)
    measured = (_measure(kind, sorted(paths)) for paths in groups.values())
    return [unit for unit in measured if unit is not None]


def _measure(kind: str, paths: list[Path]) -> Unit | None:
    """The unit of `paths` (folders with their contents), or None when they are all gone."""
    size, last_used, found = 0, 0.0, False
    for path in paths:
        for item in [path, *(path.rglob("*") if path.is_dir() and not path.is_symlink() else [])]:
            try:
                info = item.lstat()
            except OSError:
                continue  # deleted meanwhile
            found = True
            last_used = max(last_used, info.st_mtime)
            if stat.S_ISREG(info.st_mode) and info.st_nlink == 1:  # a hard-linked published video frees nothing
                size += info.st_size
    return Unit(kind=kind, paths=paths, size=size, last_used=last_used) if found else None


def _remove(unit: Unit, *, not_used_since: float) -> bool:
    """Delete the unit unless it was used since it was measured (a run reused it meanwhile)."""
    current = _measure(unit.kind, unit.paths)
    if current is None or current.last_used > not_used_since:
        return False
    for path in unit.paths:
        if path.is_dir() and not path.is_symlink():
            shutil.rmtree(path, ignore_errors=True)
        else:
            path.unlink(missing_ok=True)
    log.info("retention: removed %s (%d bytes, last used %s)", unit.paths[0], unit.size, time.ctime(unit.last_used))
    return True


@contextlib.contextmanager
def _exclusive(lock_path: Path) -> Iterator[bool]:
    with lock_path.open("a") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            yield False
            return
        try:
            yield True
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)
