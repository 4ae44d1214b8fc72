"""French topic phrases after "de", where the article contracts: de + le = du, de + les = des, de + l' = de l'."""

import re

_ARTICLE = re.compile(
    r"^(?:(?P<le>le\s+)|(?P<les>les\s+)|(?P<after_de>(?:du|des|de\s+la)\s+|de\s+l['’])|(?P<la>la\s+|l['’]))", re.I
)
_VOWEL = re.compile(r"^[aeiouyàâäéèêëîïôöùûü]", re.I)


def de_phrase(about: str) -> str:
    """The topic of `about` ("sur les phares", as intent.about reads in French) after "de": "des phares".

    "le"/"les" contract ("du vent", "des phares", "du Havre"), "la" and "l'" stay ("de la mer", "de l'eau"), a
    partitive or indefinite article already after "de" takes none ("du pain", "des chats"), a vowel elides ("d'où",
    "d'Internet"). Words with a silent h ("histoire") keep "de h...": which h is silent is in no rule. A phrase that
    is not "sur ..." (a list's "pour mieux dormir") is returned unchanged.
    """
    if not about.startswith("sur "):
        return about
    topic = about.removeprefix("sur ")
    match = _ARTICLE.match(topic)
    if match is None:
        return f"d'{topic}" if _VOWEL.match(topic) else f"de {topic}"
    rest = topic[match.end() :]
    if match["le"]:
        return f"du {rest}"
    if match["les"]:
        return f"des {rest}"
    return topic if match["after_de"] else f"de {topic}"
