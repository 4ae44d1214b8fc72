"""Fitting a short text into a box: balanced lines and the largest font size that fits, measured from the font file.

No imaging library is installed, so the glyph advances are read straight from the TrueType tables (`cmap`,
`hmtx`, `hhea`, `head`). The sum of advances is an upper bound of what drawtext draws (its shaping only adds
kerning, which tightens), so a line measured to fit does fit.
"""

import struct
from functools import lru_cache
from itertools import combinations
from pathlib import Path

from pydantic import BaseModel

from services.compose.caption_text import clean_caption_text

ELLIPSIS = "…"
EXTRA_LINE_COST = 0.88
"""A split with one line more must allow a font this much larger to win: two lines read better than three."""
MAX_WORDS = 40


class FontMetrics(BaseModel):
    units_per_em: int
    line_height_em: float
    ascent_em: float
    advances: dict[int, int]
    default_advance: int

    def width_em(self, text: str) -> float:
        """Width of one line at font size 1."""
        return sum(self.advances.get(ord(ch), self.default_advance) for ch in text) / self.units_per_em

    def has_glyph(self, ch: str) -> bool:
        return ord(ch) in self.advances


class TextBlock(BaseModel):
    """Lines to draw at `font_size`; `line_height` is the pitch drawtext uses between lines."""

    lines: list[str]
    font_size: int
    line_height: int
    width: int
    height: int

    @property
    def text(self) -> str:
        return "\n".join(self.lines)


@lru_cache
def font_metrics(path: Path) -> FontMetrics:
    data = path.read_bytes()
    tables = _table_offsets(data)
    units = struct.unpack_from(">H", data, tables["head"] + 18)[0]
    ascender, descender, gap = struct.unpack_from(">hhh", data, tables["hhea"] + 4)
    metrics_count = struct.unpack_from(">H", data, tables["hhea"] + 34)[0]
    widths = [struct.unpack_from(">H", data, tables["hmtx"] + 4 * i)[0] for i in range(metrics_count)]
    advances = {code: widths[min(glyph, metrics_count - 1)] for code, glyph in _cmap(data, tables["cmap"]).items()}
    return FontMetrics(
        units_per_em=units,
        line_height_em=(ascender - descender + gap) / units,
        ascent_em=ascender / units,
        advances=advances,
        default_advance=widths[0],
    )


def fit_text(
    text: str, font: Path, *, box_w: float, box_h: float, max_size: int, min_size: int, max_lines: int = 3
) -> TextBlock:
    """The split into at most `max_lines` lines that allows the largest font size (capped at `max_size`).

    Near-equal sizes prefer fewer lines (EXTRA_LINE_COST), then the most even lengths. Text that does not fit
    at `min_size` loses words from its end (marked with an ellipsis); a word wider than the box is cut into pieces.
    Emoji and bidi controls are left out: the bundled font has no emoji, and a box is worse than nothing.
    """
    metrics = font_metrics(font)
    words = _breakable(clean_caption_text(text).split()[:MAX_WORDS], metrics, box_w / min_size)
    if not words:
        raise ValueError("no text to fit")
    while True:
        best = _best_split(words, metrics, box_w=box_w, box_h=box_h, max_size=max_size, max_lines=max_lines)
        if best[0] >= min_size or len(words) == 1:
            break
        words = [*words[:-2], words[-2] + ELLIPSIS] if len(words) > 2 else [words[0] + ELLIPSIS]
    size, lines = max(best[0], min_size), best[1]
    line_height = round(metrics.line_height_em * size)
    width = round(max(metrics.width_em(line) for line in lines) * size)
    return TextBlock(lines=lines, font_size=size, line_height=line_height, width=width, height=line_height * len(lines))


def _best_split(
    words: list[str], metrics: FontMetrics, *, box_w: float, box_h: float, max_size: int, max_lines: int
) -> tuple[int, list[str]]:
    candidates = []
    for count in range(1, min(max_lines, len(words)) + 1):
        for cuts in combinations(range(1, len(words)), count - 1):
            bounds = [0, *cuts, len(words)]
            lines = [" ".join(words[a:b]) for a, b in zip(bounds, bounds[1:], strict=False)]
            widest = max(metrics.width_em(line) for line in lines)
            size = int(min(max_size, box_w / widest, box_h / (count * metrics.line_height_em)))
            candidates.append((-size * EXTRA_LINE_COST ** (count - 1), count, widest, size, lines))
    *_, size, lines = min(candidates, key=lambda c: c[:3])
    return size, lines


def _breakable(words: list[str], metrics: FontMetrics, max_em: float) -> list[str]:
    """Words no wider than `max_em`: longer ones are cut into pieces that fit."""
    pieces: list[str] = []
    for word in words:
        current = ""
        for ch in word:
            if current and metrics.width_em(current + ch) > max_em:
                pieces.append(current)
                current = ""
            current += ch
        pieces.append(current)
    return pieces


def _table_offsets(data: bytes) -> dict[str, int]:
    count = struct.unpack_from(">H", data, 4)[0]
    offsets = {}
    for i in range(count):
        tag, _, offset, _ = struct.unpack_from(">4sIII", data, 12 + 16 * i)
        offsets[tag.decode("latin-1")] = offset
    return offsets


def _cmap(data: bytes, base: int) -> dict[int, int]:
    """Character code -> glyph id from the Unicode BMP subtable (format 4)."""
    count = struct.unpack_from(">H", data, base + 2)[0]
    for i in range(count):
        platform, encoding, offset = struct.unpack_from(">HHI", data, base + 4 + 8 * i)
        sub = base + offset
        if (platform, encoding) in ((3, 1), (0, 3)) and struct.unpack_from(">H", data, sub)[0] == 4:
            return _cmap_format4(data, sub)
    raise ValueError("the font has no Unicode BMP character map")


def _cmap_format4(data: bytes, sub: int) -> dict[int, int]:
    segments = struct.unpack_from(">H", data, sub + 6)[0] // 2
    ends = struct.unpack_from(f">{segments}H", data, sub + 14)
    starts = struct.unpack_from(f">{segments}H", data, sub + 16 + 2 * segments)
    deltas = struct.unpack_from(f">{segments}h", data, sub + 16 + 4 * segments)
    range_base = sub + 16 + 6 * segments
    range_offsets = struct.unpack_from(f">{segments}H", data, range_base)
    glyphs: dict[int, int] = {}
    for i, (start, end, delta, range_offset) in enumerate(zip(starts, ends, deltas, range_offsets, strict=True)):
        for code in range(start, end + 1):
            if code == 0xFFFF:
                continue
            if range_offset == 0:
                glyph = (code + delta) & 0xFFFF
            else:
                at = range_base + 2 * i + range_offset + 2 * (code - start)
                glyph = struct.unpack_from(">H", data, at)[0]
                glyph = (glyph + delta) & 0xFFFF if glyph else 0
            if glyph:
                glyphs[code] = glyph
    return glyphs
