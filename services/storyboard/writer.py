"""Offline narration from a phrasebook: a list, an explanation or a story arc, filled to a speaking-time budget."""

import hashlib
import random
import re

from services.storyboard.french import de_phrase
from services.storyboard.intent import Intent
from services.storyboard.language import STOPWORDS
from services.storyboard.pace import speech_s
from services.storyboard.phrases import Phrasebook

_HINTS = ["close up", "people", "hands", "wide shot"]
_WORD = re.compile(r"[^\W\d_][\w'-]*", re.UNICODE)
Line = tuple[str, str]
_SENTENCE_END = re.compile(r"(?<=[.!?…])\s+")
_CLAUSE_ABOUT = re.compile(r"^(?:darüber|о том|про те),")


def seeded(intent: Intent) -> random.Random:
    """A generator seeded by the topic: the same prompt gives the same text, another topic other variants."""
    digest = hashlib.sha256(f"{intent.language}:{intent.topic.lower()}".encode()).digest()
    return random.Random(int.from_bytes(digest[:8], "big"))


def write_lines(
    intent: Intent, book: Phrasebook, count: int, seconds: float, *, scene_cap_s: float | None = None
) -> list[Line]:
    """`count` (narration, visual query) pairs whose narration takes about `seconds` to speak (pace.speech_s).

    `scene_cap_s` marks a short video: no scene's speech grows past it where a shorter line can be found, and each
    beat keeps only its first sentence so that the room left goes to lines naming the topic."""
    rng = seeded(intent)
    short = scene_cap_s is not None
    middle = max(count - 2, 0)
    if intent.structure == "list":
        first, body = _list_intro(intent, book, rng), _list_items(intent, book, middle, rng)
    else:
        first, body = _intro(intent, book, rng), _arc(book.explain if intent.structure == "explainer" else book.story,
                                                      middle, rng)  # fmt: skip
    body = [_fmt(line, intent) for line in body]
    if short and intent.structure != "list":
        body = [_SENTENCE_END.split(line)[0] for line in body]
    texts = [first, *body, rng.choice(book.outro)][:count] if count > 1 else [first]
    cap = scene_cap_s if scene_cap_s is not None else seconds
    texts = _fit_caps(texts, cap, intent.language)
    extra = _extra_lines(intent, book, rng)
    if short and intent.structure != "list":
        texts = _name_topic(texts, seconds, extra, language=intent.language, about=intent.subject, cap=cap)
    texts = _trim(texts, seconds, intent.language, keep=intent.subject)
    texts = _fill(texts, seconds, extra, language=intent.language, cap=cap)
    query = topic_query(intent)
    return [(text, _query(query, i, len(texts))) for i, text in enumerate(texts)]


def topic_query(intent: Intent) -> str:
    """The topic's content words; English keeps its case (names), other languages are lowercased."""
    words = [w for w in _WORD.findall(intent.topic) if w.lower() not in STOPWORDS and len(w) > 1]
    words = words if intent.language == "en" else [w.lower() for w in words]
    return " ".join(dict.fromkeys(words)) or intent.topic


def _query(topic_words: str, index: int, count: int) -> str:
    if index == 0 or index == count - 1:
        return topic_words
    return f"{topic_words} {_HINTS[(index - 1) % len(_HINTS)]}"


def _fmt(template: str, intent: Intent, **extra: object) -> str:
    de = de_phrase(intent.about) if intent.language == "fr" else intent.about
    line = template.format(a=intent.about, de=de, n=intent.count or "", items=intent.items or "", **extra)
    return _close_clause(re.sub(r"\s+(?=[.,])", "", line), intent.about)  # an empty {a}: "Here are 5 tips."


def _close_clause(line: str, about: str) -> str:
    """A topic that is a subordinate clause ("darüber, wie ...", "о том, как ...") ends with a comma where the
    sentence goes on after it ("Einige der besten Fragen darüber, wie X funktionieren, stellen Kinder.")."""
    if not _CLAUSE_ABOUT.match(about):
        return line
    return re.sub(re.escape(about) + r"(?= [^\W\d_])", lambda _: about + ",", line)


def _intro(intent: Intent, book: Phrasebook, rng: random.Random) -> str:
    greeting = {"kids": book.kids, "beginners": book.beginners}.get(intent.audience or "", "")
    line = _fmt(rng.choice(book.intro), intent)
    return f"{greeting} {line}" if greeting and intent.audience == "kids" else f"{line} {greeting}".strip()


def _list_intro(intent: Intent, book: Phrasebook, rng: random.Random) -> str:
    if not intent.items:
        return intent.headline[:1].upper() + intent.headline[1:] + "."
    line = _fmt(rng.choice(book.list_intro), intent)
    return line[:1].upper() + line[1:]


def _list_items(intent: Intent, book: Phrasebook, count: int, rng: random.Random) -> list[str]:
    pool = list(book.tips if intent.item_kind == "tip" else book.items)
    rng.shuffle(pool)
    label = book.tip_label if intent.item_kind == "tip" else book.item_label
    return [_fmt(pool[i % len(pool)], intent, label=label, i=i + 1) for i in range(count)]


def _arc(beats: list[list[str]], count: int, rng: random.Random) -> list[str]:
    """`count` beats spread evenly over the arc, in order; a beat used twice gives its other variant."""
    if count <= 0:
        return []
    picks = [int(i * len(beats) / count) for i in range(count)] if count <= len(beats) else [
        i * len(beats) // count for i in range(count)]  # fmt: skip
    offset = rng.randrange(len(beats[0]))
    seen: dict[int, int] = {}
    lines = []
    for beat in picks:
        seen[beat] = seen.get(beat, -1) + 1
        variants = beats[beat]
        lines.append(variants[(offset + seen[beat]) % len(variants)])
    return lines


def _extra_lines(intent: Intent, book: Phrasebook, rng: random.Random) -> list[str]:
    """The phrasebook's filler lines in a seeded order, a line naming the topic first and then every other one, so
    a longer narration keeps coming back to its subject without saying its name in every sentence."""
    topical = [_close_clause(line.format(a=intent.subject), intent.subject) for line in book.topic]
    general = list(book.more)
    rng.shuffle(topical)
    rng.shuffle(general)
    mixed = [line for pair in zip(topical, general, strict=False) for line in pair]
    return mixed + topical[len(general) :] + general[len(topical) :]


def _fill(texts: list[str], seconds: float, extra: list[str], *, language: str, cap: float) -> list[str]:
    """Lines from `extra`, never one twice, each to the middle scene with the least speech: the next one in order
    that still fits in `seconds`, else the one that overshoots least, as long as it brings the total closer; a
    line that would take its scene past `cap` is left for another."""
    pool = list(extra)
    texts = list(texts)
    spoken = [speech_s(t, language) for t in texts]
    middle = range(1, len(texts) - 1) if len(texts) > 2 else range(len(texts))
    while pool:
        shortest = min(middle, key=lambda i: spoken[i])
        gap = seconds - sum(spoken)
        longer = [speech_s(f"{texts[shortest]} {line}", language) - spoken[shortest] for line in pool]
        fitting = [k for k in range(len(pool)) if spoken[shortest] + longer[k] <= cap]
        if not fitting:
            break
        within = [k for k in fitting if longer[k] <= gap]
        closest = min(fitting, key=lambda k: abs(gap - longer[k]))
        if not within and abs(gap - longer[closest]) >= abs(gap):
            break
        line = pool.pop(within[0] if within else closest)
        texts[shortest] = f"{texts[shortest]} {line}"
        spoken[shortest] = speech_s(texts[shortest], language)
    return texts


def _name_topic(
    texts: list[str], seconds: float, extra: list[str], *, language: str, about: str, cap: float
) -> list[str]:
    """A short's middle scenes each get a line naming the topic (taken out of `extra`): after the scene's beat, or
    instead of it (a beat is generic), whichever with whichever line best fills the scene's share of the time."""
    texts = list(texts)
    middle = [i for i in range(1, len(texts) - 1) if about not in texts[i]]
    for n, i in enumerate(middle):
        topical = [line for line in extra if about in line]
        if not topical:
            break
        others = sum(speech_s(t, language) for k, t in enumerate(texts) if k != i and k not in middle[n:])
        share = min(cap, (seconds - others) / (len(middle) - n))
        options = [(line, text) for line in topical for text in (f"{texts[i]} {line}", line)]
        line, texts[i] = min(options, key=lambda o: abs(speech_s(o[1], language) - share))
        extra.remove(line)
    return texts


def _fit_caps(texts: list[str], cap: float, language: str) -> list[str]:
    """Each line longer than `cap` loses its last sentences (keeping at least one): an intro or outro keeps its
    short variant, a beat its first sentence."""
    fitted = []
    for text in texts:
        sentences = _SENTENCE_END.split(text)
        while len(sentences) > 1 and speech_s(" ".join(sentences), language) > cap:
            sentences.pop()
        fitted.append(" ".join(sentences))
    return fitted


def _trim(texts: list[str], seconds: float, language: str, *, keep: str) -> list[str]:
    """Over budget (short videos), lines lose sentences, keeping at least one each, while that brings the speaking
    time closer to `seconds`: each time the one drop that lands closest, of a line's last sentence that does not
    name the topic (`keep`), else its last."""
    texts = list(texts)
    while True:
        spoken = [speech_s(t, language) for t in texts]
        total = sum(spoken)
        shorter = {i: _drop_one(t, keep) for i, t in enumerate(texts) if len(_SENTENCE_END.split(t)) > 1}
        if total <= seconds or not shorter:
            return texts
        after = {i: total - spoken[i] + speech_s(t, language) for i, t in shorter.items()}
        best = min(after, key=lambda i: abs(after[i] - seconds))
        if abs(after[best] - seconds) >= total - seconds:
            return texts
        texts[best] = shorter[best]


def _drop_one(text: str, keep: str) -> str:
    sentences = _SENTENCE_END.split(text)
    drop = max((k for k, sentence in enumerate(sentences) if keep not in sentence), default=len(sentences) - 1)
    return " ".join(sentences[:drop] + sentences[drop + 1 :])
