"""Caption cues from the timeline, written as ASS (styled, rendered by libass) and as an .srt sidecar."""

import math
import re
from pathlib import Path

from pydantic import BaseModel, Field

from services.compose.caption_style import SHORTS_HIGHLIGHT, CaptionLayout, caption_layout
from services.compose.caption_text import ass_literal, clean_caption_text, srt_literal
from services.compose.fonts import FONT_FAMILY
from services.compose.plan import RenderPlan
from services.models import CaptionStyle
from services.storyboard.language import split_sentences

MAX_CUE_CHARS = 84
MAX_CUE_CHARS_PORTRAIT = 56


class Cue(BaseModel):
    """A caption shown from start_s to end_s; with `words`, a group of words where `highlight` is being spoken."""

    start_s: float
    end_s: float
    text: str
    words: list[str] = Field(default_factory=list)
    highlight: int | None = None


def caption_cues(plan: RenderPlan) -> list[Cue]:
    """One cue per sentence (long ones split): timed from the narration's sentence spans when the scene has them,
    otherwise spread by length over the part of the scene seen alone."""
    max_chars = MAX_CUE_CHARS if plan.width >= plan.height else MAX_CUE_CHARS_PORTRAIT
    cues: list[Cue] = []
    for scene in plan.scenes:
        narration = scene.clip.narration
        if narration is not None and narration.sentences:
            offset = scene.narration_start_s
            spans = [(clean_caption_text(s.text), offset + s.start_s, offset + s.end_s) for s in narration.sentences]
        else:
            spans = [(clean_caption_text(scene.clip.scene.narration), *scene.seen_alone)]
        for text, start, end in spans:
            cues.extend(timed_pieces(text, start, end, max_chars=max_chars))
    return without_overlaps(cues, limit=plan.duration_s)


def timed_pieces(text: str, start: float, end: float, *, max_chars: int) -> list[Cue]:
    """Readable pieces of `text`, sharing [start, end] in proportion to their length."""
    pieces = [p for s in split_sentences(text) for p in _chunks(s, max_chars)]
    total_chars = sum(len(p) for p in pieces) or 1
    cues, cursor = [], start
    for piece in pieces:
        length = (end - start) * len(piece) / total_chars
        cues.append(Cue(start_s=round(cursor, 3), end_s=round(cursor + length, 3), text=piece))
        cursor += length
    return cues


def without_overlaps(cues: list[Cue], *, limit: float) -> list[Cue]:
    """Cues end before the next one starts and within the video, so players never stack two captions."""
    fixed: list[Cue] = []
    for cue, nxt in zip(cues, [*cues[1:], None], strict=False):
        end = min(cue.end_s, nxt.start_s if nxt is not None else limit, limit)
        if end > cue.start_s:
            fixed.append(cue.model_copy(update={"end_s": round(end, 3)}))
    return fixed


def write_ass(cues: list[Cue], path: Path, *, width: int, height: int, style: CaptionStyle = "subtitle") -> None:
    """An ASS script with one bottom-centred style sized for the frame, inside its safe area (see caption_style)."""
    layout = caption_layout(width, height, style)
    header = (
        "[Script Info]\nScriptType: v4.00+\nWrapStyle: 0\nScaledBorderAndShadow: yes\n"
        f"PlayResX: {width}\nPlayResY: {height}\n\n[V4+ Styles]\n"
        "Format: Name, Fontname, Fontsize, PrimaryColour, SecondaryColour, OutlineColour, BackColour, Bold, Italic,"
        " Underline, StrikeOut, ScaleX, ScaleY, Spacing, Angle, BorderStyle, Outline, Shadow, Alignment,"
        " MarginL, MarginR, MarginV, Encoding\n"
        f"Style: Caption,{FONT_FAMILY},{layout.font_size},&H00FFFFFF,&H00FFFFFF,&H00101010,&H80000000,"
        f"{-1 if layout.bold else 0},0,0,0,100,100,0,0,1,{layout.outline},{layout.shadow},2,"
        f"{layout.margin_l},{layout.margin_r},{layout.margin_v},1\n\n"
        "[Events]\nFormat: Layer, Start, End, Style, Name, MarginL, MarginR, MarginV, Effect, Text\n"
    )
    events = "".join(
        f"Dialogue: 0,{_ass_time(c.start_s)},{_ass_time(c.end_s)},Caption,,0,0,0,,{_ass_event_text(c, layout, width)}\n"
        for c in cues
    )
    path.write_text(header + events, encoding="utf-8")


def _ass_event_text(cue: Cue, layout: CaptionLayout, width: int) -> str:
    """The cue's literal text, the spoken word coloured, narrowed when one word is longer than a line."""
    words = cue.words or cue.text.split()
    longest = max((len(w) for w in words), default=0)
    fit = min(100, math.floor(100 * layout.line_chars(width) / longest)) if longest else 100
    prefix = f"{{\\fscx{fit}\\fscy{fit}}}" if fit < 100 else ""
    if cue.highlight is None:
        return prefix + ass_literal(cue.text)
    drawn = [
        f"{{\\1c{SHORTS_HIGHLIGHT}}}{ass_literal(w)}{{\\1c&H00FFFFFF&}}" if i == cue.highlight else ass_literal(w)
        for i, w in enumerate(cue.words)
    ]
    return prefix + " ".join(drawn)


def write_srt(cues: list[Cue], path: Path) -> None:
    """SubRip cues as plain text (see caption_text.srt_literal: no tags or override blocks a player would apply)."""
    blocks = [
        f"{n}\n{_srt_time(c.start_s)} --> {_srt_time(c.end_s)}\n{srt_literal(c.text)}\n"
        for n, c in enumerate(cues, start=1)
    ]
    path.write_text("\n".join(blocks), encoding="utf-8")


def _chunks(sentence: str, max_chars: int) -> list[str]:
    """Split a long sentence into pieces of similar length (no one-word orphan), preferring clause boundaries."""
    if len(sentence) <= max_chars:
        return [sentence]
    count = math.ceil(len(sentence) / max_chars)
    target = len(sentence) / count
    chunks: list[str] = []
    current, used = "", 0
    for word in sentence.split():
        candidate = f"{current} {word}".strip()
        rest_fits = len(sentence) - used - len(current) <= (count - len(chunks) - 1) * max_chars
        at_clause = bool(re.search(r"[,;:]$", current)) and len(current) >= 0.6 * target and rest_fits
        early = len(chunks) < count - 1 and (len(current) >= target or at_clause)
        if current and (len(candidate) > max_chars or early):
            chunks.append(current)
            used += len(current) + 1
            current = word
        else:
            current = candidate
    return [*chunks, current] if current else chunks


def _ass_time(seconds: float) -> str:
    centis = round(seconds * 100)
    h, rest = divmod(centis, 360000)
    m, rest = divmod(rest, 6000)
    s, cs = divmod(rest, 100)
    return f"{h}:{m:02d}:{s:02d}.{cs:02d}"


def _srt_time(seconds: float) -> str:
    millis = round(seconds * 1000)
    h, rest = divmod(millis, 3600000)
    m, rest = divmod(rest, 60000)
    s, ms = divmod(rest, 1000)
    return f"{h:02d}:{m:02d}:{s:02d},{ms:03d}"
