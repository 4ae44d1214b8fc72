"""A deterministic planner that needs no network: narration from phrasebooks per language, or the user's own script."""

import logging
import re

from services.models import MAX_SCENES, NARRATION_PADDING_S, Scene, Storyboard, VideoRequest
from services.storyboard.base import PlannerPrompt
from services.storyboard.intent import Intent, clean_script, is_instruction, read_intent
from services.storyboard.language import STOPWORDS, detect_language, split_sentences
from services.storyboard.pace import scene_weights, speech_budget_s, speech_s
from services.storyboard.phrases import PHRASEBOOKS
from services.storyboard.timing import MAX_SCENE_S, fit_durations
from services.storyboard.writer import topic_query, write_lines

DEFAULT_TARGET_S = 40.0
DEFAULT_MOOD = "calm"
MIN_AUTO_SCENES, MAX_AUTO_SCENES = 4, 8
SHORT_VIDEO_S, MIN_SHORT_SCENES = 20.0, 3
SECONDS_PER_SCENE, SECONDS_PER_SHORT_SCENE, SHORT_SCENE_MAX_S = 6.0, 5.0, 8.0
"""Viewers of shorts expect a cut every 3-6 seconds: up to SHORT_VIDEO_S a scene lasts about five (20 s -> 4),
and none lasts more than SHORT_SCENE_MAX_S where the others can take the time."""
SCRIPT_MIN_SENTENCES = 4
WORDS_PER_SECOND = 2.4
TITLE_MAX_CHARS = 100
_WORD = re.compile(r"\w{3,}", re.UNICODE)
_RU_UK_ABOUT = re.compile(r"^(?:о|об|обо|про)\s(?!то,|те,|том,)", re.IGNORECASE)
SHORT_SCRIPT = 0.9
logger = logging.getLogger(__name__)


class OfflinePlanner:
    """Plans from phrasebooks in en/ru/uk/es/de/fr, or splits a multi-sentence prompt into scenes.

    The request's text is read first (`read_intent`): its topic feeds the narration; its length, frame, count and
    tone set the storyboard unless the request's own fields say otherwise. A prompt of four sentences or more is
    the user's script (directions such as "Make it vertical." are dropped). In languages without a phrasebook the
    prompt's own sentences and clauses become the narration, so the storyboard keeps the prompt's language.
    """

    name = "offline"

    def __init__(self, *, transition_s: float = 0.5) -> None:
        self.transition_s = transition_s

    def plan(self, request: VideoRequest, *, system_prompt: PlannerPrompt | None = None) -> Storyboard:
        language = request.language or detect_language(request.prompt)
        intent = read_intent(request.prompt, language)
        book = PHRASEBOOKS.get(intent.language)
        sentences = split_sentences(request.prompt)
        high = MAX_SCENE_S
        if len(sentences) >= SCRIPT_MIN_SENTENCES or book is None:
            lines, target = self._script(request, intent, sentences)
        else:
            target = request.duration_s or intent.duration_s or DEFAULT_TARGET_S
            count = _scene_count(request, intent, target)
            budget = speech_budget_s(target, count, self.transition_s)
            cap = self._speech_cap(target)
            lines = write_lines(intent, book, count, budget, scene_cap_s=cap)
            _warn_if_short(lines, budget, intent.language)
            high = MAX_SCENE_S if cap is None else SHORT_SCENE_MAX_S
        weights = scene_weights([speech_s(text, language) for text, _ in lines], self.transition_s)
        durations = fit_durations(weights, target, self.transition_s, high=high)
        scenes = [
            Scene(index=i, narration=text, visual_query=query, duration_s=d)
            for i, ((text, query), d) in enumerate(zip(lines, durations, strict=True))
        ]
        return Storyboard(
            title=_title(intent),
            description=scenes[0].narration,
            language=language,
            aspect=request.aspect or intent.aspect or "16:9",
            scenes=scenes,
            mood=intent.mood or DEFAULT_MOOD,
            target_duration_s=target,
        )

    def _speech_cap(self, target: float) -> float | None:
        """The most speech one scene of a short may hold: SHORT_SCENE_MAX_S less its padding and crossfade."""
        if target > SHORT_VIDEO_S:
            return None
        return SHORT_SCENE_MAX_S - NARRATION_PADDING_S - self.transition_s

    def _script(
        self, request: VideoRequest, intent: Intent, sentences: list[str]
    ) -> tuple[list[tuple[str, str]], float]:
        """The prompt's own sentences as narration, without the sentences that direct the video."""
        kept = [s for s in sentences if not is_instruction(s)] or [intent.topic]
        spoken = [s if clean_script(s) == s else _sentence(clean_script(s)) for s in kept if clean_script(s)]
        count = _script_scene_count(request, default=len(spoken))
        texts = _spread(_phrases(spoken, count), count)
        words = sum(len(t.split()) for t in texts)
        target = request.duration_s or intent.duration_s or max(5.0, words / WORDS_PER_SECOND, 3.0 * len(texts))
        topic = topic_query(intent)
        return [(text, _keywords(text, topic)) for text in texts], target


def _warn_if_short(lines: list[tuple[str, str]], budget_s: float, language: str) -> None:
    """The phrasebook has a finite number of lines: a very long video can outrun them, and the voice then slows."""
    written = sum(speech_s(text, language) for text, _ in lines)
    if written < SHORT_SCRIPT * budget_s:
        logger.warning("offline narration: about %.0f s of speech written for %.0f s asked", written, budget_s)


def _scene_count(request: VideoRequest, intent: Intent, target: float) -> int:
    if request.scenes is not None:
        return request.scenes
    if intent.structure == "list" and intent.count:
        return min(intent.count + 2, MAX_SCENES)
    if target <= SHORT_VIDEO_S:
        return max(MIN_SHORT_SCENES, round(target / SECONDS_PER_SHORT_SCENE))
    return min(MAX_AUTO_SCENES, max(MIN_AUTO_SCENES, round(target / SECONDS_PER_SCENE)))


def _script_scene_count(request: VideoRequest, *, default: int) -> int:
    if request.scenes is not None:
        return request.scenes
    wanted = round(request.duration_s / SECONDS_PER_SCENE) if request.duration_s is not None else default
    return min(MAX_AUTO_SCENES, max(MIN_AUTO_SCENES, wanted))


def _sentence(text: str) -> str:
    text = text[:1].upper() + text[1:]
    return text if text[-1:] in ".!?…" else f"{text}."


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


def _title(intent: Intent) -> str:
    """The list's headline, "Про космос" style for ru/uk topics in an oblique case, else the topic capitalised."""
    if intent.structure == "list":
        base = intent.headline
    elif intent.language in ("ru", "uk") and _RU_UK_ABOUT.match(intent.about):
        base = intent.about
    else:
        base = intent.topic
    if intent.language == "de":
        base = re.sub(r"^(?:den|dem|des|einen|einem)\s+", "", base)
    title = base[:1].upper() + base[1:]
    return title if len(title) <= TITLE_MAX_CHARS else title[: TITLE_MAX_CHARS - 1].rstrip() + "…"
