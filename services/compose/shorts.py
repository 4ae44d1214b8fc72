"""Shorts-style captions: 1-4 words at a time, the word being spoken highlighted.

Each (group of words, spoken word) is one cue, so the caption layer still draws every image once. Word times come
from the narration's word spans; a sentence without them shares its span among its words in proportion to their
syllables (vowel groups, at least one per word; a digit counts as one), which follows speech far better than
splitting by characters.
"""

import re

from services.compose.caption_style import caption_layout
from services.compose.caption_text import clean_caption_text
from services.compose.captions import MAX_CUE_CHARS, Cue, timed_pieces, without_overlaps
from services.compose.plan import RenderPlan, ScenePlan
from services.models import SentenceSpan, WordSpan
from services.narration.words import caption_words, spread

MAX_WORDS = 4
HOLD_S = 0.3
"""How long the last word of a group stays up after it is spoken, unless the next group starts sooner."""
_BREAK_AFTER = re.compile(r"[,;:.!?…—–]$")


def shorts_cues(plan: RenderPlan) -> list[Cue]:
    """Cues of 1-4 words, one per spoken word, on the video clock; groups never span two sentences."""
    layout = caption_layout(plan.width, plan.height, "shorts")
    max_chars = 2 * layout.line_chars(plan.width)
    cues: list[Cue] = []
    for scene in plan.scenes:
        for words in _sentence_words(scene):
            for group in group_words(words, max_chars=max_chars):
                cues.extend(_highlight_cues(group))
    return without_overlaps(cues, limit=plan.duration_s)


def _sentence_words(scene: ScenePlan) -> list[list[WordSpan]]:
    """Timed words of each sentence the scene shows; an unnarrated scene's text spreads over its time on screen."""
    narration = scene.clip.narration
    if narration is not None and narration.sentences:
        offset = scene.narration_start_s
        return [_shifted(sentence_words(s), offset) for s in narration.sentences]
    text = clean_caption_text(scene.clip.scene.narration)
    pieces = timed_pieces(text, *scene.seen_alone, max_chars=MAX_CUE_CHARS)
    return [spread(caption_words(p.text), p.start_s, p.end_s) for p in pieces]


def sentence_words(sentence: SentenceSpan) -> list[WordSpan]:
    """The sentence's words as written (punctuation kept), timed by its word spans when they match the text."""
    written = caption_words(clean_caption_text(sentence.text))
    spoken = [w for w in sentence.words if clean_caption_text(w.text)]
    if not written:
        return []
    if not spoken:
        return spread(written, sentence.start_s, sentence.end_s)
    if len(spoken) == len(written):
        return [WordSpan(text=t, start_s=w.start_s, end_s=w.end_s) for t, w in zip(written, spoken, strict=True)]
    return [w.model_copy(update={"text": clean_caption_text(w.text)}) for w in spoken]


def group_words(words: list[WordSpan], *, max_chars: int, max_words: int = MAX_WORDS) -> list[list[WordSpan]]:
    """Consecutive words in groups of at most `max_words` and `max_chars`, broken after punctuation; a final lone
    word borrows one from a full group before it."""
    groups: list[list[WordSpan]] = []
    for word in words:
        current = groups[-1] if groups else []
        chars = len(" ".join(w.text for w in [*current, word]))
        if not current or len(current) >= max_words or chars > max_chars or _BREAK_AFTER.search(current[-1].text):
            groups.append([word])
        else:
            current.append(word)
    if len(groups) >= 2 and len(groups[-1]) == 1 and len(groups[-2]) >= 3:
        if not _BREAK_AFTER.search(groups[-2][-1].text):
            groups[-1].insert(0, groups[-2].pop())
    return groups


def _highlight_cues(group: list[WordSpan]) -> list[Cue]:
    """One cue per word of the group, from when it is spoken until the next word is; the last one holds a little."""
    text = " ".join(w.text for w in group)
    words = [w.text for w in group]
    cues = []
    for i, word in enumerate(group):
        end = group[i + 1].start_s if i + 1 < len(group) else word.end_s + HOLD_S
        cues.append(Cue(start_s=word.start_s, end_s=round(end, 3), text=text, words=words, highlight=i))
    return cues


def _shifted(words: list[WordSpan], offset: float) -> list[WordSpan]:
    return [
        w.model_copy(update={"start_s": round(w.start_s + offset, 3), "end_s": round(w.end_s + offset, 3)})
        for w in words
    ]
