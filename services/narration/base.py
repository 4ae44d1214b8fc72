"""The narration capability: a scene's narration text in, one audio file with sentence and word spans out."""

from pathlib import Path
from typing import Protocol

from services.models import NarrationAudio, Scene, WordSpan


class Narrator(Protocol):
    name: str

    def narrate(
        self, scene: Scene, *, language: str, out_dir: Path, target_s: float | None = None
    ) -> NarrationAudio | None:
        """The scene's narration as audio (as close to `target_s` seconds as the voice may go), or None when silent."""
        ...


class SentenceVoice(Protocol):
    """A speech engine that turns one sentence into one audio file (any format ffmpeg reads)."""

    name: str
    voice: str

    def synthesize(self, text: str, *, language: str, out: Path, speed: float = 1.0) -> list[WordSpan] | None:
        """Speaks `text` at `speed` times the voice's normal pace into `out`; returns each word's time in that
        file when the engine knows them (None: the narrator spreads the words by syllables)."""
        ...
