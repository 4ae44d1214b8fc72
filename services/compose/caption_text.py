"""Caption text made safe to draw and to ship: no emoji boxes, no bidi tricks, no markup interpreted by a renderer.

libass draws a glyph the bundled font lacks as an empty box, and colour emoji are not in DejaVu Sans, so emoji and
pictographs are removed (with their variation selectors, joiners, skin tones, keycaps and tag characters). In ASS,
`{...}` is an override block and `\\N`, `\\n`, `\\h` are escapes: text is escaped so it is drawn exactly as typed.
In SubRip, players interpret `<b>`-like tags and `{\\an8}`-like blocks: a zero-width space (U+200B) after `<` and
after `{` keeps them visible as typed and uninterpreted.
"""

import re

_BIDI_CONTROLS = "\u200e\u200f\u061c\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
_EMOJI = re.compile(
    "["
    "\U0001f000-\U0001faff"  # mahjong .. symbols and pictographs extended-A, regional indicators, skin tones
    "\u2600-\u27bf"  # miscellaneous symbols, dingbats
    "\u2b00-\u2bff"  # arrows and symbols with emoji forms (star, squares, circles)
    "\u231a\u231b\u2328\u23cf\u23e9-\u23f3\u23f8-\u23fa"  # the emoji among the technical symbols
    "\ufe00-\ufe0f\U000e0100-\U000e01ef"  # variation selectors (text / emoji presentation)
    "\u200d\u20e3"  # zero-width joiner of emoji sequences, combining keycap
    "\U000e0000-\U000e007f"  # tag characters (subdivision flags)
    f"{_BIDI_CONTROLS}"
    "\x00-\x08\x0b-\x1f\x7f-\x9f"
    "]+"
)
_SPACES = re.compile(r"[ \t\r\n]+")
_ASS_ESCAPED_AFTER_BACKSLASH = "Nnh{}"
_WORD_JOINER = "\u2060"
_ZERO_WIDTH_SPACE = "\u200b"


def clean_caption_text(text: str) -> str:
    """`text` without emoji, pictographs, bidi and control characters, its spaces collapsed to one."""
    return _SPACES.sub(" ", _EMOJI.sub(" ", text)).strip()


def ass_literal(text: str) -> str:
    """ASS event text that libass draws as `text` reads: braces escaped (`\\{`, `\\}`), and a backslash that would
    start an escape (`\\N`, `\\h`, ...) followed by an invisible word joiner, which libass does not draw."""
    out: list[str] = []
    for i, char in enumerate(text):
        if char == "\\":
            following = text[i + 1 : i + 2]
            out.append("\\" + _WORD_JOINER if following and following in _ASS_ESCAPED_AFTER_BACKSLASH else "\\")
        elif char in "{}":
            out.append("\\" + char)
        else:
            out.append(" " if char == "\n" else char)
    return "".join(out)


def srt_literal(text: str) -> str:
    """SubRip text players show as typed: `<` and `{` are followed by a zero-width space, so `<b>`, `<font ...>` and
    `{\\an8}` are not tags; line breaks become spaces so a cue never holds an empty line (which ends a block)."""
    text = _SPACES.sub(" ", text).strip()
    return text.replace("<", "<" + _ZERO_WIDTH_SPACE).replace("{", "{" + _ZERO_WIDTH_SPACE)
