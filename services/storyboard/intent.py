"""What a video request asks for, read from its text: the topic apart from the instruction, and the length, frame,
item count, audience and tone it mentions. Explicit request fields are applied by the planners and win over this."""

import re
from typing import Literal

from pydantic import BaseModel

from services.models import MAX_DURATION_S, MIN_DURATION_S, Aspect, Mood
from services.storyboard import intent_patterns as p
from services.storyboard.language import split_sentences
from services.storyboard.questions import english_clause, german_clause

Structure = Literal["list", "explainer", "story"]
Audience = Literal["kids", "beginners", "students"]
_SPACES = re.compile(r"\s+")
_TRAILING_JUNK = re.compile(
    r"(?:[\s,;:—–-]+|\s+(?:in|for|as|and|with|в|для|и|і|та|en|para|y|con|für|und|mit|pour|et|avec))+$", p.FLAGS
)
_QUOTES = "\"'«»“”„"
_TRAILING_VIDEO = re.compile(
    r"(?:\s*[,;:—–-]\s*(?:an?\s+|un\s+|una\s+|ein\s+|une\s+)?|\s+(?:an?|un|una|ein|une)\s+)"
    r"(?:short\s+|quick\s+)?(?:video|clip|explainer|film|видео|ролик|відео|vídeo|vidéo)$",
    p.FLAGS,
)
_WITH_TONE = re.compile(
    r"(?:,\s*)?\b(?:with|in|с|з|в|у|con|en|mit|in|avec|sur)\s+(?:an?\s+|un\s+|una\s+|einem?\s+|une?\s+)?(?P<tone>[\w'-]+)"
    r"\s+(?:music|vibe|mood|tone|feel|feeling|style|музык\w*|музик\w*|настроени\w*|настро\w*|тоне|música|"
    r"tono|musik|stimmung|ton|musique|ambiance)\b",
    p.FLAGS,
)
_TONE_NEAR_NOUN = r"(?=(?:\s+[\w'-]+){0,3}?\s+(?:" + p._NOUNS + r")\b)"
_RU_UK_PREPOSITIONS = re.compile(r"^(?:о|об|обо|про|для|по|на\s+тему|по\s+теме|щодо)$", p.FLAGS)
_RU_UK_ABOUT_WORDS = re.compile(r"^(?:о|об|обо|про|щодо)$", p.FLAGS)


class Intent(BaseModel):
    """A request understood: the topic (a noun phrase or a how/why clause) and the choices its text states."""

    language: str
    topic: str
    about: str
    subject: str
    """The topic as lines that talk about it read it: `about`, except in a list whose tail states its purpose
    ("5 tips for better sleep": lines say "about better sleep", not "about for better sleep")."""
    headline: str
    aspect: Aspect | None = None
    duration_s: float | None = None
    count: int | None = None
    items: str | None = None
    item_kind: Literal["tip", "item"] | None = None
    audience: Audience | None = None
    mood: Mood | None = None
    structure: Structure = "story"


def read_intent(prompt: str, language: str) -> Intent:
    """Read the instruction apart from the topic; see the module docstring."""
    lang = language.split("-")[0].lower()
    text = _squash(prompt)
    aspect, text = _read_aspect(text)
    duration, text = _read_length(text)
    audience, text = _read_audience(text)
    text = _squash(p.FOR_CHANNEL.sub(" ", text))
    mood, text = _read_tone(text)
    headline, _ = _strip_instruction(text)
    count, items, kind, tail, rest = _read_count(text)
    topic, connector = _strip_instruction(rest)
    connector = tail or connector
    purpose = ""
    if lang == "en" and tail.lower() == "to" and topic:
        purpose, topic, connector = f"{tail} {topic}", f"how to {topic}", ""
    named = bool(topic)
    topic = topic or headline or _squash(prompt).strip(" .!?…")
    topic = _case(topic, prompt, lang)
    structure: Structure = "list" if count else "story"
    if structure == "story" and (p.QUESTION_START.match(topic) or p.EXPLAINER_WORDS.search(prompt)):
        structure = "explainer"
    return Intent(
        language=lang,
        topic=topic,
        about=purpose or (_list_about(topic, connector, tail, lang) if named or not count else ""),
        subject=_about(topic, _subject_connector(tail or connector, lang), lang),
        headline=_case(headline or topic, prompt, lang),
        aspect=aspect,
        duration_s=duration,
        count=count,
        items=items,
        item_kind=kind,
        audience=audience,
        mood=mood or ("playful" if audience == "kids" else None),
        structure=structure,
    )


def clean_script(text: str) -> str:
    """A script sentence without frame, length and tone directions (the instruction itself is dropped by callers)."""
    text = _read_aspect(text)[1]
    text = _read_length(text)[1]
    return _finish(_read_tone(text)[1]) if text else ""


def is_instruction(sentence: str) -> bool:
    """Whether a sentence directs the video ("Make it vertical.", "Create a video about ...") rather than narrates."""
    return bool(p.INSTRUCTION.match(sentence.strip()) or p.HEADING.match(sentence.strip()))


def _squash(text: str) -> str:
    return _SPACES.sub(" ", text).strip()


def _read_aspect(text: str) -> tuple[Aspect | None, str]:
    text, platform_nouns = p.PLATFORM_NOUN.subn("a video", text)
    found: Aspect | None = "9:16" if platform_nouns else None
    for aspect, pattern in [*p.FRAMES, *p.FRAMES_AFTER_NOUN]:
        if found is None and pattern.search(text):
            found = aspect  # type: ignore[assignment]
        text = pattern.sub(lambda m: m.groupdict().get("keep") or "", text)
    return found, _squash(text)


def _read_length(text: str) -> tuple[float | None, str]:
    seconds: float | None = None
    match = p.LENGTH.search(text)
    if match:
        num = match["num"].lower().replace(",", ".")
        value = float(p.NUMBER_WORDS.get(num, 0) or num)
        seconds = value * 60 if re.match(p._MINUTES + "$", match["unit"], p.FLAGS) else value
        text = p.LENGTH.sub(" ", text, count=1)
    elif match := p.LENGTH_HALF.search(text):
        seconds, text = 30.0, p.LENGTH_HALF.sub(" ", text, count=1)
    elif p.LENGTH_ONE_UNIT.search(text):
        seconds = 60.0
        text = p.LENGTH_ONE_UNIT.sub(" ", text, count=1)
    elif match := p.LENGTH_ADJECTIVE.search(text):
        seconds = 60 * p.MULTIPLIERS.get((match["mult"] or "").lower(), 1)
        text = p.LENGTH_ADJECTIVE.sub(" ", text, count=1)
    if seconds is not None:
        seconds = min(MAX_DURATION_S, max(MIN_DURATION_S, seconds))
    return seconds, _squash(text)


def _read_audience(text: str) -> tuple[Audience | None, str]:
    for who, pattern in p.AUDIENCE:
        if pattern.search(text):
            return who, _squash(pattern.sub(" ", text, count=1))  # type: ignore[return-value]
    return None, text


def _read_tone(text: str) -> tuple[Mood | None, str]:
    """A tone word counts when it qualifies the video ("a calm video", "with upbeat music"), not the topic."""
    found: Mood | None = None
    for match in _WITH_TONE.finditer(text):
        found = found or _mood_of(match["tone"])
        if found:
            text = text.replace(match[0], " ")
    for mood, pattern in p.TONE:
        before = re.compile(pattern.pattern + _TONE_NEAR_NOUN, p.FLAGS)
        after = re.compile(r"(?P<keep>\b(?:" + p._NOUNS + r")\s+)" + pattern.pattern, p.FLAGS)
        if before.search(text) or after.search(text):
            found = found or mood  # type: ignore[assignment]
            text = after.sub(lambda m: m["keep"], before.sub(" ", text))
    return found, _squash(text)


def _mood_of(word: str) -> Mood | None:
    return next((m for m, pattern in p.TONE if pattern.fullmatch(word)), None)  # type: ignore[misc]


def _read_count(text: str) -> tuple[int | None, str | None, Literal["tip", "item"] | None, str, str]:
    """(count, the items' noun as written, its kind, the connector after it, the text without the phrase)."""
    for pattern in (p.COUNT_TOP, p.COUNT_ITEMS):
        match = pattern.search(text)
        if not match:
            continue
        num = match["num"].lower()
        count = p.NUMBER_WORDS.get(num) or int(num) if not num.isdigit() else int(num)
        if not count or count < 1:
            continue
        items = match["tips"] or match["facts"]
        kind: Literal["tip", "item"] = "tip" if match["tips"] or not items else "item"
        tail = _tail(match[0], items)
        rest = text[: match.start()] + " " + text[match.end() :]
        return count, items, kind, tail, _squash(rest)
    return None, None, None, "", text


def _tail(phrase: str, items: str | None) -> str:
    """The connector that ends a count phrase ("for" in "Top 5 tips for ...")."""
    if not items:
        return ""
    after = phrase[phrase.lower().rfind(items.lower()) + len(items) :].strip()
    return after


def _strip_instruction(text: str) -> tuple[str, str]:
    """(the first sentence without the instruction, the connector that joined them)."""
    sentences = split_sentences(text) or [text]
    first = next((s for s in sentences if _finish(s)), sentences[0])
    connector = ""
    for pattern in (p.INSTRUCTION, p.HEADING, p.EXPLAIN):
        match = pattern.match(first)
        if match:
            groups = match.groupdict()
            connector = (groups.get("connector") or groups.get("connector2") or "").strip(" ,")
            first = first[match.end() :]
            break
    return _finish(first), connector


def _finish(text: str) -> str:
    text = _squash(re.sub(r"\s+([,.;:!?])", r"\1", text))
    for _ in range(3):
        text = _strip_edges(p.LEADING_JUNK.sub("", text))
        text = _strip_edges(_TRAILING_JUNK.sub("", text))
        text = _strip_edges(_TRAILING_VIDEO.sub("", text))
    return text


def _strip_edges(text: str) -> str:
    """Punctuation off both ends; a quote mark only when it has no partner left ('"50% off" sales' keeps it)."""
    text = text.strip(" .!?…;¿¡")
    while text and text[0] in _QUOTES and text.count(text[0]) % 2 == 1 and not _closes(text):
        text = text[1:].strip(" .!?…;")
    while text and text[-1] in _QUOTES and text.count(text[-1]) % 2 == 1 and not _opens(text):
        text = text[:-1].strip(" .!?…;")
    return text


def _closes(text: str) -> bool:
    return text[0] in "«“„" and any(c in text for c in "»”“")


def _opens(text: str) -> bool:
    return text[-1] in "»”" and any(c in text for c in "«“„")


def _case(topic: str, prompt: str, lang: str) -> str:
    """Lower the first letter when it was capitalised only for starting the prompt (not a name, not German)."""
    first = topic.split(" ", 1)[0]
    starts_prompt = _squash(prompt).lstrip("¿¡").lower().startswith(first.lower())
    if lang != "de" and starts_prompt and len(first) > 1 and first[0].isupper() and first[1:].islower():
        return topic[0].lower() + topic[1:]
    return topic


def _list_about(topic: str, connector: str, tail: str, lang: str) -> str:
    """`about` for lines after a list's noun ("5 tips {a}"): its purpose as written ("for better sleep"), else the
    topic as `_about` reads it."""
    return f"{tail} {topic}" if tail and (lang != "en" or tail.lower() != "to") else _about(topic, connector, lang)


def _subject_connector(connector: str, lang: str) -> str:
    """The connector `_about` is given for `Intent.subject`: in Russian and Ukrainian only a word meaning "about"
    (о, про, щодо) keeps its case; a purpose ("для продуктивной работы") reads as a theme instead."""
    if lang in ("ru", "uk") and not _RU_UK_ABOUT_WORDS.match(connector):
        return ""
    return connector


def _about(topic: str, connector: str, lang: str) -> str:
    """The topic as a phrase that reads grammatically after "this video is" in the language's templates."""
    question = bool(p.QUESTION_START.match(topic))
    low = connector.lower()
    if lang in ("ru", "uk"):
        if question:
            return ("о том, " if lang == "ru" else "про те, ") + topic
        if connector and _RU_UK_PREPOSITIONS.match(low) and low not in ("по", "по теме"):  # "поговорим по ..." is wrong
            return f"{low} {topic}"
        return f"на тему «{topic}»"
    if lang == "de":
        if question:
            return f"darüber, {german_clause(topic)}"
        return f"über {topic}" if low == "über" else f"über das Thema „{topic}“"
    if lang == "fr":
        return f"sur {topic}" if low in ("sur", "") or question else f"sur le thème « {topic} »"
    if lang == "es":
        return f"sobre {topic}"
    return english_clause(topic) if question else topic
