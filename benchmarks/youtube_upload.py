"""Resumable upload to the fake YouTube server on loopback: chunk size vs throughput, the cost of a cut, and the
fault drills with the videos each one created and the quota units (by the docs' cost table) one publish spent.

Measures our client's overhead per chunk (loopback has no real network cost) and shows that a connection cut
halfway re-sends no confirmed byte. Usage: .venv/bin/python benchmarks/youtube_upload.py [size_mb]
The process-level drills (SIGKILL, three concurrent processes) need Postgres: tests/tasks/test_youtube_drills.py.
"""

import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from services.models import Publication  # noqa: E402
from services.publish import publish  # noqa: E402
from services.publish.ledger import MemorySessions  # noqa: E402
from services.publish.youtube import YouTubePublisher  # noqa: E402
from services.publish.youtube_auth import load_credentials  # noqa: E402
from services.settings import Settings  # noqa: E402
from tests.fakes.videos import rendered_video, timeline  # noqa: E402
from tests.fakes.youtube import FakeYouTube, serve_fake_youtube  # noqa: E402

CHUNKS_KIB = (256, 1024, 8192)


def upload(folder: Path, size: int, chunk_kib: int, *, cut_at: int | None = None) -> tuple[float, int, int]:
    """Seconds for one publish, bytes the fake received in chunk PUTs, and bytes it got twice."""
    with serve_fake_youtube() as fake:
        settings = fake.settings(folder / "token.json", chunk_size=chunk_kib * 1024)
        publisher = YouTubePublisher(settings, load_credentials(settings), sleep=lambda s: None)
        video = rendered_video(folder / f"v{chunk_kib}", size=size, seed=chunk_kib)
        fake.cut_at = cut_at
        started = time.perf_counter()
        publisher.publish(video, timeline())
        seconds = time.perf_counter() - started
        received = sum(last - first + 1 for first, last, _ in fake.chunk_puts)
        return seconds, received, fake.resent_bytes


class MemoryLedger(MemorySessions):
    """The ledger's contract in memory (one process): enough for the in-process drills."""

    def __init__(self) -> None:
        super().__init__()
        self.recorded: dict[tuple[str, str], Publication] = {}
        self._lock = threading.Lock()

    def find(self, target: str, video_sha256: str) -> Publication | None:
        return self.recorded.get((target, video_sha256))

    def record(self, publication: Publication) -> Publication:
        self.drop_session(publication.target, publication.video_sha256)
        return self.recorded.setdefault((publication.target, publication.video_sha256), publication)

    @contextmanager
    def hold(self, target: str, video_sha256: str) -> Iterator[None]:
        with self._lock:
            yield


DRILLS: dict[str, Callable[[FakeYouTube], None]] = {
    "clean upload": lambda fake: None,
    "503 mid-chunk": lambda fake: setattr(fake, "fail_mid_chunk", (503, 700_000)),
    "dropped connection mid-chunk": lambda fake: setattr(fake, "cut_at", 900_000),
    "short Range (100 kB unacknowledged)": lambda fake: setattr(fake, "short_ack", 100_000),
    "expired session (404, new session)": lambda fake: setattr(fake, "expire_after", 2),
    "lost final response": lambda fake: setattr(fake, "cut_after_complete", True),
}


def drills(folder: Path) -> None:
    print("drill                                 videos  inserts  quota units  chunk PUTs")
    for name, arm in DRILLS.items():
        with serve_fake_youtube() as fake:
            settings = Settings(_env_file=None, youtube=fake.settings(folder / "token.json"))
            arm(fake)
            video = rendered_video(folder / "drill", size=2_000_000, seed=len(name))
            publish(video, timeline(), target="youtube", settings=settings, ledger=MemoryLedger)
            inserts = fake.quota_calls.count("videos.insert")
            print(f"{name:<38}{fake.completed_uploads:>6}{inserts:>9}{fake.quota_used:>13}{len(fake.chunk_puts):>12}")
    print("quota of one publish = channels.list 1 + playlistItems.list 1 + videos.insert 1600 + thumbnails.set 50")


def main() -> None:
    size = int(float(sys.argv[1]) * 1_000_000) if len(sys.argv) > 1 else 64_000_000
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        upload(folder, 1_000_000, 256)  # warm up imports and the discovery document
        times = {kib: upload(folder, size, kib)[0] for kib in CHUNKS_KIB}
        print(f"upload of {size / 1e6:.0f} MB to the loopback fake (one run each):")
        for kib, seconds in times.items():
            ratio = seconds / times[CHUNKS_KIB[-1]]
            rate = size / 1e6 / seconds
            print(f"  chunk {kib:>5} KiB: {seconds:6.2f} s, {rate:7.1f} MB/s, {ratio:.2f}x the 8 MiB time")
        seconds, received, resent = upload(folder, size, 8192, cut_at=size // 2 + 12345)
        print(
            f"cut at 50% (8 MiB chunks): {seconds:.2f} s ({seconds / times[8192]:.2f}x the clean upload); "
            f"declared chunk bytes / file size = {received / size:.3f} (incl. the cut chunk); "
            f"confirmed bytes sent twice = {resent}"
        )
        drills(folder)


if __name__ == "__main__":
    main()
