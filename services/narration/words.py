"""Words of a narration: what a voice may read, how a sentence splits into caption words, and when each is spoken.

Voices report word times in their own way (espeak-ng: an event per word; Whisper: a transcript of the audio, which
may hear "1990" as two words or miss one); `align` maps whatever they report onto the sentence's own words by
order, and words nobody timed are spread by syllables between the ones that were.
"""

import re
import unicodedata
from difflib import SequenceMatcher

from services.models import WordSpan

KEPT_SYMBOLS = frozenset("°№")
"""Symbols of category So that are read as words ("degrees", "number"), not pictographs."""
_INVISIBLE = frozenset({"\u200d", "\u20e3"}) | {chr(c) for c in range(0xFE00, 0xFE10)}
_VOWELS = frozenset("aeiouyæøœаеёиоуыэюяєіїαεηιουω")
_SPACES = re.compile(r"\s+")
Heard = tuple[str, float]
"""A word as a voice reported it, with its start in seconds."""


def speakable(text: str) -> str:
    """The text without emoji, pictographs, modifier symbols, variation selectors, joiners and tag characters."""
    kept = [ch for ch in text if _spoken_char(ch)]
    return _SPACES.sub(" ", "".join(kept)).strip()


def _spoken_char(ch: str) -> bool:
    if ch in KEPT_SYMBOLS:
        return True
    if ch in _INVISIBLE or 0xE0000 <= ord(ch) <= 0xE01EF:  # tags and supplementary variation selectors
        return False
    return unicodedata.category(ch) not in ("So", "Sk", "Cs", "Co")


def caption_words(sentence: str) -> list[str]:
    """The sentence's words as written; a token without letters or digits ("—") joins the word before it."""
    words: list[str] = []
    for token in sentence.split():
        if words and not _has_word_chars(token):
            words[-1] = f"{words[-1]} {token}"
        else:
            words.append(token)
    return words


def _has_word_chars(token: str) -> bool:
    return any(ch.isalnum() for ch in token)


def syllables(word: str) -> int:
    """Vowel groups in a word (at least one): the weight of a word when spreading time without timings."""
    letters = "".join(unicodedata.normalize("NFD", ch)[0] for ch in word.lower())
    groups, previous = 0, False
    for ch in letters:
        vowel = ch in _VOWELS
        groups += vowel and not previous
        previous = vowel
    digits = sum(ch.isdigit() for ch in letters)
    return max(1, groups + digits)


def spread(words: list[str], start_s: float, end_s: float) -> list[WordSpan]:
    """Words laid over [start_s, end_s] in proportion to their syllables."""
    return _spans(words, _interpolate(words, {}, start_s, end_s), end_s)


def align(words: list[str], heard: list[Heard], start_s: float, end_s: float) -> list[WordSpan]:
    """The sentence's words timed by what a voice reported: (word, start) pairs in the sentence's time.

    Words matched by text (in order) take the reported start, as does the first word of a stretch heard differently;
    the rest are spread by syllables between their timed neighbours. With nothing matched but something heard, the
    i-th word takes the start of the proportional heard word, so a transcript in another script still helps.
    """
    if not words:
        return []
    anchors = _anchors(words, heard, start_s, end_s)
    return _spans(words, _interpolate(words, anchors, start_s, end_s), end_s)


def _anchors(words: list[str], heard: list[Heard], start_s: float, end_s: float) -> dict[int, float]:
    heard = [(text, min(max(at, start_s), end_s)) for text, at in heard if _normal(text)]
    if not heard:
        return {}
    matcher = SequenceMatcher(None, [_normal(w) for w in words], [_normal(t) for t, _ in heard], autojunk=False)
    anchors: dict[int, float] = {}
    for tag, a1, a2, b1, _b2 in matcher.get_opcodes():
        if tag == "equal":
            anchors.update({a1 + k: heard[b1 + k][1] for k in range(a2 - a1)})
        elif tag == "replace":  # heard differently ("1990" as "nineteen ninety"): it starts where that does
            anchors[a1] = heard[b1][1]
    if matcher.ratio() == 0:
        anchors = {i: heard[i * len(heard) // len(words)][1] for i in range(len(words))}
    return _monotonic(anchors)


def _monotonic(anchors: dict[int, float]) -> dict[int, float]:
    """Drops anchors that would make time run backwards (a transcript that matched a repeated word too late)."""
    kept: dict[int, float] = {}
    latest = float("-inf")
    for index in sorted(anchors):
        if anchors[index] >= latest:
            kept[index] = latest = anchors[index]
    return kept


def _interpolate(words: list[str], anchors: dict[int, float], start_s: float, end_s: float) -> list[float]:
    """Start times for all words: anchors kept, the words between two anchors spread by syllables."""
    fixed = {0: anchors.get(0, start_s), **anchors}
    points = sorted(fixed.items()) + [(len(words), end_s)]
    starts: list[float] = []
    for (left, left_s), (right, right_s) in zip(points, points[1:], strict=False):
        weights = [syllables(w) for w in words[left:right]]
        total, cursor = sum(weights), 0
        for weight in weights:
            starts.append(left_s + (right_s - left_s) * cursor / total)
            cursor += weight
    return starts


def _spans(words: list[str], starts: list[float], end_s: float) -> list[WordSpan]:
    """A word ends where the next begins; the last one where the sentence ends."""
    ends = starts[1:] + [end_s]
    return [
        WordSpan(text=w, start_s=round(s, 4), end_s=round(max(s, e), 4))
        for w, s, e in zip(words, starts, ends, strict=True)
    ]


def _normal(text: str) -> str:
    return "".join(ch for ch in text.casefold() if ch.isalnum())
