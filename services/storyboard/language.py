"""Cheap offline language detection and topic extraction for the offline planner."""

import re

_CYRILLIC = re.compile(r"[\u0400-\u04FF]")
_UKRAINIAN_ONLY = re.compile(
    r"[іїєґІЇЄҐ]|\b(?:як|що|щоб|чому|або|зроби\w*|створи\w*|порад\w*|кращ\w*|найкращ\w*|хвилин\w*|цікав\w*)\b",
    re.IGNORECASE,
)
"""Ukrainian letters, or words Russian does not have (a prompt without і/ї/є: "5 порад для кращого сну")."""
_STOPWORDS: dict[str, set[str]] = {
    "es": {
        "el",
        "la",
        "los",
        "las",
        "de",
        "sobre",
        "un",
        "una",
        "video",
        "crea",
        "haz",
        "que",
        "y",
        "del",
        "para",
        "con",
        "por",
        "cómo",
        "consejos",
    },
    "de": {
        "ist",
        "warum",
        "der",
        "die",
        "das",
        "und",
        "ein",
        "eine",
        "über",
        "erstelle",
        "mach",
        "video",
        "mit",
        "zu",
        "für",
        "wie",
        "den",
        "dem",
        "tipps",
    },
    "fr": {
        "le",
        "la",
        "les",
        "de",
        "des",
        "un",
        "une",
        "sur",
        "crée",
        "créer",
        "fais",
        "vidéo",
        "et",
        "pour",
        "comment",
        "avec",
        "conseils",
    },
    "en": {"the", "a", "an", "about", "of", "and", "create", "make", "video", "on", "to", "how", "why"},
}
STOPWORDS: set[str] = set().union(*_STOPWORDS.values()) | {
    "into",
    "over",
    "with",
    "from",
    "this",
    "that",
    "for",
    "are",
    "was",
    "were",
    "its",
    "their",
    "they",
    "и",
    "в",
    "на",
    "с",
    "о",
    "об",
    "про",
    "это",
    "как",
    "что",
    "для",
    "по",
}
_INSTRUCTION = {
    "en": r"^(please\s+)?(create|make|generate|produce|build|render)\s+(me\s+)?(an?\s+)?(short\s+|quick\s+)?"
    r"(youtube\s+)?(video|clip|film|movie|explainer|story)(\s+(about|on|of|explaining|showing))?\s*",
    "ru": r"^(пожалуйста\s+)?(создай|сделай|сгенерируй|сними|подготовь)(те)?\s+(мне\s+)?(короткое\s+|короткий\s+)?"
    r"(видео|ролик|клип|фильм)(\s+(о|об|про|на\s+тему))?\s*",
    "uk": r"^(будь\s+ласка\s+)?(створи|зроби|згенеруй)\s+(мені\s+)?(коротке\s+)?(відео|ролик)(\s+(про|на\s+тему))?\s*",
    "es": r"^(por\s+favor\s+)?(crea|haz|genera|produce)\s+(me\s+)?(un\s+)?(video|vídeo|clip)"
    r"(\s+(sobre|de|acerca\s+de))?\s*",
    "de": r"^(bitte\s+)?(erstelle|mach|mache|generiere)\s+(mir\s+)?(ein\s+)?(kurzes\s+)?(video|clip)"
    r"(\s+(über|zu|zum|zur))?\s*",
    "fr": r"^(s'il\s+te\s+plaît\s+)?(crée|créer|fais|faites|génère)\s+(moi\s+)?(une?\s+)?(courte\s+)?"
    r"(vidéo|video|clip)(\s+(sur|à\s+propos\s+de|de))?\s*",
}


def detect_language(text: str) -> str:
    """Best-effort ISO 639-1 code; Cyrillic and stopword voting, English by default."""
    if _CYRILLIC.search(text):
        return "uk" if _UKRAINIAN_ONLY.search(text) else "ru"
    words = re.findall(r"[\wÀ-ÿ']+", text.lower())
    votes = {lang: sum(w in stop for w in words) for lang, stop in _STOPWORDS.items()}
    best = max(votes, key=lambda lang: (votes[lang], lang == "en"))
    return best if votes[best] > 0 else "en"


def extract_topic(prompt: str, language: str) -> str:
    """The subject of a request such as 'Create a video about AI' -> 'AI'."""
    first_sentence = split_sentences(prompt)[0] if prompt.strip() else prompt
    pattern = _INSTRUCTION.get(language.split("-")[0])
    topic = re.sub(pattern, "", first_sentence, flags=re.IGNORECASE) if pattern else first_sentence
    topic = topic.strip(" .!?…:;\"'«»")
    return topic or prompt.strip(" .!?…")


def split_sentences(text: str) -> list[str]:
    """Sentences of a text, keeping their final punctuation."""
    parts = re.split(r"(?<=[.!?…])\s+|\n+", text.strip())
    return [p.strip() for p in parts if p.strip()]
