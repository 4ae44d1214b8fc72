"""Keyword matching shared by providers that describe assets with words (file names, sidecars, tags)."""

import re

from services.storyboard.language import STOPWORDS

_TOKEN = re.compile(r"[^\W_]+", re.UNICODE)


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


def _singular(word: str) -> str:
    """A rough English singular: 'cities' -> 'city', 'foxes' -> 'fox', 'cats' -> 'cat'."""
    if len(word) <= 3 or not word.endswith("s") or word.endswith("ss"):
        return word
    if word.endswith("ies"):
        return word[:-3] + "y"
    if word.endswith(("xes", "ches", "shes", "sses", "zes")):
        return word[:-2]
    return word[:-1]
