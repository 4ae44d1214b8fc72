"""Caption cues from the timeline, written as ASS (styled, rendered by libass) and as an .srt sidecar."""

import re
from pathlib import Path

from pydantic import BaseModel

from services.compose.fonts import FONT_FAMILY
from services.models import Timeline
from services.storyboard.language import split_sentences

MAX_CUE_CHARS = 84


class Cue(BaseModel):
    start_s: float
    end_s: float
    text: str


def caption_cues(timeline: Timeline) -> list[Cue]:
    """One cue per sentence (long ones split), timed by length within the part of the scene seen alone."""
    cues: list[Cue] = []
    last = len(timeline.clips) - 1
    half = timeline.transition_s / 2
    for i, clip in enumerate(timeline.clips):
        start = clip.start_s + (half if i > 0 else 0.0)
        end = clip.start_s + clip.scene.duration_s - (half if i < last else 0.0)
        pieces = [p for s in split_sentences(clip.scene.narration) for p in _chunks(s)]
        total_chars = sum(len(p) for p in pieces) or 1
        cursor = start
        for piece in pieces:
            length = (end - start) * len(piece) / total_chars
            cues.append(Cue(start_s=round(cursor, 3), end_s=round(cursor + length, 3), text=piece))
            cursor += length
    return cues


def write_ass(cues: list[Cue], path: Path, *, width: int, height: int) -> None:
    """An ASS script with one bottom-centred style sized for the frame and safe margins."""
    font_size = round(min(width, height) * 0.05)
    margin_v, margin_h = round(height * 0.07), round(width * 0.06)
    header = (
        "[Script Info]\nScriptType: v4.00+\nWrapStyle: 0\nScaledBorderAndShadow: yes\n"
        f"PlayResX: {width}\nPlayResY: {height}\n\n[V4+ Styles]\n"
        "Format: Name, Fontname, Fontsize, PrimaryColour, SecondaryColour, OutlineColour, BackColour, Bold, Italic,"
        " Underline, StrikeOut, ScaleX, ScaleY, Spacing, Angle, BorderStyle, Outline, Shadow, Alignment,"
        " MarginL, MarginR, MarginV, Encoding\n"
        f"Style: Caption,{FONT_FAMILY},{font_size},&H00FFFFFF,&H00FFFFFF,&H00101010,&H80000000,-1,0,0,0,100,100,0,0,"
        f"1,{max(2, font_size // 14)},1,2,{margin_h},{margin_h},{margin_v},1\n\n"
        "[Events]\nFormat: Layer, Start, End, Style, Name, MarginL, MarginR, MarginV, Effect, Text\n"
    )
    events = "".join(
        f"Dialogue: 0,{_ass_time(c.start_s)},{_ass_time(c.end_s)},Caption,,0,0,0,,{_ass_text(c.text)}\n" for c in cues
    )
    path.write_text(header + events, encoding="utf-8")


def write_srt(cues: list[Cue], path: Path) -> None:
    blocks = [f"{n}\n{_srt_time(c.start_s)} --> {_srt_time(c.end_s)}\n{c.text}\n" for n, c in enumerate(cues, start=1)]
    path.write_text("\n".join(blocks), encoding="utf-8")


def _chunks(sentence: str) -> list[str]:
    """Split a long sentence at clause boundaries, then at words, into readable cues."""
    if len(sentence) <= MAX_CUE_CHARS:
        return [sentence]
    words, chunks, current = sentence.split(), [], ""
    for word in words:
        if current and len(current) + 1 + len(word) > MAX_CUE_CHARS:
            chunks.append(current)
            current = word
        else:
            current = f"{current} {word}".strip()
        if re.search(r"[,;:]$", current) and len(current) > MAX_CUE_CHARS // 2:
            chunks.append(current)
            current = ""
    return [*chunks, current] if current else chunks


def _ass_text(text: str) -> str:
    return text.replace("\\", "/").replace("{", "(").replace("}", ")").replace("\n", " ")


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
