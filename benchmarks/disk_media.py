"""Disk and media-folder figures measured in one run: search time with hostile files present, disk per published
video, and a retention pass over many records.

    python -m benchmarks.disk_media
"""

import os
import shutil
import tempfile
import time
from pathlib import Path

from services.media.local import LocalFolderProvider
from services.models import Scene
from services.publish.local import LocalPublisher
from services.retention import collect
from services.settings import Settings
from tests.fakes.videos import rendered_video, timeline
from tests.media_checks import make_still
from tests.services.test_local_media_robust import _huge_png

SCENE = Scene(index=0, narration="...", visual_query="fox in the snow", duration_s=3)


def _search_s(folder: Path) -> float:
    provider = LocalFolderProvider(folder)
    started = time.perf_counter()
    provider.search(SCENE, aspect="16:9")
    return time.perf_counter() - started


def _used_bytes(*folders: Path) -> int:
    inodes = {
        (s.st_dev, s.st_ino): s.st_size for f in folders for p in f.rglob("*") if (s := p.lstat()) and p.is_file()
    }
    return sum(inodes.values())


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        media = root / "media"
        for i in range(20):
            make_still(media / f"fox-{chr(97 + i)}.jpg")
        _search_s(media)  # probes the files it returns (cached by path and mtime)
        clean = _search_s(media)
        os.mkfifo(media / "fox-trap.jpg")
        _huge_png(media / "fox-panorama.png")
        (media / "fox-b.json").write_text("{not json")
        hostile = _search_s(media)
        print(f"search, 20 stills (probes cached): {clean:.3f} s")
        print(f"search with a FIFO, a 16000x16000 PNG and a bad sidecar added: {hostile:.3f} s")

        video = rendered_video(root / "data" / "work" / "renders" / "k", size=20_000_000)
        LocalPublisher(root / "out").publish(video, timeline())
        used = _used_bytes(root / "data", root / "out")
        print(f"disk for one 20 MB video, render + publication: {used / 1e6:.1f} MB ({used / 20e6:.2f}x the video)")

        settings = Settings(_env_file=None, data_dir=root / "data", retention_grace_s=0, retention_days=1)
        results = settings.results_path
        results.mkdir(parents=True)
        old = time.time() - 3 * 86400
        for i in range(5000):
            (results / f"record-{i}").write_bytes(b"r" * 200)
            os.utime(results / f"record-{i}", (old, old))
        started = time.perf_counter()
        done = collect(settings)
        print(f"retention over 5000 old records: {time.perf_counter() - started:.2f} s, removed {len(done.removed)}")
        shutil.rmtree(root / "out")


if __name__ == "__main__":
    main()
