"""The art of generated cards: a palette per video and scene, and the background (gradient, glow, vignette).

Shared by the generated scene cards and the thumbnail of a video made only of cards.
"""

import colorsys
import hashlib

import ffmpeg
from pydantic import BaseModel

BACKGROUND_SCALE = 4
"""The background is drawn at a quarter of the size and scaled up: it is smooth, and this is 10x cheaper."""
Stream = ffmpeg.nodes.FilterableStream


class Palette(BaseModel):
    start: str
    end: str
    glow: str
    accent: str


def palette_for(seed: str, index: int) -> Palette:
    """Colours of one video's cards: a base hue from the seed, shifted a little per scene, muted and dark."""
    base = int(hashlib.sha256(seed.encode()).hexdigest()[:8], 16) % 360
    hue = base + (index * 37) % 60 - 30
    return Palette(
        start=_colour(hue, 0.55, 0.42),
        end=_colour(hue + 40, 0.60, 0.15),
        glow=_colour(hue - 20, 0.45, 0.62),
        accent=_colour(hue + 180, 0.35, 0.95),
    )


def card_background(width: int, height: int, palette: Palette) -> Stream:
    """A diagonal gradient with a soft glow in the upper right and a vignette, drawn small and scaled up."""
    w, h = max(2, width // BACKGROUND_SCALE), max(2, height // BACKGROUND_SCALE)
    common = {"s": f"{w}x{h}", "n": 2, "speed": 0, "d": 1, "seed": 1}
    base = ffmpeg.input(
        f"gradients=c0={palette.start}:c1={palette.end}:x0=0:y0=0:x1={w}:y1={h}:" + _options(common), f="lavfi"
    ).filter("format", "gbrp")
    glow = ffmpeg.input(
        f"gradients=c0={palette.glow}:c1=0x000000:type=radial:x0={w * 4 // 5}:y0={h // 5}:x1={w // 6}:y1={h}:"
        + _options(common),
        f="lavfi",
    ).filter("format", "gbrp")
    blended = ffmpeg.filter([base, glow], "blend", all_mode="screen", all_opacity=0.6)
    shaded = blended.filter("vignette", angle=0.5).filter("format", "rgb24")
    return shaded.filter("scale", width, height, flags="bicubic").filter("setsar", 1)


def _options(options: dict[str, object]) -> str:
    return ":".join(f"{k}={v}" for k, v in options.items())


def _colour(hue: float, saturation: float, value: float) -> str:
    r, g, b = colorsys.hsv_to_rgb((hue % 360) / 360, min(saturation, 1.0), min(value, 1.0))
    return f"0x{int(r * 255):02x}{int(g * 255):02x}{int(b * 255):02x}"
