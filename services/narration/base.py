"""The narration capability: a scene's narration text in, one audio file with sentence spans out."""

from pathlib import Path
from typing import Protocol

from services.models import NarrationAudio, Scene


class Narrator(Protocol):
    name: str

    def narrate(self, scene: Scene, *, language: str, out_dir: Path) -> NarrationAudio | None:
        """The scene's narration as audio, or None when the video is silent."""
        ...


class SentenceVoice(Protocol):
    """A speech engine that turns one sentence into one audio file (any format ffmpeg reads)."""

    name: str
    voice: str

    def synthesize(self, text: str, *, language: str, out: Path) -> None: ...
