"""The contact sheet drawn by the real ffmpeg: one numbered tile per scene, cards legible at tile size."""

from services.compose.contact_sheet import PADDING, sheet_size, tile_size, write_contact_sheet
from services.ffmpeg import probe
from services.media.generated import GeneratedVisuals, card_layout
from services.models import Scene
from tests.services.compose.compose_helpers import make_timeline


def test_sheet_has_a_tile_per_scene_in_rows_of_four(make_still, make_clip, tmp_path) -> None:
    card_scene = Scene(index=4, narration="Cards stay readable on the sheet.", visual_query="q", duration_s=2)
    card = GeneratedVisuals(tmp_path / "cache").generate(card_scene, width=640, height=360, seed="sheet")
    scenes = [(make_still(f"s{i}", 400, 300, seed=i), 2.0, "Still.", None) for i in range(3)]
    scenes.append((make_clip("clip", 320, 240, fps=25, seconds=3.0), 2.0, "Clip.", None))
    scenes.append((card, 2.0, card_scene.narration, None))
    timeline = make_timeline(scenes, width=640, height=360)

    path = write_contact_sheet(timeline, tmp_path / "contact_sheet.png", timeout_s=60)

    tile_w, tile_h = tile_size(640, 360)
    assert (tile_w, tile_h) == (512, 288)
    info = probe(path)
    assert (
        (info.width, info.height)
        == sheet_size(timeline)
        == (4 * (512 + PADDING) + PADDING, 2 * (288 + PADDING) + PADDING)
    )


def test_card_phrases_stay_legible_at_tile_size() -> None:
    long_phrase = "Remarkable inventions transform daily life"
    for width, height in [(1920, 1080), (1080, 1920), (1080, 1080)]:
        tile_w, _ = tile_size(width, height)
        size = card_layout(long_phrase, width, height).text.font_size
        assert size * tile_w / width >= 14, (width, height, size)


def test_portrait_sheet_keeps_the_portrait_tiles(make_still, tmp_path) -> None:
    timeline = make_timeline([(make_still("p", 180, 320), 2.0, "Portrait.", None)], width=1080, height=1920)
    path = write_contact_sheet(timeline, tmp_path / "sheet.png", timeout_s=60)
    assert (probe(path).width, probe(path).height) == (288 + 2 * PADDING, 512 + 2 * PADDING)
