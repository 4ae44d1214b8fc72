"""The short phrase a generated card shows: the key words of the scene's narration, in the narration's own script.

No parser is at hand offline, so the phrase is found by punctuation and function words: the first clause of a
sentence (a short opener such as "At its core," or "Still," is skipped), cut to at most six words where a function
word starts a new phrase (a preposition, conjunction or verb, not an article or pronoun that may start a verb's
object), never ending on an article, preposition or conjunction. The sentence is the first one
that names the topic (shares a word stem with it), else the first; a clause with no such break ("Ahora sabes un
poco más que ayer") would leave a broken fragment, so the next sentence is tried, then the fallback (the title).

A list item's scene shows its label and short advice ("Tip 4: keep track of your progress") or the label alone.
A card never repeats an earlier card of the same video (`shown`): a phrase or fallback already shown gives way to
the next-best text of the scene's own narration (see card_phrase).
"""

import re
from collections.abc import Collection, Iterator

from services.storyboard.language import STOPWORDS, split_sentences

MAX_WORDS = 6
MIN_WORDS = 3
ITEM_WORDS = 5
"""A list item's card shows its first clause after the label when it has at most this many words."""
OPENER_WORDS = 3
"""A first clause this short, followed by more text, is an opener ("At its core,") rather than the point."""
SHORT_SENTENCE_WORDS = 9
"""A sentence this short reads whole on a card ("Ahora sabes un poco más que ayer") when no phrase is left."""

_NUMBERED = re.compile(r"^[^\W\d_]+\s+\d+\s*:")
"""A list item's label: "Tip 5: ...", "Number 2: ...", "Совет 3: ..."."""
_PARTS = re.compile(r"\s*[:;,]\s+|\s+[—–-]\s+")
_CLAUSE_BREAK = re.compile(r"\s*[,;()\[\]]\s*|\s+[—–-]\s+")
_EDGE_PUNCTUATION = " \t.,;:!?¡¿…—–-"
_QUOTE_PAIRS = (("«", "»"), ("„", "“"), ("“", "”"), ("‘", "’"))
_LEADING_JOINERS = set("and but so yet or и а но і та y pero und aber et mais".split())
_GERMAN_PARTICLES = set("an auf zu mit ein vor nach ab".split())
"""Separable verb prefixes: at a sentence's end they finish its verb ("Fang klein an"), they do not dangle."""
_ITEM_BREAKS = _LEADING_JOINERS | set("who which that while кто который что хто який що que qui die der".split())
_TEASER_STARTS = set("the el la le celui celle das etwas der die про це то".split())
"""How a list item that teases rather than says begins ("the one you will want to tell your friends about")."""
_FUNCTION_WORDS = {
    # en
    *"a an the of in on at to for from with by about into over under than as and or but so if that which who".split(),
    *"around across through between after before during without within near like until since while".split(),
    *"is are was were be been has have had it its this these those their our your we they you i worth".split(),
    # ru / uk
    *"в во на с со о об от до по за из к ко у для про при без над под через и а но или что чтобы как это".split(),
    *"же ли бы не он она они оно его её их мы вы ты я того чем".split(),
    *"у в на з із зі до від по за про для над під через і й та а але чи що щоб як це не він вона вони їх ніж".split(),
    # es / de / fr
    *"el la los las un una unos unas de del al en con por para sobre y o que es son se lo su sus".split(),
    *"der die das den dem des ein eine einer einem einen und oder von zu zum zur mit über für auf im ist".split(),
    *"sind war waren wird werden hat haben".split(),
    *"le la les un une des du de d' l' au aux en dans sur pour par avec et ou que qui est sont ce cette".split(),
}
_QUESTION_WORDS = set("how why what when where who which whether cómo qué wie warum comment pourquoi".split())
_WEAK_ENDINGS = {
    *"actually really even still also just very long much more most often qu'il qu'elle n'y n'est c'est".split(),
    *"ещё еще уже очень задолго задовго ще вже дуже noch auch sehr schon todavía mucho muy más".split(),
    *"encore très bien".split(),
    *"almost nearly почти майже casi presque fast mehr больше більше plus lange".split(),
    *"not never no nie nicht kein keine не ні pas jamais nunca aussi".split(),
    *"том тем то тому те тех тих those ceux celles quienes чуть немного трохи трошки one antes avant".split(),
    *_QUESTION_WORDS,
    *"cuándo dónde was wann wo".split(),
}
"""Words that may stand inside a phrase but make a weak last word."""
_OBJECT_STARTS = {
    *"a an the this these those it its their our your his her them us me you".split(),
    *"el la los las un una unos unas lo su sus der die das den dem des ein eine einer einem einen le les une".split(),
    *"его её их это эту этот эти його її це цю цей ці".split(),
}
"""Function words that, after a verb, begin its object ("gets | this completely wrong"): no phrase ends before them."""
_SUBORDINATORS = {
    *"once when if because while although though unless whenever cuando si porque aunque mientras".split(),
    *"wenn als weil obwohl während sobald quand lorsque puisque когда если хотя пока коли якщо хоча".split(),
}
"""A first clause opening with one of these ("Once you notice it, ...") leans on the next: the point comes after."""


def card_phrase(narration: str, *, fallback: str = "", topic: str = "", shown: Collection[str] = ()) -> str:
    """Two to six words that say what the scene is about, taken from its narration, from a sentence naming `topic`
    (the video's title, the scene's visual query) when one does; `fallback` when no sentence gives a whole phrase.

    Texts of earlier cards (`shown`, compared without case and edge punctuation) are skipped. When the fallback is
    one of them (the opening card shows the title), the next best comes from the narration: a whole sentence of
    at most SHORT_SENTENCE_WORDS words, else the cut phrase of a sentence; "" when even that was shown."""
    seen = {_same_text(text) for text in shown}
    for text in _candidates(narration, fallback, topic):
        if text and _same_text(text) not in seen:
            return text
    return ""


def _candidates(narration: str, fallback: str, topic: str) -> Iterator[str]:
    """Card texts from best to worst: whole phrases (sentences naming the topic first), the fallback, short whole
    sentences, cut phrases."""
    sentences = split_sentences(narration)
    stems = _content_words(topic)
    naming = [s for s in sentences if _names(s, stems)]
    if sentences and (label := _NUMBERED.match(sentences[0])):
        yield _item_card(sentences[0], label)
    phrases = [_naming_phrase(s, stems) for s in naming] + [_sentence_phrase(s) for s in sentences if s not in naming]
    for phrase, whole in phrases:
        if whole and len(phrase.split()) >= MIN_WORDS:
            yield phrase[:1].upper() + phrase[1:]
    yield " ".join(fallback.split())
    for sentence in sentences:
        if _word_count(sentence) <= SHORT_SENTENCE_WORDS:
            yield _balanced_quotes(" ".join(sentence.split()).strip(_EDGE_PUNCTUATION))
    for phrase, _ in phrases:
        yield phrase


def _item_card(sentence: str, label: re.Match[str]) -> str:
    """A list item's card: its label and the first clause after it when that is short ("Tip 4: keep track of your
    progress"), else the label alone ("Number 2", not "Number 2: the one")."""
    name = label[0].rstrip(" :")
    clause = _CLAUSE_BREAK.split(sentence[label.end() :].strip())[0].strip(_EDGE_PUNCTUATION).split()
    joiner = next((i for i, word in enumerate(clause) if i and _bare(word) in _ITEM_BREAKS), len(clause))
    words = _without_trailing_function_words(clause[:joiner], clause_end=True)  # "learn from people | who ..."
    if not words or _bare(words[0]) in _TEASER_STARTS:
        return name
    if len(words) > ITEM_WORDS:
        words, _ = _cut(words)  # an advice, cut where a phrase ends ("mide tu progreso | para ver qué funciona")
    said = [word for word in words if not _is_weak_ending(word)]
    return f"{name}: {' '.join(words)}" if said and len(words) <= ITEM_WORDS else name


def _names(text: str, stems: list[str]) -> bool:
    return any(_same_stem(w, t) for w in _content_words(text) for t in stems)


def _naming_phrase(sentence: str, stems: list[str]) -> tuple[str, bool]:
    """The phrase of a sentence naming the topic; when its first phrase leaves the topic out and a later part (after
    a colon, comma or dash) names it in MIN_WORDS to MAX_WORDS words, that part ("It all starts with a simple
    question: why should we care about AI?" gives "Why should we care about AI", not "It all starts")."""
    phrase, whole = _sentence_phrase(sentence)
    if _names(phrase, stems):
        return (phrase, whole) if whole else _ending_on_topic(phrase, stems)
    for part in _PARTS.split(sentence)[1:]:
        part = _balanced_quotes(" ".join(part.split()).strip(_EDGE_PUNCTUATION))
        if MIN_WORDS <= _word_count(part) <= MAX_WORDS and _names(part, stems):
            return part, True
    return phrase, whole


def _ending_on_topic(fragment: str, stems: list[str]) -> tuple[str, bool]:
    """A fragment cut after the last word naming the topic: a whole phrase when MIN_WORDS are left ("Certains faits
    sur les abeilles", not "Certains faits sur les abeilles semblent")."""
    words = fragment.split()
    if _inner_question(words):
        return fragment, False
    ends = [i for i, word in enumerate(words, start=1) if _names(word, stems)]
    if ends and ends[-1] >= MIN_WORDS:
        return " ".join(words[: ends[-1]]).strip(_EDGE_PUNCTUATION), True
    return fragment, False


def _same_text(text: str) -> str:
    return " ".join(text.split()).strip(_EDGE_PUNCTUATION).casefold()


def _sentence_phrase(sentence: str) -> tuple[str, bool]:
    """The sentence's phrase, and whether it ends at a natural break rather than mid-phrase."""
    words = _clause_words(sentence)
    while words and _bare(words[0]) in _LEADING_JOINERS and len(words) > MIN_WORDS:
        words = words[1:]
    kept, whole = _cut(words)
    phrase = _balanced_quotes(" ".join(kept).strip(_EDGE_PUNCTUATION))
    return (phrase, whole) if re.search(r"\w", phrase) else ("", False)


def _content_words(text: str) -> list[str]:
    """Words that can name a topic: longer than two letters and not a stop word, or an acronym ("AI", "EU")."""
    words = [(w, _bare(w)) for w in re.findall(r"[^\W\d_][\w'-]*", text)]
    return [
        bare
        for w, bare in words
        if (len(bare) > 2 and bare not in STOPWORDS and bare not in _FUNCTION_WORDS) or (len(w) == 2 and w.isupper())
    ]


def _same_stem(a: str, b: str) -> bool:
    """Words of one stem ("abejas"/"abeja", "пчёл"/"пчёлы", "Bienen"/"Biene"): a shared start as long as the
    shorter word less two letters (its ending), at least four letters unless that is the whole word."""
    shorter = min(len(a), len(b))
    if shorter < 3:
        return a == b  # an acronym: "AI" is not the start of "aim"
    need = min(shorter, max(4, shorter - 2))
    return a[:need] == b[:need]


def _clause_words(sentence: str) -> list[str]:
    """The first clause's words (with the separators kept inside), past a short opener, grown to MIN_WORDS."""
    separators = _CLAUSE_BREAK.findall(sentence)
    clauses = _CLAUSE_BREAK.split(sentence)
    pieces = [(clause, sep) for clause, sep in zip(clauses, [*separators, ""], strict=True) if clause.strip()]
    if not pieces:
        return []
    rest_words = sum(_word_count(c) for c, _ in pieces[1:])
    opener = _word_count(pieces[0][0]) <= OPENER_WORDS or _bare(pieces[0][0].split()[0]) in _SUBORDINATORS
    if len(pieces) > 1 and opener and rest_words >= 2:
        pieces = pieces[1:]
    text, count = "", 0
    for clause, sep in pieces:
        text += clause
        count += _word_count(clause)
        if count >= MIN_WORDS:
            break
        text += sep if sep.strip() in {"—", "–", "-"} else " "
    return text.split()


def _cut(words: list[str]) -> tuple[list[str], bool]:
    """At most MAX_WORDS words, ending at a colon or where a function word begins the next phrase if such a place
    exists (True), else cut after MAX_WORDS (False: a fragment)."""
    if len(words) <= MAX_WORDS:
        return _without_trailing_function_words(words, clause_end=True), True
    for end in range(MAX_WORDS, MIN_WORDS - 1, -1):
        if words[end - 1].endswith(":"):
            return words[:end], True
    for end in range(MAX_WORDS, MIN_WORDS - 1, -1):
        if _starts_phrase(words[end]) and not _is_weak_ending(words[end - 1]) and not _inner_question(words[:end]):
            return words[:end], True
    return _without_trailing_function_words(words[:MAX_WORDS]), False


def _without_trailing_function_words(words: list[str], *, clause_end: bool = False) -> list[str]:
    """`words` less the weak words at their end; a separable prefix ending its clause stays ("Fang klein an")."""
    if clause_end and words and _bare(words[-1]) in _GERMAN_PARTICLES:
        return list(words)
    kept = list(words)
    while len(kept) > 1 and _is_weak_ending(kept[-1]):
        kept.pop()
    return kept


def _inner_question(words: list[str]) -> bool:
    """Whether a question word stands inside (not first): an embedded question a cut would leave unfinished
    ("What we know about who Napoleon | was")."""
    return any(_bare(word) in _QUESTION_WORDS for word in words[1:])


def _starts_phrase(word: str) -> bool:
    return _bare(word) in _FUNCTION_WORDS and _bare(word) not in _OBJECT_STARTS


def _is_weak_ending(word: str) -> bool:
    return _bare(word) in _FUNCTION_WORDS or _bare(word) in _WEAK_ENDINGS


def _bare(word: str) -> str:
    return word.strip(_EDGE_PUNCTUATION + "«»“”„\"'‘’").lower()


def _word_count(text: str) -> int:
    return sum(1 for word in text.split() if re.search(r"\w", word))


def _balanced_quotes(phrase: str) -> str:
    """Drop a quote mark whose partner was cut away."""
    for opening, closing in _QUOTE_PAIRS:
        if opening == "„" and opening not in phrase:
            continue
        if phrase.count(opening) != phrase.count(closing):
            phrase = phrase.replace(opening, "").replace(closing, "")
    if phrase.count('"') % 2:
        phrase = phrase.replace('"', "")
    return phrase
