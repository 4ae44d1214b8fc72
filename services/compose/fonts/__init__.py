"""DejaVu Sans (Latin, Cyrillic, Greek), shipped with the package so captions render on any machine.

The font files live in their own folder: libass loads every file of `fontsdir`, and this one holds fonts only.
"""

from pathlib import Path

FONTS_DIR = Path(__file__).resolve().parent / "ttf"
REGULAR_FONT = FONTS_DIR / "DejaVuSans.ttf"
BOLD_FONT = FONTS_DIR / "DejaVuSans-Bold.ttf"
FONT_FAMILY = "DejaVu Sans"
