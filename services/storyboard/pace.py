"""How long narration takes to speak with the offline voice, estimated from its syllables before any audio exists.

The offline writer sizes its script with this, so the narration spoken at its natural pace fills the length asked
for; the narrator then only nudges the speed (see services/narration/audio.py) instead of stretching short speech.
"""

import math
import re

from services.models import NARRATION_PADDING_S, SENTENCE_PAUSE_S
from services.storyboard.language import split_sentences

SYLLABLES_PER_SECOND = {"en": 5.0, "ru": 6.0, "uk": 3.6, "es": 5.8, "de": 4.9, "fr": 6.3}
"""espeak-ng's speech rate at the project's pace (services/narration/espeak.py WORDS_PER_MINUTE, speed 1.0) as
vowel groups per second of audio, besides its pauses at commas, fitted over the phrasebooks' sentences (one
sentence to the next still varies 8-13%, which the narrator's speed fitting absorbs)."""
CLAUSE_PAUSE_S = 0.3
"""espeak-ng pauses about this long at a comma, semicolon, colon or dash inside a sentence."""
DEFAULT_SYLLABLES_PER_SECOND = 5.0
_CLAUSE_MARK = re.compile(r"[,;:—–]")
_NUMBER = re.compile(r"\d+")
SYLLABLES_PER_DIGIT = 1.5
"""A number is spoken as words ("50" -> "fifty", "2026" -> "two thousand twenty-six"): about this many per digit."""
PERCENT_SYLLABLES = 2
_VOWELS = re.compile(r"[aeiouyàáâãäåæèéêëìíîïòóôõöøùúûüýÿœаеёиоуыэюяіїє]+", re.IGNORECASE)


def syllables(text: str) -> int:
    """Vowel groups, plus numbers and % read as words: a syllable count good enough to time speech (the rates above
    were measured the same way)."""
    digits = sum(len(number) for number in _NUMBER.findall(text))
    return len(_VOWELS.findall(text)) + math.ceil(SYLLABLES_PER_DIGIT * digits) + PERCENT_SYLLABLES * text.count("%")


def speech_s(text: str, language: str) -> float:
    """Seconds the voice needs for `text`: its sentences at the language's rate, with the pauses between them."""
    sentences = split_sentences(text)
    if not sentences:
        return 0.0
    rate = SYLLABLES_PER_SECOND.get(language.split("-")[0].lower(), DEFAULT_SYLLABLES_PER_SECOND)
    spoken = sum(max(1, syllables(s)) for s in sentences) / rate
    clauses = len(_CLAUSE_MARK.findall(" ".join(sentences)))
    return spoken + CLAUSE_PAUSE_S * clauses + SENTENCE_PAUSE_S * (len(sentences) - 1)


def speech_budget_s(target_s: float, scenes: int, transition_s: float) -> float:
    """Seconds of speech (pauses between sentences included) that a video of `target_s` holds: the timeline gives
    each narrated scene its speech plus NARRATION_PADDING_S, and the opening scene half a transition more."""
    return max(1.0, target_s - NARRATION_PADDING_S * scenes - (transition_s / 2 if scenes > 1 else 0.0))


def scene_weights(speech: list[float], transition_s: float) -> list[float]:
    """Each scene's share of the video as the timeline will measure it: speech, padding and its crossfades."""
    if len(speech) < 2:
        return list(speech)
    return [s + NARRATION_PADDING_S + (transition_s / 2 if i == 0 else transition_s) for i, s in enumerate(speech)]
