"""Thumbnails drawn by the real ffmpeg: 1280x720 JPEG under 2 MB, the best scene, the title on a band."""

import subprocess
from pathlib import Path

import numpy as np
import pytest

from services.compose.thumbnail import HEIGHT, MAX_BYTES, WIDTH, thumbnail_clip, write_thumbnail
from services.ffmpeg import ffmpeg_exe, probe
from services.media.generated import GeneratedVisuals
from services.models import Scene
from tests.services.compose.compose_helpers import make_timeline

BLUE = (0x30, 0x60, 0xA0)


def pixels(path: Path) -> np.ndarray:
    done = subprocess.run(
        [ffmpeg_exe(), "-v", "error", "-i", str(path), "-f", "rawvideo", "-pix_fmt", "rgb24", "-"],
        capture_output=True,
        check=True,
        timeout=60,
    )
    return np.frombuffer(done.stdout, np.uint8).reshape(HEIGHT, WIDTH, 3).astype(int)


def near(pixel: np.ndarray, colour: tuple[int, int, int], tolerance: int = 24) -> bool:
    return bool(np.abs(pixel - np.array(colour)).max() <= tolerance)


@pytest.mark.parametrize("size", [(640, 360), (360, 640)])
def test_thumbnail_is_a_titled_1280x720_jpeg_of_the_best_scene(size, make_still, make_clip, tmp_path) -> None:
    width, height = size
    plain = make_still("plain", width, height, color="0x3060a0")
    plain.score = 0.9
    other = make_clip("other", 320, 240, fps=25, seconds=1.0)
    other.score = 0.4
    timeline = make_timeline(
        [(other, 1.5, "A clip.", None), (plain, 1.5, "The best.", None)], width=width, height=height
    )
    timeline.title = '100% "real" {x} \\ y: the title'

    path = write_thumbnail(timeline, tmp_path / "thumbnail.jpg", timeout_s=60)

    assert path.read_bytes()[:2] == b"\xff\xd8", "a JPEG"
    assert path.stat().st_size < MAX_BYTES
    info = probe(path)
    assert (info.width, info.height) == (WIDTH, HEIGHT)
    image = pixels(path)
    assert near(image[100, WIDTH // 2], BLUE), "the best-scored scene (plain blue), not the first one"
    title_rows = image[int(HEIGHT * 0.5) : int(HEIGHT * 0.9)]
    assert (title_rows.min(axis=2) > 230).sum() > 2000, "white title letters"
    assert title_rows.mean() < image[: int(HEIGHT * 0.3)].mean(), "the band darkens the title's rows"
    assert not (tmp_path / "thumbnail.txt").exists()
    if height > width:
        side = image[100, 60]
        assert side.sum() < image[100, WIDTH // 2].sum() * 0.9, "the fill beside a portrait frame is dimmed"
        assert not near(image[100, 60], (0, 0, 0), 10), "the fill is the frame itself, not black bars"


def test_a_video_of_cards_gets_the_card_background_and_its_title(tmp_path) -> None:
    visuals = GeneratedVisuals(tmp_path / "cache")
    scenes = [Scene(index=i, narration=f"Scene number {i} speaks.", visual_query="q", duration_s=2) for i in range(2)]
    cards = [visuals.generate(s, width=640, height=360, seed="Kyoto in autumn") for s in scenes]
    timeline = make_timeline(
        [(c, 2.0, s.narration, None) for c, s in zip(cards, scenes, strict=True)], width=640, height=360
    )
    timeline.title = "Kyoto in autumn"

    assert thumbnail_clip(timeline) is timeline.clips[0]
    path = write_thumbnail(timeline, tmp_path / "thumbnail.jpg", timeout_s=60)
    assert (probe(path).width, probe(path).height) == (WIDTH, HEIGHT)
    image = pixels(path)
    upper = image[: int(HEIGHT * 0.45)]
    assert (upper.min(axis=2) > 200).sum() == 0, "the card's own phrase is left out: only the title is drawn"
