"""Generated visuals: a title card per scene when no footage matches, rendered by ffmpeg.

A card shows the scene's key phrase (from its narration, see card_phrase) large and left-aligned, a small scene
number and a thin accent line, on a soft two-colour gradient with a glow and a vignette. The palette comes from
the video (one family of hues per video), varied per scene. Text is drawn literally (drawtext with
`expansion=none` and a text file), so `%`, `\\`, `{}`, `:` and quotes show as typed.
"""

import hashlib
import os
from collections.abc import Collection
from pathlib import Path

import ffmpeg
from pydantic import BaseModel

from services.compose.card_art import Palette, card_background, palette_for
from services.compose.fonts import BOLD_FONT, REGULAR_FONT
from services.compose.text_layout import TextBlock, fit_text
from services.ffmpeg import run_ffmpeg
from services.media.card_phrase import card_phrase
from services.models import MediaAsset, Scene
from services.retention import mark_used

CARD_VERSION = "card-3"
"""Part of every card's cache key: a new look never reuses cards drawn by an older one."""
MIN_TEXT_SHARE = 0.05
"""The phrase's smallest font size as a share of the short side: readable on a phone and on the contact sheet."""
Stream = ffmpeg.nodes.FilterableStream


class CardLayout(BaseModel):
    """Where a card's pieces go, in pixels; everything lies inside `box` (see safe_box)."""

    box: tuple[int, int, int, int]
    text: TextBlock
    text_x: int
    text_y: int
    number_size: int
    number_y: int
    accent: tuple[int, int, int, int]


class GeneratedVisuals:
    """Renders a title card per scene; colours follow the video's seed and the scene's number."""

    name = "generated"

    def __init__(self, cache_dir: Path, *, timeout_s: float = 60.0) -> None:
        self.cache_dir = cache_dir
        self.timeout_s = timeout_s

    def card_text(self, scene: Scene, *, seed: str, shown: Collection[str] = ()) -> str:
        """The phrase the scene's card shows; `seed` is the video's title, which the opening card shows (an intro's
        first clause is rarely a phrase worth a card: "Today we look at ..."). Never one of `shown` (the earlier
        cards' texts, see card_phrase); the scene number when the narration has nothing else."""
        opening = scene.index == 0 and seed.strip()
        topic = f"{seed} {scene.visual_query}"
        phrase = seed.strip() if opening else card_phrase(scene.narration, fallback=seed, topic=topic, shown=shown)
        return phrase or f"{scene.index + 1:02d}"

    def generate(self, scene: Scene, *, width: int, height: int, seed: str, phrase: str | None = None) -> MediaAsset:
        """The scene's card showing `phrase` (default: `card_text` with no earlier cards)."""
        phrase = self.card_text(scene, seed=seed) if phrase is None else phrase
        key = f"{CARD_VERSION}|{seed}|{scene.index}|{phrase}|{width}x{height}"
        digest = hashlib.sha256(key.encode()).hexdigest()
        path = self.cache_dir / "generated" / f"{digest[:24]}.png"
        if not path.exists():
            self._render(path, phrase=phrase, number=scene.index + 1, size=(width, height), seed=seed)
        else:
            mark_used([path, path.with_suffix(".txt")])  # reused: not for retention to delete now
        return MediaAsset(
            scene_index=scene.index,
            provider=self.name,
            kind="image",
            asset_id=f"generated:{digest[:24]}",
            source_url=path.resolve().as_uri(),
            local_path=path.resolve(),
            width=width,
            height=height,
            license="generated",
            score=0.0,
        )

    def _render(self, path: Path, *, phrase: str, number: int, size: tuple[int, int], seed: str) -> None:
        """Draw the card under a temporary name; keep `<card>.txt` beside it with the phrase as drawn."""
        path.parent.mkdir(parents=True, exist_ok=True)
        width, height = size
        layout = card_layout(phrase, width, height, index=number - 1)
        text_file = path.with_suffix(".txt")
        number_file = path.with_name(f".{path.stem}.{os.getpid()}.number.txt")
        text_file.write_text(layout.text.text, encoding="utf-8")
        number_file.write_text(f"{number:02d}", encoding="utf-8")
        palette = palette_for(seed, number - 1)
        card = draw_card_text(card_background(width, height, palette), layout, palette, text_file, number_file)
        partial = path.with_name(f".{path.stem}.{os.getpid()}.png")
        args = ffmpeg.output(card, str(partial), vframes=1).get_args()
        try:
            run_ffmpeg(args, timeout_s=self.timeout_s, what=f"generating a visual for scene {number - 1}")
            os.replace(partial, path)
        finally:
            partial.unlink(missing_ok=True)
            number_file.unlink(missing_ok=True)


def safe_box(width: int, height: int) -> tuple[int, int, int, int]:
    """The part of a card that text may use (x0, y0, x1, y1).

    The composer pans a still across the frame, enlarging it by up to ~14% and shifting it, so the box keeps
    clear of the edges by more than that. Portrait cards keep the text in the upper half: the bottom fifth
    belongs to the phone app's buttons, the right edge to its icons, and captions sit above the bottom fifth.
    """
    if height > width:
        fractions = (0.14, 0.12, 0.74, 0.56)
    elif width > height:
        fractions = (0.10, 0.14, 0.88, 0.68)
    else:
        fractions = (0.10, 0.12, 0.86, 0.64)
    x0, y0, x1, y1 = fractions
    return round(x0 * width), round(y0 * height), round(x1 * width), round(y1 * height)


def card_layout(phrase: str, width: int, height: int, *, index: int = 0) -> CardLayout:
    """Number, accent line and phrase, stacked and left-aligned: at the top of the safe box for even scenes, at
    its bottom for odd ones, so a crossfade between two cards does not stack one phrase on the other."""
    box = safe_box(width, height)
    x0, y0, x1, y1 = box
    short = min(width, height)
    number_size = max(12, round(short * 0.032))
    accent_h = max(2, round(short * 0.005))
    header = number_size * 2 + accent_h
    text = fit_text(
        phrase,
        BOLD_FONT,
        box_w=x1 - x0,
        box_h=y1 - y0 - header,
        max_size=max(16, round(short * 0.12)),
        min_size=max(10, round(short * MIN_TEXT_SHARE)),
    )
    top = y0 if index % 2 == 0 else y1 - header - text.height
    accent_y = top + round(number_size * 1.5)
    return CardLayout(
        box=box,
        text=text,
        text_x=x0,
        text_y=top + header,
        number_size=number_size,
        number_y=top,
        accent=(x0, accent_y, max(8, round(short * 0.09)), accent_h),
    )


def draw_card_text(
    background: Stream, layout: CardLayout, palette: Palette, text_file: Path, number_file: Path
) -> Stream:
    x, y, w, h = layout.accent
    card = background.drawtext(
        fontfile=str(REGULAR_FONT),
        textfile=str(number_file),
        expansion="none",
        fontsize=layout.number_size,
        fontcolor="white@0.5",
        x=layout.text_x,
        y=layout.number_y,
    )
    card = card.drawbox(x, y, w, h, color=f"{palette.accent}@0.9", thickness="fill")
    shadow = max(1, layout.text.font_size // 40)
    return card.drawtext(
        fontfile=str(BOLD_FONT),
        textfile=str(text_file),
        expansion="none",
        fontsize=layout.text.font_size,
        fontcolor="white",
        shadowx=0,
        shadowy=shadow,
        shadowcolor="black@0.35",
        x=layout.text_x,
        y=layout.text_y,
        y_align="font",
    )
