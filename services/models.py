"""Pydantic models passed between the steps (they pickle and JSON-serialise for Prefect results)."""

import re
import unicodedata
from pathlib import Path
from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field

PROMPT_MAX_CHARS = 2000
MIN_SCENES, MAX_SCENES = 1, 20
MIN_DURATION_S, MAX_DURATION_S = 5.0, 600.0
FPS = 30
NARRATION_PADDING_S = 0.4
"""Silence after a scene's speech: the timeline gives a narrated scene its speech plus this (and the transition),
and the narrator aims the speech at what is left of the planned scene."""
SENTENCE_PAUSE_S = 0.25
"""Silence the narrator puts between two sentences of a scene."""

Aspect = Literal["16:9", "9:16", "1:1"]
MediaKind = Literal["image", "video"]
PublishTarget = Literal["local", "youtube"]
Mood = Literal["calm", "upbeat", "dramatic", "playful"]
CaptionStyle = Literal["subtitle", "shorts"]
MOODS: tuple[str, ...] = ("calm", "upbeat", "dramatic", "playful")

FRAME_SIZES: dict[str, tuple[int, int]] = {"16:9": (1920, 1080), "9:16": (1080, 1920), "1:1": (1080, 1080)}
_LANGUAGE_TAG = re.compile(r"^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$")


_BIDI_CONTROLS = dict.fromkeys(map(ord, "\u200e\u200f\u061c\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"))


def _check_prompt(text: str) -> str:
    """Control characters are refused; bidi controls (which would reverse drawn text) are removed."""
    text = text.translate(_BIDI_CONTROLS)
    bad = [ch for ch in text if unicodedata.category(ch) == "Cc" and ch not in "\n\t\r"]
    if bad:
        raise ValueError(f"contains control character U+{ord(bad[0]):04X}; remove it")
    if any(unicodedata.category(ch) == "Cs" for ch in text):
        raise ValueError("is not valid Unicode text")
    text = text.strip()
    if not text:
        raise ValueError("is empty; describe the video you want")
    return text


def _check_language(tag: str | None) -> str | None:
    if tag is not None and not _LANGUAGE_TAG.match(tag):
        raise ValueError(f"{tag!r} is not a language code such as 'en', 'ru' or 'pt-BR'")
    return tag


# The patterns document the rules in the JSON schema (OpenAPI, Prefect's parameter form); the validators
# enforce them with messages that say what is wrong.
_TEXT_CHAR = r"[^\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]"
_PROMPT_PATTERN = rf"^{_TEXT_CHAR}*[^\s\x00-\x1f\x7f-\x9f]{_TEXT_CHAR}*$"
PromptText = Annotated[
    str,
    Field(min_length=1, max_length=PROMPT_MAX_CHARS, json_schema_extra={"pattern": _PROMPT_PATTERN}),
    AfterValidator(_check_prompt),
]
LanguageTag = Annotated[
    str | None,
    Field(max_length=35, json_schema_extra={"pattern": _LANGUAGE_TAG.pattern}),
    AfterValidator(_check_language),
]
SceneCount = Annotated[int | None, Field(ge=MIN_SCENES, le=MAX_SCENES)]
TargetDuration = Annotated[float | None, Field(ge=MIN_DURATION_S, le=MAX_DURATION_S)]


def _check_music(choice: str | None) -> str | None:
    if choice is None or choice in ("none", *MOODS):
        return choice
    if not Path(choice).exists():
        raise ValueError(f"{choice!r} is not 'none', a mood ({', '.join(MOODS)}) or an existing audio file or folder")
    return choice


MusicChoice = Annotated[
    str | None,
    Field(None, max_length=1000, description="Music bed: 'none', a mood, or an audio file/folder; default by mood."),
    AfterValidator(_check_music),
]


def contained_output_dir(path: Path | None) -> Path | None:
    """`path` resolved (symlinks followed) when it lies inside P2V_OUTPUT_DIR; None stays None (the default folder).

    A run's `output_dir` is a parameter anyone who can start a run may set; it is no licence to write anywhere.
    `p2v run --out` is the local user's own choice and sets P2V_OUTPUT_DIR instead (see api/cli.py).
    """
    if path is None:
        return None
    from services.settings import get_settings  # read when validating: tests and the CLI change it per process

    resolved = Path(path).resolve()
    if not resolved.is_relative_to(get_settings().output_dir.resolve()):
        raise ValueError(f"{path} is outside the output folder (P2V_OUTPUT_DIR); give a folder inside it")
    return resolved


OutputFolder = Annotated[
    Path | None,
    Field(None, description="Publish folder inside P2V_OUTPUT_DIR; default: P2V_OUTPUT_DIR itself."),
    AfterValidator(contained_output_dir),
]


def _as_artifact_ref(value: object) -> object:
    """An object URI (`s3://...`) stays a string; any other string is a path on the worker."""
    if isinstance(value, str) and "://" not in value:
        return Path(value)
    return value


ArtifactRef = Annotated[str | Path, AfterValidator(_as_artifact_ref)]
"""A file a step hands to the next: a local path, or an object in the shared store (services/storage/)."""


VoiceChoice = Literal["auto", "openai", "espeak", "silent"]
"""auto: OpenAI speech with a key, else espeak-ng where it speaks the language; silent: no narration."""


class VideoRequest(BaseModel):
    """Everything a user can ask of one run; validated before any work starts."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    prompt: PromptText
    aspect: Aspect | None = Field(None, description="Frame; default: what the prompt asks for, else 16:9.")
    scenes: SceneCount = None
    duration_s: TargetDuration = None
    language: LanguageTag = None
    publish_target: PublishTarget = "local"
    captions: CaptionStyle | None = Field(None, description="Caption look; default: shorts for 9:16, else subtitle.")
    music: MusicChoice = None
    voice: VoiceChoice | None = Field(
        None, description="Narration voice: auto, openai (needs a key), espeak or silent; default: P2V_VOICE."
    )


class Scene(BaseModel):
    index: int = Field(ge=0)
    narration: str
    visual_query: str
    duration_s: float = Field(gt=0)


class Storyboard(BaseModel):
    title: str
    description: str
    language: str
    aspect: Aspect
    scenes: list[Scene] = Field(min_length=1)
    mood: Mood = "calm"
    target_duration_s: float | None = Field(None, description="The length asked for or understood from the prompt.")


class MediaAsset(BaseModel):
    """One candidate or chosen piece of footage for a scene."""

    scene_index: int
    provider: str
    kind: MediaKind
    asset_id: str = Field(description="Stable id within the provider, used to avoid reusing an asset.")
    source_url: str
    local_path: ArtifactRef | None = None
    width: int
    height: int
    duration_s: float | None = None
    attribution: str = ""
    license: str = ""
    score: float = 0.0


class WordSpan(BaseModel):
    text: str
    start_s: float = Field(ge=0, description="Seconds from the start of the scene's narration audio.")
    end_s: float = Field(ge=0)


class SentenceSpan(BaseModel):
    text: str
    start_s: float = Field(ge=0, description="Seconds from the start of the scene's narration audio.")
    end_s: float = Field(ge=0)
    words: list[WordSpan] = Field(default_factory=list, description="Each spoken word's time, when the voice knows.")


class NarrationAudio(BaseModel):
    """A scene's spoken narration: one audio file, with where each sentence starts and ends in it."""

    scene_index: int
    path: ArtifactRef
    duration_s: float = Field(gt=0)
    voice: str
    sentences: list[SentenceSpan] = []


class TimelineClip(BaseModel):
    scene: Scene
    asset: MediaAsset
    start_s: float = Field(ge=0, description="Where the clip starts on the final video's clock.")
    narration: NarrationAudio | None = None
    extra_assets: list[MediaAsset] = Field(
        default_factory=list, description="More footage cut in after `asset`, in order, sharing the scene's time."
    )


class Timeline(BaseModel):
    """Scenes with their chosen media, ready to compose."""

    title: str
    description: str
    language: str
    width: int
    height: int
    fps: int = FPS
    transition_s: float
    clips: list[TimelineClip] = Field(min_length=1)
    mood: Mood = "calm"
    target_duration_s: float | None = None
    caption_style: CaptionStyle = "subtitle"
    music: str | None = Field(None, description="'none', a mood or an audio path; None = the storyboard's mood.")

    @property
    def duration_s(self) -> float:
        overlap = self.transition_s * (len(self.clips) - 1)
        return sum(c.scene.duration_s for c in self.clips) - overlap


class RenderedVideo(BaseModel):
    path: ArtifactRef
    duration_s: float
    width: int
    height: int
    sha256: str
    thumbnail_path: ArtifactRef
    captions_path: ArtifactRef | None = None
    contact_sheet_path: ArtifactRef | None = None


class Publication(BaseModel):
    target: str
    external_id: str
    url: str
    video_sha256: str
