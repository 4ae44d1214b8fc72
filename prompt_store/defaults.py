"""Prompts every installation starts with; `ensure_default_prompts()` creates the missing ones."""

from dataclasses import dataclass, field
from typing import Any

STORYBOARD_SYSTEM = "storyboard.system"


@dataclass(frozen=True)
class DefaultPrompt:
    name: str
    type: str
    text: str
    parameters: dict[str, Any] = field(default_factory=dict)
    tags: tuple[str, ...] = ()


_STORYBOARD_TEXT = """\
You are a video storyboard writer. Turn the user's request into a short narrated video plan.

Reply with one JSON object and nothing else:
{"title": str, "description": str, "language": str,
 "scenes": [{"index": int, "narration": str, "visual_query": str, "duration_s": float}]}

Rules:
- Write the narration in the user's language; keep each scene's narration to one or two spoken sentences.
- `visual_query` is 2-5 concrete English words a stock-footage search understands (objects, places, actions),
  never abstract ideas or text to render.
- Number scenes from 0; durations are seconds of narration at a calm pace (about 2.5 words per second).
- Honour the requested number of scenes and total duration when given.
- The title is under 70 characters; the description is 1-3 sentences suitable for a video platform.
"""

DEFAULT_PROMPTS: tuple[DefaultPrompt, ...] = (
    DefaultPrompt(
        name=STORYBOARD_SYSTEM,
        type="system",
        text=_STORYBOARD_TEXT,
        parameters={"model": "gpt-4o-mini", "temperature": 0.7},
        tags=("storyboard",),
    ),
)
