"""Captions drawn by libass through the caption layer: where they sit, no tofu, highlight timing, literal text."""

import subprocess
from pathlib import Path

import ffmpeg
import numpy as np
import pytest

from services.compose import Composer
from services.compose.caption_layer import caption_band, with_captions
from services.compose.captions import Cue, caption_cues, write_ass
from services.compose.fonts import BOLD_FONT, FONTS_DIR
from services.compose.plan import RenderPlan, plan_render
from services.compose.shorts import shorts_cues
from services.ffmpeg import ffmpeg_exe
from services.models import CaptionStyle, SentenceSpan, WordSpan
from tests.services.compose.compose_helpers import make_timeline

FPS = 30
LONG = "Internationalization makes extraordinary captions, then everyone understands them."


@pytest.fixture
def plan_of(make_still, make_narration):
    """A one-scene plan over a solid still, its narration made of the given sentence spans."""

    def make(width: int, height: int, spans: list[SentenceSpan], *, color: str = "0x336699") -> RenderPlan:
        seconds = max(s.end_s for s in spans) + 0.3
        narration = make_narration(0, [(s.text, s.start_s, s.end_s) for s in spans], seconds=seconds)
        narration = narration.model_copy(update={"sentences": spans})
        still = make_still(f"still-{width}x{height}-{color}", width, height, color=color)
        text = " ".join(s.text for s in spans)
        return plan_render(make_timeline([(still, seconds + 0.3, text, narration)], width=width, height=height))

    return make


def rendered(plan: RenderPlan, cues: list[Cue], style: CaptionStyle, tmp: Path, *, first: int, count: int = 1):
    """Frames [first, first + count) of the still with the cues burned in, as an array (frame, row, col, rgb)."""
    still = plan.scenes[0].clip.asset.local_path
    video = ffmpeg.input(str(still), framerate=FPS).video.filter("format", "yuv420p")
    video = video.filter("loop", loop=plan.total_frames - 1, size=1, start=0).filter("settb", f"1/{FPS}")
    video = video.filter("setpts", "N")
    video = with_captions(video, cues, plan, script_path=tmp / "slots.ass", style=style)
    video = video.filter("trim", start_frame=first, end_frame=first + count).filter("setpts", "PTS-STARTPTS")
    args = ffmpeg.output(video, "-", f="rawvideo", pix_fmt="rgb24", vframes=count).get_args()
    raw = subprocess.run([ffmpeg_exe(), "-v", "error", *args], capture_output=True, check=True).stdout
    return np.frombuffer(raw, np.uint8).reshape(count, plan.height, plan.width, 3).astype(int)


def ink_box(captioned: np.ndarray, blank: np.ndarray) -> tuple[int, int, int, int]:
    """(left, top, right, bottom) of the pixels the caption changed, and a check that there are many."""
    changed = np.abs(captioned - blank).max(axis=-1) > 24
    assert changed.sum() > 500, "no caption drawn"
    rows, cols = np.nonzero(changed)
    return int(cols.min()), int(rows.min()), int(cols.max()) + 1, int(rows.max()) + 1


@pytest.mark.parametrize("style", ["shorts", "subtitle"])
def test_portrait_captions_stay_in_the_shorts_safe_area(style, plan_of, tmp_path) -> None:
    plan = plan_of(540, 960, [SentenceSpan(text=LONG, start_s=0.0, end_s=3.0)])
    cues = shorts_cues(plan) if style == "shorts" else caption_cues(plan)
    blank = rendered(plan, [], style, tmp_path, first=0)[0]
    for cue in cues:
        frame = round((cue.start_s + cue.end_s) / 2 * FPS)
        left, top, right, bottom = ink_box(rendered(plan, cues, style, tmp_path, first=frame)[0], blank)
        assert left >= 0.075 * 540 and right <= 0.85 * 540 and bottom <= 0.8 * 960, (cue.text, left, right, bottom)
        assert caption_band(540, 960, style)[0] <= top
        if style == "shorts":
            assert abs((left + right) / 2 - 0.4625 * 540) <= 6, (cue.text, left, right)  # centred in the safe area
            assert 0.55 * 960 <= top and bottom <= 0.74 * 960


@pytest.mark.parametrize("style", ["shorts", "subtitle"])
def test_landscape_lines_take_at_most_80_percent_of_the_width(style, plan_of, tmp_path) -> None:
    plan = plan_of(960, 540, [SentenceSpan(text=LONG, start_s=0.0, end_s=2.0)])
    cues = (shorts_cues(plan) if style == "shorts" else caption_cues(plan))[:1]
    blank = rendered(plan, [], style, tmp_path, first=0)[0]
    left, _, right, bottom = ink_box(rendered(plan, cues, style, tmp_path, first=10)[0], blank)
    assert left >= 0.1 * 960 - 3 and right <= 0.9 * 960 + 3 and bottom <= 0.91 * 540, (left, right, bottom)


def test_emoji_are_not_drawn_as_boxes(plan_of, tmp_path) -> None:
    """The same sentence with and without emoji (ZWJ family, flag, skin tone, keycap-less heart) and a bidi
    override: identical pixels, so nothing was drawn for them, neither a glyph nor a box."""
    plain = plan_of(540, 960, [SentenceSpan(text="Hello world, see you today.", start_s=0.0, end_s=1.0)])
    fancy_text = "Hello ❤️ world, 👍🏽 see 🇺🇦 you 👨‍👩‍👧 today. \u202e"
    fancy = plan_of(540, 960, [SentenceSpan(text=fancy_text, start_s=0.0, end_s=1.0)])
    for cues_of in (shorts_cues, caption_cues):
        a, b = cues_of(plain), cues_of(fancy)
        assert [(c.text, c.start_s) for c in a] == [(c.text, c.start_s) for c in b]
        style = "shorts" if cues_of is shorts_cues else "subtitle"
        frames = (rendered(p, c, style, tmp_path, first=12)[0] for p, c in ((plain, a), (fancy, b)))
        assert np.array_equal(*frames)


def test_highlight_moves_with_the_word_timings(plan_of, tmp_path) -> None:
    """Uneven word spans: the yellow word's centre jumps within 100 ms of each word's spoken start."""
    words = [("One", 0.0, 0.25), ("remarkably", 0.3, 0.95), ("quick", 1.2, 1.4), ("test.", 1.45, 1.9)]
    spans = [WordSpan(text=t, start_s=s, end_s=e) for t, s, e in words]
    plan = plan_of(540, 960, [SentenceSpan(text="One remarkably quick test.", start_s=0.0, end_s=1.9, words=spans)])
    cues = shorts_cues(plan)
    assert len(cues) == 4 and [c.highlight for c in cues] == [0, 1, 2, 3]
    frames = rendered(plan, cues, "shorts", tmp_path, first=0, count=plan.total_frames)
    yellow = (frames[..., 0] > 180) & (frames[..., 1] > 180) & (frames[..., 2] < 90)
    centres = [float(np.nonzero(mask)[1].mean()) if mask.sum() > 30 else None for mask in yellow]
    moves = [n for n in range(1, len(centres)) if centres[n] is not None and centres[n] != centres[n - 1]]
    speaks_at = plan.scenes[0].narration_start_s
    assert len(moves) == len(words), (moves, centres)
    for frame, (_, start, _) in zip(moves, words, strict=True):
        assert abs(frame / FPS - (speaks_at + start)) <= 0.1, (frame, start)
    assert centres[moves[0] - 1] is None  # nothing highlighted before the first word


def _drawtext_width(text: str, tmp_path: Path, *, size: int) -> int:
    """Ink width of `text` drawn literally by ffmpeg's drawtext from a file (no expansion), white on black."""
    path = tmp_path / "text.txt"
    path.write_text(text, encoding="utf-8")
    source = f"color=c=black:s=960x200,drawtext=fontfile={BOLD_FONT}:textfile={path}:expansion=none"
    source += f":fontsize={size}:fontcolor=white:x=20:y=60"
    args = ["-v", "error", "-f", "lavfi", "-i", source, "-frames:v", "1", "-f", "rawvideo", "-pix_fmt", "gray", "-"]
    raw = subprocess.run([ffmpeg_exe(), *args], capture_output=True, check=True).stdout
    cols = np.nonzero((np.frombuffer(raw, np.uint8).reshape(200, 960) > 128).any(axis=0))[0]
    return int(cols.max() - cols.min() + 1)


def _libass_width(text: str, tmp_path: Path) -> int:
    """Ink width of `text` as a subtitle cue (the dark outline and shadow vanish on black)."""
    script = tmp_path / "literal.ass"
    write_ass([Cue(start_s=0, end_s=1, text=text)], script, width=960, height=540)
    video = ffmpeg.input("color=c=black:s=960x540:d=0.1", f="lavfi").video
    video = video.filter("subtitles", filename=str(script), fontsdir=str(FONTS_DIR))
    args = ffmpeg.output(video, "-", f="rawvideo", pix_fmt="gray", vframes=1).get_args()
    raw = subprocess.run([ffmpeg_exe(), "-v", "error", *args], capture_output=True, check=True).stdout
    cols = np.nonzero((np.frombuffer(raw, np.uint8).reshape(540, 960) > 128).any(axis=0))[0]
    return int(cols.max() - cols.min() + 1)


def test_special_characters_are_drawn_as_typed(tmp_path) -> None:
    """libass and drawtext (which reads the text file literally) agree on the width of the literal text, after
    calibrating their font sizes on plain text; losing `{x}` or `\\` would shorten it by 6% or more."""
    literal, plain = r"""50% \ {x} "q" : 'a'""", "50% x q a"
    scale = _libass_width(plain, tmp_path) / _drawtext_width(plain, tmp_path, size=40)
    expected = scale * _drawtext_width(literal, tmp_path, size=40)
    assert abs(_libass_width(literal, tmp_path) - expected) <= 0.02 * expected
    assert _libass_width(r"""50% \ "q" : 'a'""", tmp_path) < 0.9 * expected  # the check can tell the difference


def test_a_shorts_render_keeps_readable_sentences_in_the_srt(make_still, make_narration, tmp_path) -> None:
    narration = make_narration(0, [("<b>Bold</b> claims {\\an8} need proof.", 0.1, 1.4)], seconds=1.6)
    still = make_still("s", 270, 480, color="0x336699")
    timeline = make_timeline([(still, 2.0, "ignored", narration)], width=270, height=480)
    video = Composer(preset="ultrafast").render(timeline.model_copy(update={"caption_style": "shorts"}), tmp_path)

    srt = video.captions_path.read_text(encoding="utf-8")
    assert srt.count("-->") == 1 and "{\\" not in srt and "<b>" not in srt and "</b>" not in srt
    assert srt.replace("\u200b", "").splitlines()[2] == "<b>Bold</b> claims {\\an8} need proof."
    script = (tmp_path / "captions.ass").read_text(encoding="utf-8")
    assert script.count("Dialogue:") == script.count("\\1c&H0000FFFF&") == 5  # one per word, each highlighted
    assert "{\\an8}" not in script and "<b>Bold</b>" in script
