"""Generated cards rendered by the real ffmpeg: the phrase inside the safe area, literal text, Cyrillic, wrapping."""

import subprocess
from pathlib import Path

import ffmpeg
import numpy as np
import pytest

from services.compose.card_art import card_background, palette_for
from services.compose.fonts import BOLD_FONT
from services.compose.text_layout import font_metrics
from services.ffmpeg import ffmpeg_exe, run_ffmpeg
from services.media.card_phrase import card_phrase
from services.media.generated import GeneratedVisuals, card_layout, safe_box
from services.models import Scene

SEED = "A video about cards"
INK = 60
"""A pixel differing from the bare background by more than this (in any channel) carries text."""


def scene(narration: str, index: int = 1) -> Scene:
    return Scene(index=index, narration=narration, visual_query="ai wide establishing shot", duration_s=3)


def rgb(path: Path, width: int, height: int) -> np.ndarray:
    done = subprocess.run(
        [ffmpeg_exe(), "-v", "error", "-i", str(path), "-frames:v", "1", "-f", "rawvideo", "-pix_fmt", "rgb24", "-"],
        capture_output=True,
        check=True,
        timeout=60,
    )
    return np.frombuffer(done.stdout, np.uint8).reshape(height, width, 3)


def ink(card: Path, index: int, width: int, height: int) -> np.ndarray:
    """Where the card differs from its own background drawn without text (True = text, number or accent)."""
    bare = card.with_name(f"bare-{card.name}")
    args = ffmpeg.output(card_background(width, height, palette_for(SEED, index)), str(bare), vframes=1).get_args()
    run_ffmpeg(args, timeout_s=60, what="drawing a bare background")
    background = rgb(bare, width, height)
    drawn = rgb(card, width, height)
    return np.abs(drawn.astype(int) - background.astype(int)).max(axis=2) > INK


def bbox(mask: np.ndarray) -> tuple[int, int, int, int]:
    rows, cols = np.where(mask.any(axis=1))[0], np.where(mask.any(axis=0))[0]
    return int(cols.min()), int(rows.min()), int(cols.max()), int(rows.max())


@pytest.mark.parametrize("size", [(1920, 1080), (1080, 1920), (1080, 1080)])
def test_card_text_stays_inside_the_safe_area(size: tuple[int, int], tmp_path: Path) -> None:
    width, height = size
    narration = "Remarkable inventions transform daily life around us, they say."
    asset = GeneratedVisuals(tmp_path).generate(scene(narration), width=width, height=height, seed=SEED)

    mask = ink(asset.local_path, 1, width, height)
    x0, y0, x1, y1 = bbox(mask)
    box = safe_box(width, height)
    assert box[0] <= x0 and box[1] <= y0 and x1 <= box[2] and y1 <= box[3], ((x0, y0, x1, y1), box)
    assert mask.sum() > width * height * 0.01, "the phrase is drawn large"
    if height > width:
        assert y1 < 0.8 * height and x1 < 0.85 * width, "clear of the app's buttons and of the captions"
    lines = asset.local_path.with_suffix(".txt").read_text(encoding="utf-8").split("\n")
    assert 1 < len(lines) <= 3, lines
    assert " ".join(lines) == card_phrase(narration)


def test_text_is_drawn_literally_and_kept_beside_the_card(tmp_path: Path) -> None:
    narration = "50% discounts \\ {x} \"q\": 'b'"
    asset = GeneratedVisuals(tmp_path).generate(scene(narration), width=640, height=360, seed=SEED)

    drawn = asset.local_path.with_suffix(".txt").read_text(encoding="utf-8")
    assert " ".join(drawn.split("\n")) == "50% discounts \\ {x} \"q\": 'b'" == card_phrase(narration)
    assert ink(asset.local_path, 1, 640, 360).sum() > 500


def test_cyrillic_phrase_renders_every_line(tmp_path: Path) -> None:
    narration = "История искусственного интеллекта началась задолго до того, как она стала популярной."
    asset = GeneratedVisuals(tmp_path).generate(scene(narration), width=1080, height=1080, seed=SEED)

    phrase = card_phrase(narration)
    assert phrase == "История искусственного интеллекта началась"
    metrics = font_metrics(BOLD_FONT)
    assert all(metrics.has_glyph(ch) for ch in phrase if not ch.isspace()), "no character falls back to tofu"
    layout = card_layout(phrase, 1080, 1080, index=1)
    mask = ink(asset.local_path, 1, 1080, 1080)
    for number, _ in enumerate(layout.text.lines):
        top = layout.text_y + number * layout.text.line_height
        band = mask[top : top + layout.text.line_height, layout.text_x : layout.box[2]]
        assert band.sum() > layout.text.font_size**2, f"line {number} has no ink"


def test_long_phrases_wrap_into_three_lines_at_most() -> None:
    phrase = "Unbelievably comprehensive internationalization documentation everywhere"
    for width, height in [(1920, 1080), (1080, 1920), (1080, 1080)]:
        layout = card_layout(phrase, width, height, index=1)
        x0, y0, x1, y1 = layout.box
        assert len(layout.text.lines) <= 3
        drawn = " ".join(layout.text.lines)
        assert drawn == phrase or (drawn.endswith("…") and phrase.startswith(drawn[:-1])), drawn
        assert layout.text_x + layout.text.width <= x1 and layout.text_y + layout.text.height <= y1
        assert layout.number_y >= y0 and layout.text.font_size >= 0.05 * min(width, height)


def test_cards_are_deterministic_per_video_and_scene(tmp_path: Path) -> None:
    visuals = GeneratedVisuals(tmp_path)
    first = visuals.generate(scene("Kyoto glows in autumn."), width=320, height=180, seed=SEED)
    again = visuals.generate(scene("Kyoto glows in autumn."), width=320, height=180, seed=SEED)
    other_scene = visuals.generate(scene("Kyoto glows in autumn.", index=2), width=320, height=180, seed=SEED)
    other_video = visuals.generate(scene("Kyoto glows in autumn."), width=320, height=180, seed="Another video")

    assert first == again
    assert len({first.asset_id, other_scene.asset_id, other_video.asset_id}) == 3
    assert palette_for(SEED, 1) != palette_for(SEED, 2) != palette_for("Another video", 1)


def test_phrase_comes_from_the_narration_never_the_visual_query() -> None:
    assert card_phrase("Let's talk about artificial intelligence.") == "Let's talk about artificial intelligence"
    assert card_phrase("At its core, AI is simpler than it first appears.") == "AI is simpler"
    assert card_phrase("The biggest benefit of AI is the time and effort it saves.") == "The biggest benefit of AI"
    assert card_phrase("По сути, ИИ — это проще, чем кажется.") == "ИИ — это проще"
    assert card_phrase("", fallback="My  title") == "My title"
    for narration in ["Here is how the engine of the car works in the cold.", "Today it shows up in the city."]:
        words = card_phrase(narration).split()
        assert 2 <= len(words) <= 6 and words[-1].lower() not in {"the", "a", "of", "in", "to"}, words


def test_neighbouring_cards_put_their_phrases_apart_for_the_crossfade() -> None:
    phrase = "Today artificial intelligence shows up"
    for width, height in [(1080, 1920), (1920, 1080), (1080, 1080)]:
        even, odd = card_layout(phrase, width, height, index=0), card_layout(phrase, width, height, index=1)
        assert odd.text_y - even.text_y >= even.text.line_height, "at least a line apart"
        if height > width:
            assert even.text_y + even.text.height <= odd.number_y, "portrait cards never overlap"


def test_a_card_names_the_topic_and_a_closing_card_without_a_whole_phrase_shows_the_title(tmp_path: Path) -> None:
    visuals = GeneratedVisuals(tmp_path)
    middle = Scene(
        index=1,
        narration="It is easy to miss, but it matters. People have written whole books about bees.",
        visual_query="bees close up",
        duration_s=5,
    )
    closing = Scene(index=3, narration="Ahora sabes un poco más que ayer.", visual_query="abejas miel", duration_s=4)

    cards = [visuals.generate(middle, width=320, height=180, seed="Bees")]
    cards.append(visuals.generate(closing, width=320, height=180, seed="Las abejas y la miel"))
    drawn = [" ".join(c.local_path.with_suffix(".txt").read_text(encoding="utf-8").split()) for c in cards]
    assert drawn == ["People have written whole books", "Las abejas y la miel"]
