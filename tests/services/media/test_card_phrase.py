"""Card phrases from real offline narrations: the sentence that names the topic, never a phrase cut mid-thought."""

import pytest

from services.media.card_phrase import card_phrase
from services.models import VideoRequest
from services.storyboard.offline import OfflinePlanner

WEAK_LAST_WORDS = {*"un poco más que the a of про и том über und sind mehr nicht".split()}


@pytest.mark.parametrize(
    ("narration", "title", "query", "phrase"),
    [
        (
            "A primera vista parece sencillo. Si miras de cerca, se vuelve interesante. Se han escrito libros "
            "enteros sobre las abejas y la miel. Cuando lo notas, lo ves en todas partes.",
            "Las abejas y la miel",
            "abejas miel close up",
            "Se han escrito libros enteros",
        ),
        (
            "Claro que no todo es sencillo. Pregunta a diez personas sobre los volcanes y tendrás diez respuestas.",
            "Los volcanes",
            "volcanes",
            "Pregunta a diez personas",
        ),
        (
            "Up close, the details tell a story of their own. Even experts keep learning new things about bees.",
            "Bees",
            "bees hands",
            "Even experts keep learning new things",
        ),
        (
            "Здесь всё решают мелочи, и их легко пропустить. Написаны целые книги про космос.",
            "Про космос",
            "космос hands",
            "Написаны целые книги про космос",
        ),
        (
            "Конечно, не всё так просто. Учёные до сих пор спорят о пчёлах, и каждый год появляются новые данные.",
            "Про пчёл и мёд",
            "пчёл мёд",
            "Учёные до сих пор спорят",
        ),
        (
            "Für viele Menschen ist das ein Teil des Alltags. Die Spuren der Bienen sind fast überall zu sehen.",
            "Bienen und Honig",
            "bienen honig people",
            "Die Spuren der Bienen",
        ),
        (
            "It all starts with a simple question: why should we care about AI? Here comes the part most people "
            "never hear about.",
            "AI",
            "artificial intelligence",
            "Why should we care about AI",
        ),
        ("We aim high: the air is clear. People meet AI every day.", "AI", "robots", "People meet AI every day"),
    ],
)
def test_the_phrase_comes_from_the_sentence_that_names_the_topic(
    narration: str, title: str, query: str, phrase: str
) -> None:
    assert card_phrase(narration, fallback=title, topic=f"{title} {query}") == phrase
    assert card_phrase(narration) != phrase, "without the topic, the first sentence speaks"


@pytest.mark.parametrize(
    ("narration", "title", "phrase"),
    [
        ("Ahora sabes un poco más que ayer. ¡Gracias por ver!", "Las abejas y la miel", "Gracias por ver"),
        ("Ahora sabes un poco más que ayer.", "Las abejas y la miel", "Las abejas y la miel"),
        ("Auf den ersten Blick wirkt alles einfach. Wer genauer hinsieht, entdeckt mehr.", "Bienen", "Bienen"),
        ("Vamos allá. Hoy todo empieza aquí sin grandes palabras ni promesas vacías.", "El café", "El café"),
    ],
)
def test_a_clause_without_a_natural_break_gives_way_to_another_sentence_or_the_title(
    narration: str, title: str, phrase: str
) -> None:
    """The integrator's closing card read "Ahora sabes un poco" (cut from "Ahora sabes un poco más que ayer")."""
    assert card_phrase(narration, fallback=title, topic=title) == phrase


@pytest.mark.parametrize(
    "prompt",
    [
        "Haz un vídeo vertical de 20 segundos sobre las abejas y la miel",
        "Mach ein 20-Sekunden-Video über Bienen und Honig",
        "Сделай вертикальное видео на 20 секунд о том, как работают чёрные дыры",
        "Un vídeo de 1 minuto sobre los volcanes",
        "A 60-second explainer about how volcanoes work",
        "Видео на 1 минуту о вулканах",
        "Ein 60-Sekunden-Video über Vulkane",
    ],
)
def test_every_card_of_an_offline_video_is_a_whole_short_phrase_or_its_title(prompt: str) -> None:
    board = OfflinePlanner(transition_s=0.5).plan(VideoRequest(prompt=prompt))
    for scene in board.scenes[1:]:
        phrase = card_phrase(scene.narration, fallback=board.title, topic=f"{board.title} {scene.visual_query}")
        words = phrase.split()
        assert phrase == board.title or 3 <= len(words) <= 6, phrase
        assert words[-1].lower() not in WEAK_LAST_WORDS, phrase
        assert phrase[0].isupper(), phrase


@pytest.mark.parametrize(
    ("narration", "shown", "phrase"),
    [
        ("Auf den ersten Blick wirkt alles einfach. Wer genauer hinsieht, entdeckt mehr.", ["Bienen"],
         "Auf den ersten Blick wirkt alles einfach"),
        ("Auf den ersten Blick wirkt alles einfach. Wer genauer hinsieht, entdeckt mehr.",
         ["bienen", "Auf den ersten Blick wirkt alles einfach."], "Wer genauer hinsieht, entdeckt mehr"),
        ("Ahora sabes un poco más que ayer.", ["Bienen"], "Ahora sabes un poco más que ayer"),
    ],
)  # fmt: skip
def test_a_fallback_already_shown_gives_way_to_the_narration(narration: str, shown: list[str], phrase: str) -> None:
    """Card 2 fell back to the title and repeated the opening card word for word."""
    assert card_phrase(narration, fallback="Bienen", topic="Bienen") == "Bienen"
    assert card_phrase(narration, fallback="Bienen", topic="Bienen", shown=shown) == phrase


@pytest.mark.parametrize(
    ("narration", "shown", "phrase"),
    [
        ("One common myth gets this completely wrong. Try to picture it for a moment.", ["Cats"],
         "One common myth gets this completely wrong"),
        ("The small things make the difference here, and they are easy to miss.", ["Coffee"],
         "The small things make the difference"),
        ("Once you notice it, you will see it everywhere.", [], "You will see it everywhere"),
        ("Quand on regarde de près, tout devient plus clair.", [], "Tout devient plus clair"),
        ("Scientists still argue about how to make cold brew coffee at home, and new findings keep coming.", [],
         "Scientists still argue"),
        ("What we know about who Napoleon was today started with a few simple questions.", [], "What we know"),
        ("Fangen wir mit den Grundlagen an, Stück für Stück.", [], "Fangen wir mit den Grundlagen an"),
    ],
)  # fmt: skip
def test_no_phrase_ends_between_a_verb_and_its_object_or_inside_a_leading_subordinate_clause(
    narration: str, shown: list[str], phrase: str
) -> None:
    """A video about volcanoes showed the card "One common myth gets"; another "Once you notice"."""
    assert card_phrase(narration, fallback=shown[0] if shown else "", topic="volcanoes", shown=shown) == phrase


def test_a_fragment_naming_the_topic_ends_on_the_topic_word() -> None:
    narration = "Certains faits sur les abeilles semblent étranges au début, et pourtant ils sont vrais."
    assert card_phrase(narration, fallback="Les abeilles", topic="Les abeilles") == "Certains faits sur les abeilles"


@pytest.mark.parametrize(
    ("narration", "phrase"),
    [
        ("Tip 5: ask for feedback early, while changes are still cheap. Here comes the part most people never hear "
         "about.", "Tip 5: ask for feedback early"),
        ("Tip 4: learn from people who have done it before.", "Tip 4: learn from people"),
        ("Совет 3: поставьте одну ясную цель и запишите её.", "Совет 3: поставьте одну ясную цель"),
        ("Number 2: the one that changes how you see everything else. Some of the best questions about successful "
         "people come from children.", "Number 2"),
        ("Numéro 2 : le classique. Presque tout le monde commence ici.", "Numéro 2"),
        ("Tipp 3: Fang klein an. Eine kleine tägliche Änderung schlägt jeden großen Plan.", "Tipp 3: Fang klein an"),
    ],
)  # fmt: skip
def test_a_list_item_card_shows_its_label_and_short_advice_or_the_label_alone(narration: str, phrase: str) -> None:
    """ "5 habits of successful people" showed "Here comes the part most people" for tip 5 (a later sentence named
    the topic), and fact cards read "Number 2: the one"."""
    assert card_phrase(narration, fallback="Habits", topic="successful people habits") == phrase
