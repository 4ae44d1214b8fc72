"""One bad file in the media folder costs that file only: it is skipped with a warning naming it."""

import json
import logging
import os
import struct
import zlib
from pathlib import Path

import ffmpeg
import pytest

from services.ffmpeg import ffmpeg_exe, literal_input, probe
from services.media.image_header import image_size
from services.media.local import LocalFolderProvider
from services.models import Scene
from tests.media_checks import make_clip, make_still


def _scene(query: str) -> Scene:
    return Scene(index=0, narration="...", visual_query=query, duration_s=3)


def _found(provider: LocalFolderProvider, query: str) -> list[str]:
    return [a.local_path.name for a in provider.search(_scene(query), aspect="16:9")]


def _huge_png(path: Path, side: int = 16000) -> Path:
    """A valid 1-bit greyscale PNG of side x side pixels: a few KB on disk, a gigabyte once decoded to RGB."""
    row = b"\x00" + bytes((side + 7) // 8)
    compressor = zlib.compressobj(9)
    data = b"".join(compressor.compress(row) for _ in range(side)) + compressor.flush()

    def chunk(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))

    header = struct.pack(">IIBBBBB", side, side, 1, 0, 0, 0, 0)
    path.write_bytes(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", data) + chunk(b"IEND", b""))
    return path


def test_special_files_are_skipped_without_being_opened(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    os.mkfifo(tmp_path / "fox-in-snow.jpg")  # opening it would block until a writer comes
    os.mkfifo(tmp_path / "fox-running.mp4")
    make_still(tmp_path / "fox-in-the-snow-field.jpg")
    make_still(tmp_path / "fox-cub.jpg")
    os.mkfifo(tmp_path / "fox-cub.txt")  # a FIFO sidecar is never read either
    (tmp_path / "fox-den.jpg").symlink_to("/dev/zero")
    provider = LocalFolderProvider(tmp_path)

    with caplog.at_level(logging.WARNING, logger="services.media.local"):
        assert _found(provider, "fox in the snow") == ["fox-in-the-snow-field.jpg"]
    skipped = {path.name: reason for path, reason in provider.skipped.items()}
    assert set(skipped) == {"fox-in-snow.jpg", "fox-running.mp4", "fox-cub.jpg", "fox-den.jpg"}
    assert "not a regular file" in skipped["fox-in-snow.jpg"] and "not a regular file" in skipped["fox-den.jpg"]
    assert skipped["fox-cub.jpg"].startswith("sidecar fox-cub.txt: not a regular file")
    assert "fox-in-snow.jpg" in caplog.text and "fox-running.mp4" in caplog.text


@pytest.mark.parametrize(
    "sidecar",
    ['{"keywords": ["robot", ', '["robot"]', '{"keywords": "robot"}', '{"description": 5}', b"\xff\xfe{}"],
)
def test_a_malformed_sidecar_skips_its_file_only(
    tmp_path: Path, caplog: pytest.LogCaptureFixture, sidecar: str | bytes
) -> None:
    make_still(tmp_path / "IMG_0001.jpg")
    path = tmp_path / "IMG_0001.json"
    path.write_bytes(sidecar if isinstance(sidecar, bytes) else sidecar.encode())
    make_still(tmp_path / "IMG_0002.jpg")
    (tmp_path / "IMG_0002.json").write_text(json.dumps({"keywords": ["robot", "laboratory"]}))
    provider = LocalFolderProvider(tmp_path)

    with caplog.at_level(logging.WARNING, logger="services.media.local"):
        assert _found(provider, "robot in a laboratory") == ["IMG_0002.jpg"]
    [(skipped, reason)] = provider.skipped.items()
    assert skipped.name == "IMG_0001.jpg" and reason.startswith("sidecar IMG_0001.json is malformed")
    assert "IMG_0001.jpg" in caplog.text


def test_an_image_over_the_pixel_cap_is_skipped_from_its_header(tmp_path: Path) -> None:
    huge = _huge_png(tmp_path / "mountain-panorama.png")
    assert huge.stat().st_size < 1_000_000 and image_size(huge) == (16000, 16000)
    make_still(tmp_path / "mountain-lake.png", size="800x600")
    provider = LocalFolderProvider(tmp_path)

    assert _found(provider, "mountain panorama") == ["mountain-lake.png"]
    assert provider.skipped == {huge: "16000x16000 is more than 40,000,000 pixels"}
    assert _found(LocalFolderProvider(tmp_path, max_pixels=256 * 10**6), "mountain panorama")[0] == huge.name


def test_a_video_over_the_pixel_cap_is_skipped(tmp_path: Path) -> None:
    make_clip(tmp_path / "ocean-waves.mp4", size="320x240")
    provider = LocalFolderProvider(tmp_path, max_pixels=320 * 240 - 1)
    assert _found(provider, "ocean waves") == []
    assert provider.skipped[tmp_path / "ocean-waves.mp4"] == "320x240 is more than 76,799 pixels"


@pytest.mark.parametrize("suffix", [".png", ".jpg", ".webp", ".bmp"])
def test_header_sizes_match_what_ffmpeg_reads(tmp_path: Path, suffix: str) -> None:
    path = make_still(tmp_path / f"still{suffix}", size="123x45")
    assert image_size(path) == (123, 45) == (probe(path).width, probe(path).height)


def test_a_percent_d_name_is_that_file_not_an_image_sequence(tmp_path: Path) -> None:
    literal = tmp_path / "lighthouse%d.png"
    make_still(tmp_path / "source.png", size="96x64", colour="blue").rename(literal)
    make_still(tmp_path / "lighthouse1.png", size="32x32")  # what `lighthouse%d.png` means as a pattern
    [asset] = LocalFolderProvider(tmp_path).search(_scene("lighthouse"), aspect="16:9")
    assert asset.local_path == literal and (asset.width, asset.height) == (96, 64)

    out = tmp_path / "frame.png"  # the composer opens stills the same way
    stream = ffmpeg.input(str(literal), **literal_input(literal)).output(str(out), frames=1, update=1)
    stream.run(cmd=ffmpeg_exe(), quiet=True)
    assert image_size(out) == (96, 64)
    assert literal_input(tmp_path / "plain.png") == {}  # other names keep content probing
