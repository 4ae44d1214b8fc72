"""Offline narration phrasebooks, one module per language.

Placeholders: {a} the topic as a phrase that is grammatical where it stands (en: the topic itself; ru/uk: "про
космос", "о том, как ..."; es "sobre ..."; de "über ..."; fr "sur ..."), {de} in French the topic after "de" ("des
phares", "du vent", "de l'eau": see french.de_phrase), {n} the item count, {items} the items' noun as the prompt
wrote it, {label} the item label, {i} the item number. Every beat has several variants; the planner
picks among them with a seed taken from the topic, so different prompts get different lines. `more` (general) and
`topic` (lines naming the topic; their {a} is Intent.subject, so a list's "for ..." does not follow "about") fill a
narration up to the length asked for, none twice in one video.
"""

from pydantic import BaseModel

from services.storyboard.phrases import de, en, es, fr, ru, uk


class Phrasebook(BaseModel):
    intro: list[str]
    story: list[list[str]]
    explain: list[list[str]]
    list_intro: list[str]
    tips: list[str]
    items: list[str]
    more: list[str]
    topic: list[str]
    outro: list[str]
    tip_label: str
    item_label: str
    kids: str
    beginners: str


PHRASEBOOKS: dict[str, Phrasebook] = {m.LANG: Phrasebook(**m.PHRASES) for m in (en, ru, uk, es, de, fr)}
