"""Keyword matching shared by providers that describe assets with words (file names, sidecars, tags).

Two kinds of words: `tokens` (lower-case content words, used by the keyword embedder) and `stems` (snowball
stems, so "чёрные дыры" meets "чёрная дыра" and "galaxies" meets "galaxy"). Generic words that templates and
planners put into visual queries ("calm", "wide shot", "overview") describe no subject, so `GENERIC_WORDS`
never count as a match.
"""

import re
import threading
from functools import lru_cache
from typing import Any

import snowballstemmer  # type: ignore[import-untyped]

from services.storyboard.language import STOPWORDS

_TOKEN = re.compile(r"[^\W_]+", re.UNICODE)
_CYRILLIC = re.compile(r"[\u0400-\u04FF]")
_stem_lock = threading.Lock()  # a snowball stemmer keeps state while it stems a word

GENERIC_WORDS: frozenset[str] = frozenset(
    "calm bright concept overview shot shots wide establishing close closeup up detail details ending end everyday "
    "life future success challenge challenges problem history archive horizon background abstract footage video "
    "image photo picture scene beautiful nice view step steps stock general generic idea ideas".split()
)
"""Words of shot types and template hints: they say how to film, not what, so they never decide a match."""

SNOWBALL: dict[str, str] = {
    "en": "english", "ru": "russian", "uk": "russian", "be": "russian", "es": "spanish", "de": "german",
    "fr": "french", "it": "italian", "pt": "portuguese", "nl": "dutch", "sv": "swedish", "da": "danish",
    "no": "norwegian", "nb": "norwegian", "nn": "norwegian", "fi": "finnish", "hu": "hungarian", "ro": "romanian",
    "tr": "turkish", "pl": "polish", "cs": "czech", "el": "greek", "ar": "arabic", "ca": "catalan", "eu": "basque",
    "hy": "armenian", "et": "estonian", "ga": "irish", "id": "indonesian", "lt": "lithuanian", "ne": "nepali",
    "fa": "persian", "sr": "serbian", "ta": "tamil", "hi": "hindi", "yi": "yiddish", "eo": "esperanto",
    "st": "sesotho",
}  # fmt: skip
"""ISO 639-1 codes to snowball algorithms; Ukrainian and Belarusian have none, Russian stems them best."""


def tokens(text: str) -> set[str]:
    """Lower-case content words, with a plural 's' dropped so 'cats' matches 'cat'."""
    words = (w.lower() for w in _TOKEN.findall(text))
    return {_singular(w) for w in words if len(w) > 1 and w not in STOPWORDS}


def overlap_score(query: str, described_by: set[str]) -> float:
    """Share of the query's words that the asset's words cover, in [0, 1]."""
    wanted = tokens(query)
    if not wanted:
        return 0.0
    return len(wanted & described_by) / len(wanted)


def strip_generic(text: str) -> str:
    """The text without generic words, so an embedding is not pulled together by "calm" or "wide shot"."""
    return " ".join(w for w in _TOKEN.findall(text) if w.lower() not in GENERIC_WORDS)


def word_stems(text: str, language: str | None = None) -> list[frozenset[str]]:
    """Per content word (generic words left out), its stems: Cyrillic words by the Russian stemmer, others by the
    English one and by the stemmer of `language` when snowball has it."""
    extra = SNOWBALL.get((language or "").split("-")[0].lower())
    found = []
    for word in _TOKEN.findall(text.lower().replace("ё", "е")):
        if len(word) < 2 or word in STOPWORDS or word in GENERIC_WORDS:
            continue
        algorithms = {"russian" if _CYRILLIC.search(word) else "english"} | ({extra} if extra else set())
        found.append(frozenset(_stem(algorithm, word) for algorithm in algorithms))
    return found


@lru_cache(maxsize=16384)
def stems(text: str, language: str | None = None) -> frozenset[str]:
    """Every stem of every content word of the text (see word_stems)."""
    return frozenset().union(*word_stems(text, language))


def coverage(text: str, described_by: frozenset[str], language: str | None = None) -> float:
    """Share of the text's content words having a stem among `described_by`, in [0, 1]."""
    wanted = word_stems(text, language)
    if not wanted:
        return 0.0
    return sum(1 for word in wanted if word & described_by) / len(wanted)


@lru_cache(maxsize=65536)
def _stem(algorithm: str, word: str) -> str:
    with _stem_lock:
        return _stemmer(algorithm).stemWord(word)


@lru_cache(maxsize=64)
def _stemmer(algorithm: str) -> Any:
    return snowballstemmer.stemmer(algorithm)


def _singular(word: str) -> str:
    """A rough English singular: 'cities' -> 'city', 'foxes' -> 'fox', 'cats' -> 'cat'."""
    if len(word) <= 3 or not word.endswith("s") or word.endswith("ss"):
        return word
    if word.endswith("ies"):
        return word[:-3] + "y"
    if word.endswith(("xes", "ches", "shes", "sses", "zes")):
        return word[:-2]
    return word[:-1]
