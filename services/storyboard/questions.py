"""A question as it reads inside a sentence ("Today we look at what inflation is"), for the offline narration's lines.

Only forms that move without knowing where the subject ends: English "what/who is X" and "how/why do X ...", German
questions whose finite verb follows the question word. Others stay as written ("why is the sky blue").
"""

import re

_GERMAN_QUESTION = re.compile(
    r"^(?P<word>wie|warum|was|wo|wann|wer|weshalb|wieso)\s+(?P<verb>[^\W\d_]+)\s+(?P<rest>.+?)[?]?$", re.IGNORECASE
)
_GERMAN_NOT_VERBS = set("der die das den dem des ein eine einer einem einen man es sie er wir ihr ich du viele".split())
_COPULA_QUESTION = re.compile(r"^(?P<word>what|who)\s+(?P<verb>is|are|was|were)\s+(?P<rest>.+?)[?]?$", re.IGNORECASE)
_DO_QUESTION = re.compile(r"^(?P<word>how|why|what|where|when)\s+do\s+", re.IGNORECASE)


def german_clause(topic: str) -> str:
    """A German question as a subordinate clause, the finite verb last: "Warum ist der Himmel blau" -> "warum der
    Himmel blau ist", "Wie funktioniert das Internet" -> "wie das Internet funktioniert"."""
    match = _GERMAN_QUESTION.match(topic)
    if not match or not match["verb"].islower() or match["verb"] in _GERMAN_NOT_VERBS:
        return topic  # already a clause: "wie Bienen fliegen", "wie man Brot backt"
    return f"{match['word'].lower()} {match['rest']} {match['verb']}"


def english_clause(topic: str) -> str:
    """An English question in the word order it takes inside a sentence: "what is inflation" -> "what inflation is",
    "how do vaccines work" -> "how vaccines work" ("Today we look at what inflation is"). Other forms stay."""
    if match := _COPULA_QUESTION.match(topic):
        return f"{match['word']} {match['rest']} {match['verb']}"
    return _DO_QUESTION.sub(r"\g<word> ", topic, count=1)
