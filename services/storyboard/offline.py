"""A deterministic planner that needs no network: narration beats per language, or the user's own script."""

import re

from services.models import Scene, Storyboard, VideoRequest
from services.storyboard.base import PlannerPrompt
from services.storyboard.language import STOPWORDS, detect_language, extract_topic, split_sentences
from services.storyboard.templates import BEATS

DEFAULT_SCENES = 6
MIN_AUTO_SCENES, MAX_AUTO_SCENES = 4, 8
SCRIPT_MIN_SENTENCES = 4
WORDS_PER_SECOND = 2.6
TITLE_MAX_CHARS = 100
_WORD = re.compile(r"\w{3,}", re.UNICODE)


class OfflinePlanner:
    """Plans from templates in en/ru/uk/es/de/fr, or splits a multi-sentence prompt into scenes.

    A prompt of four sentences or more is taken as the user's script. In languages without templates the
    prompt's own sentences and clauses become the narration, so the storyboard keeps the prompt's language.
    """

    name = "offline"

    def __init__(self, *, transition_s: float = 0.5) -> None:
        self.transition_s = transition_s

    def plan(self, request: VideoRequest, *, system_prompt: PlannerPrompt | None = None) -> Storyboard:
        language = request.language or detect_language(request.prompt)
        topic = extract_topic(request.prompt, language)
        sentences = split_sentences(request.prompt)
        beats = BEATS.get(language.split("-")[0].lower())
        if len(sentences) >= SCRIPT_MIN_SENTENCES or beats is None:
            count = _scene_count(request, default=len(sentences))
            lines = [(text, _keywords(text, topic)) for text in _spread(_phrases(sentences, count), count)]
        else:
            count = _scene_count(request, default=DEFAULT_SCENES)
            picked = [beats[0], *_pick_middle(beats[1:-1], count - 2), beats[-1]][-count:]
            lines = [(b.narration.format(topic=topic), f"{topic} {b.visual_hint}") for b in picked]
        durations = self._durations([text for text, _ in lines], request.duration_s)
        scenes = [
            Scene(index=i, narration=text, visual_query=query, duration_s=d)
            for i, ((text, query), d) in enumerate(zip(lines, durations, strict=True))
        ]
        return Storyboard(
            title=_title(topic),
            description=request.prompt,
            language=language,
            aspect=request.aspect or "16:9",
            scenes=scenes,
        )

    def _durations(self, narrations: list[str], target_s: float | None) -> list[float]:
        if target_s is not None:
            each = (target_s + self.transition_s * (len(narrations) - 1)) / len(narrations)
            return [round(each, 3)] * len(narrations)
        return [round(min(10.0, max(3.0, len(t.split()) / WORDS_PER_SECOND + 1.2)), 3) for t in narrations]


def _scene_count(request: VideoRequest, *, default: int) -> int:
    if request.scenes is not None:
        return request.scenes
    wanted = round(request.duration_s / 5) if request.duration_s is not None else default
    return min(MAX_AUTO_SCENES, max(MIN_AUTO_SCENES, wanted))


def _pick_middle(beats: list, count: int) -> list:
    """`count` middle beats spread evenly over the story arc, in order."""
    if count <= 0:
        return []
    if count >= len(beats):
        return [beats[i % len(beats)] for i in range(count)]
    step = len(beats) / count
    return [beats[int(i * step)] for i in range(count)]


def _phrases(sentences: list[str], count: int) -> list[str]:
    """Sentences, split further at clause boundaries while there are fewer than `count`."""
    phrases = list(sentences)
    while len(phrases) < count:
        longest = max(range(len(phrases)), key=lambda i: len(phrases[i]))
        parts = [p.strip() for p in re.split(r"(?<=[,;:])\s+", phrases[longest], maxsplit=1) if p.strip()]
        if len(parts) < 2:
            break
        phrases[longest : longest + 1] = parts
    return phrases


def _spread(phrases: list[str], count: int) -> list[str]:
    """Exactly `count` narrations: consecutive phrases grouped, or cycled when there are too few."""
    if len(phrases) >= count:
        bounds = [round(i * len(phrases) / count) for i in range(count + 1)]
        return [" ".join(phrases[a:b]) for a, b in zip(bounds, bounds[1:], strict=False)]
    return [phrases[i % len(phrases)] for i in range(count)]


def _keywords(text: str, topic: str, limit: int = 6) -> str:
    words = [w for w in _WORD.findall(f"{text} {topic}".lower()) if w not in STOPWORDS]
    return " ".join(list(dict.fromkeys(words))[:limit])


def _title(topic: str) -> str:
    title = topic[:1].upper() + topic[1:]
    return title if len(title) <= TITLE_MAX_CHARS else title[: TITLE_MAX_CHARS - 1].rstrip() + "…"
