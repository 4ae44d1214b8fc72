"""Where captions sit and how big they are, per frame shape and caption style.

Portrait frames keep text inside the Shorts safe area: above the bottom fifth (titles, channel name) and clear of
the right-hand column of buttons (~15% of the width). The side margins are 7.5% left and 15% right, so libass,
which centres text between the margins, centres it in that area. Landscape and square frames use 10% on each side,
so a line is at most 80% of the width.
"""

import math

from pydantic import BaseModel

from services.models import CaptionStyle

SHORTS_HIGHLIGHT = "&H0000FFFF&"
"""The spoken word's colour in the shorts style (ASS is BGR: pure yellow)."""
BOLD_EM_PER_CHAR = 0.72
"""A generous average advance of DejaVu Sans Bold per character, in ems (lower case ~0.66, capitals ~0.78)."""


class CaptionLayout(BaseModel):
    """An ASS style's geometry, in pixels of the frame (PlayRes equals the frame size)."""

    font_size: int
    bold: bool
    margin_l: int
    margin_r: int
    margin_v: int
    outline: int
    shadow: int
    band_lines: int
    """Font sizes of room above the bottom margin that a cue may take (wrapped lines included)."""

    def line_chars(self, width: int) -> int:
        """Characters that surely fit on one line between the margins."""
        return max(4, math.floor((width - self.margin_l - self.margin_r) / (BOLD_EM_PER_CHAR * self.font_size)))


def caption_layout(width: int, height: int, style: CaptionStyle = "subtitle") -> CaptionLayout:
    portrait = height > width
    left, right = (round(width * 0.075), round(width * 0.15)) if portrait else (round(width * 0.1),) * 2
    short_side = min(width, height)
    if style == "shorts":
        size = round(short_side * 0.075)
        return CaptionLayout(
            font_size=size,
            bold=True,
            margin_l=left,
            margin_r=right,
            margin_v=round(height * (0.28 if portrait else 0.15)),
            outline=max(3, round(size / 9)),
            shadow=max(1, round(size / 30)),
            band_lines=4,
        )
    size = round(short_side * 0.05)
    return CaptionLayout(
        font_size=size,
        bold=True,
        margin_l=left,
        margin_r=right,
        margin_v=round(height * (0.21 if portrait else 0.1)),
        outline=max(2, size // 14),
        shadow=1,
        band_lines=6,
    )
