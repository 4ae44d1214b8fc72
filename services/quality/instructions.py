"""Words of the user's instruction that leaked into what the video says: "create a video about", "9:16",
"60-second"... A list of its own, independent of the planner's prompt parsing, in en, ru, uk, es, de, fr.

Length phrases count only in instruction form ("a 60-second video", "на 30 секунд"), not a number of seconds a
narration may well mention ("light takes 8 minutes"); "vertical" counts only next to video/format words.
"""

import re
import unicodedata

from pydantic import BaseModel

_VIDEO = r"(?:video|vídeo|відео|видео|вiдео|ролик|clip|vidéo|short|reel)"
_N = r"\d+(?:[.,]\d+)?"
PHRASES: dict[str, tuple[str, ...]] = {
    "en": (
        rf"\b(?:create|make|generate|produce|render|build) (?:me )?(?:a |an |the )?(?:short |vertical |quick )?"
        rf"{_VIDEO}",
        r"\bvideo (?:about|on)\b",
        rf"\b{_N}[- ]?(?:second|sec|minute|min)s?[- ](?:long|video|clip|short|reel)\b",
        rf"\b{_N}-(?:second|minute)\b",
        rf"\b(?:lasting|length of|duration of|long of) {_N}\b",
    ),
    "ru": (
        rf"\b(?:создай|создайте|сделай|сделайте|сними|снимите|сгенерируй|смонтируй)\w* (?:мне )?(?:\w+ )?{_VIDEO}",
        r"\b(?:видео|ролик)\w* (?:о|об|про)\b",
        rf"\b{_N}[- ]?секундн\w*",
        rf"\bна {_N} (?:секунд|сек|минут)\w*",
        r"\b(?:длительностью|продолжительностью|хронометраж\w*) ",
    ),
    "uk": (
        rf"\b(?:зроби|зробіть|створи|створіть|зніми|зніміть|згенеруй)\w* (?:мені )?(?:\w+ )?{_VIDEO}",
        r"\bвідео (?:про|о)\b",
        rf"\b{_N}[- ]?секундн\w*",
        rf"\bна {_N} (?:секунд|сек|хвилин)\w*",
        r"\bтривалістю ",
    ),
    "es": (
        rf"\b(?:crea|cree|haz|haga|genera|realiza|graba) (?:me )?(?:un |una )?(?:corto )?{_VIDEO}",
        r"\bv[ií]deo (?:sobre|acerca de)\b",
        rf"\bde {_N} (?:segundos|minutos)\b",
    ),
    "de": (
        rf"\b(?:erstelle|erstellen sie|mach|mache|machen sie|generiere|produziere) (?:mir )?(?:ein |einen )?"
        rf"(?:kurzes )?{_VIDEO}",
        r"\bvideo (?:über|zum thema)\b",
        rf"\b{_N}[- ]?(?:sekündig|sekunden-|minütig)\w*",
        rf"\b{_N} sekunden lang\b",
    ),
    "fr": (
        rf"\b(?:fais|faites|crée|créez|créer|génère|réalise) (?:moi |-moi )?(?:une |un )?(?:courte |petite )?{_VIDEO}",
        r"\bvidéo (?:sur|à propos de)\b",
        rf"\bde {_N} (?:secondes|minutes)\b",
    ),
    "format": (
        r"(?<![\d:])(?:9:16|16:9)(?![\d:])",
        r"\b(?:youtube )?shorts\b",
        r"\b(?:instagram )?reels\b",
        r"\btiktok\b",
        rf"\bvertical (?:{_VIDEO}|format|aspect)",
        r"\b(?:вертикальн|горизонтальн)\w* (?:видео|відео|формат)\w*",
    ),
}
_COMPILED = [(lang, re.compile(p, re.IGNORECASE)) for lang, patterns in PHRASES.items() for p in patterns]


class InstructionHit(BaseModel):
    where: str
    phrase: str
    language: str


def normalise(text: str) -> str:
    """NFKC, lower case, ё as е, every dash as '-', one space between words."""
    text = unicodedata.normalize("NFKC", text).lower().replace("ё", "е")
    text = re.sub(r"[\u2010-\u2015\u2212]", "-", text)
    return re.sub(r"\s+", " ", text)


def find_instruction_words(texts: dict[str, str]) -> list[InstructionHit]:
    """Every instruction phrase found in each named text (e.g. {"title": ..., "scene 0": ...})."""
    hits: dict[tuple[str, str], InstructionHit] = {}
    for where, text in texts.items():
        clean = normalise(text)
        for language, pattern in _COMPILED:
            for match in pattern.finditer(clean):
                phrase = match.group(0).strip()
                hits.setdefault((where, phrase), InstructionHit(where=where, phrase=phrase, language=language))
    return list(hits.values())
