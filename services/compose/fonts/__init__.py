"""DejaVu Sans (Latin, Cyrillic, Greek), shipped with the package so captions render on any machine."""

from pathlib import Path

FONTS_DIR = Path(__file__).resolve().parent
REGULAR_FONT = FONTS_DIR / "DejaVuSans.ttf"
BOLD_FONT = FONTS_DIR / "DejaVuSans-Bold.ttf"
FONT_FAMILY = "DejaVu Sans"
