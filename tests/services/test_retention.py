"""Retention: old work files, narration, generated images and result records go; what a run uses stays."""

import os
import threading
import time
from pathlib import Path

import pytest
from prefect.filesystems import LocalFileSystem
from prefect.results import ResultStore

from services.models import RenderedVideo
from services.retention import collect, mark_used
from services.settings import Settings

DAY = 86400.0
NOW = time.time()


def _settings(tmp_path: Path, **overrides: object) -> Settings:
    return Settings(_env_file=None, data_dir=tmp_path / "data", output_dir=tmp_path / "out", **overrides)


def _write(path: Path, size: int = 1000, *, age_s: float = 0.0) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(b"x" * size)
    _age(path, age_s)
    return path


def _age(path: Path, age_s: float) -> None:
    for item in [path, *(path.rglob("*") if path.is_dir() else [])]:
        os.utime(item, (NOW - age_s, NOW - age_s))


def _render(settings: Settings, key: str, *, age_s: float, size: int = 1000) -> Path:
    folder = settings.work_dir / "renders" / key
    for name in ("video.mp4", "thumbnail.jpg", "captions.srt"):
        _write(folder / name, size)
    _age(folder, age_s)
    return folder


def _remaining(settings: Settings) -> set[str]:
    roots = [settings.work_dir / "renders", settings.work_dir / "narration", settings.cache_dir / "generated"]
    roots.append(settings.results_path)
    return {p.name for root in roots if root.is_dir() for p in root.iterdir()}


def test_old_files_of_every_kind_go_and_an_active_runs_files_stay(tmp_path: Path) -> None:
    settings = _settings(tmp_path)
    _render(settings, "old", age_s=10 * DAY)
    narration = settings.work_dir / "narration"
    _write(narration / "scene-00-abc-x1.00.wav", age_s=10 * DAY)
    _write(narration / "scene-00-abc-x1.00.json", age_s=10 * DAY)
    _write(settings.cache_dir / "generated" / "f00d.png", age_s=10 * DAY)
    _write(settings.cache_dir / "generated" / "f00d.txt", age_s=10 * DAY)
    _write(settings.results_path / "0123abcd", age_s=10 * DAY)
    # an active run: its render folder is being written now, its narration is an old file it reuses
    active = _render(settings, "active", age_s=0)
    partial = _write(active / ".video.host-1.partial.mp4")
    _write(narration / "scene-01-def-x1.00.wav", age_s=10 * DAY)
    stop = threading.Event()
    writer = threading.Thread(target=_keep_writing, args=(partial, stop))
    writer.start()
    mark_used([narration / "scene-01-def-x1.00.wav"])  # what a cache hit does (see test below)
    try:
        dry = collect(settings, dry_run=True, now=NOW)
        removed = {p.name for u in dry.removed for p in u.paths}
        assert removed == {
            "old",
            "scene-00-abc-x1.00.wav",
            "scene-00-abc-x1.00.json",
            "f00d.png",
            "f00d.txt",
            "0123abcd",
        }
        assert (settings.work_dir / "renders" / "old").is_dir()  # a dry run deletes nothing

        done = collect(settings, now=NOW)
    finally:
        stop.set()
        writer.join()
    assert _remaining(settings) == {"active", "scene-01-def-x1.00.wav"}
    assert partial.is_file() and (active / "video.mp4").is_file()
    assert done.freed_bytes == 3000 + 2000 + 2000 + 1000 and len(done.removed) == 4


def _keep_writing(path: Path, stop: threading.Event) -> None:
    with path.open("ab") as handle:
        while not stop.wait(0.01):
            handle.write(b"frame")
            handle.flush()


def test_size_cap_removes_least_recently_used_first_but_never_within_grace(tmp_path: Path) -> None:
    settings = _settings(tmp_path, work_max_bytes=2000, retention_grace_s=3600)
    for key, age in (("a", 3 * DAY), ("b", 2 * DAY), ("c", 1 * DAY)):
        _render(settings, key, age_s=age, size=1000)  # 3000 bytes each, all younger than 7 days
    _render(settings, "fresh", age_s=60, size=1000)

    done = collect(settings, now=NOW)

    assert [u.paths[0].name for u in done.removed] == ["a", "b", "c"]
    assert _remaining(settings) == {"fresh"}  # still over the cap, but used within the grace period
    assert done.kept_recent == 1 and done.bytes_before == 12000


def test_a_hard_linked_published_video_is_kept_and_frees_nothing(tmp_path: Path) -> None:
    settings = _settings(tmp_path)
    render = _render(settings, "old", age_s=10 * DAY, size=5000)
    published = tmp_path / "out" / "title-abc" / "video.mp4"
    published.parent.mkdir(parents=True)
    os.link(render / "video.mp4", published)

    done = collect(settings, now=NOW)

    assert not render.exists() and published.read_bytes() == b"x" * 5000
    assert done.freed_bytes == 2 * 5000  # thumbnail and captions; the video's bytes live on as the publication


def test_one_collection_at_a_time(tmp_path: Path) -> None:
    import fcntl

    settings = _settings(tmp_path)
    _render(settings, "old", age_s=10 * DAY)
    with (settings.data_dir / ".gc.lock").open("a") as held:
        fcntl.flock(held, fcntl.LOCK_EX)
        assert collect(settings, now=NOW).skipped_busy
    assert collect(settings, now=NOW).removed


def test_a_cache_hit_marks_the_record_and_its_files_as_used(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from types import SimpleNamespace

    from prefect.cache_policies import CacheKeyFnPolicy

    from services.compose.render import file_sha256
    from services.settings import get_settings
    from tasks.resume import IntactInputs

    monkeypatch.setenv("P2V_DATA_DIR", str(tmp_path / "data"))
    get_settings.cache_clear()
    settings = get_settings()
    render = _render(settings, "k1", age_s=0, size=100)
    video = RenderedVideo(
        path=render / "video.mp4", duration_s=1, width=2, height=2, sha256=file_sha256(render / "video.mp4"),
        thumbnail_path=render / "thumbnail.jpg",
    )  # fmt: skip
    store = ResultStore(result_storage=LocalFileSystem(basepath=str(settings.results_path)))
    store.write(video, key="k")
    _age(render, 10 * DAY)
    _age(settings.results_path / "k", 10 * DAY)

    policy = IntactInputs(base=CacheKeyFnPolicy(cache_key_fn=lambda ctx, inputs: "k"))
    assert policy.compute_key(task_ctx=SimpleNamespace(result_store=store), inputs={}, flow_parameters={}) == "k"
    done = collect(settings, now=time.time())

    assert done.removed == [] and (render / "video.mp4").is_file() and (settings.results_path / "k").is_file()
    get_settings.cache_clear()


def test_reused_files_outside_the_data_folder_are_never_touched(tmp_path: Path) -> None:
    own = _write(tmp_path / "media" / "holiday.jpg", age_s=10 * DAY)
    mark_used([own], under=tmp_path / "data")
    assert own.stat().st_mtime == pytest.approx(NOW - 10 * DAY)


def test_retention_settings_do_not_change_cache_keys(tmp_path: Path) -> None:
    from tasks.resume import settings_fingerprint

    default = settings_fingerprint(_settings(tmp_path))
    other = settings_fingerprint(_settings(tmp_path, retention_days=1, work_max_bytes=10, retention_grace_s=0))
    assert default == other and "retention_days" not in default
    assert settings_fingerprint(_settings(tmp_path, media_max_pixels=10)) != default  # that one changes what is found
