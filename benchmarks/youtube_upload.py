"""Resumable upload to the fake YouTube server on loopback: chunk size vs throughput, and the cost of a cut.

Measures our client's overhead per chunk (loopback has no real network cost) and shows that a connection cut
halfway re-sends no confirmed byte. Usage: .venv/bin/python benchmarks/youtube_upload.py [size_mb]
"""

import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from services.publish.youtube import YouTubePublisher  # noqa: E402
from services.publish.youtube_auth import load_credentials  # noqa: E402
from tests.fakes.videos import rendered_video, timeline  # noqa: E402
from tests.fakes.youtube import serve_fake_youtube  # noqa: E402

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


if __name__ == "__main__":
    main()
