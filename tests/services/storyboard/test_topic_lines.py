import re

import pytest

from services.models import VideoRequest
from services.storyboard.intent import read_intent
from services.storyboard.offline import OfflinePlanner


@pytest.mark.parametrize(
    ("prompt", "language", "purpose", "subject"),
    [
        ("Top 5 tips for remote work productivity", "en", "for remote work productivity",
         "about remote work productivity"),
        ("5 conseils pour mieux dormir", "fr", "pour mieux dormir", "sur le thème « mieux dormir »"),
        ("5 consejos para dormir mejor", "es", "para dormir mejor", "sobre dormir mejor"),
        ("5 Tipps für besseren Schlaf", "de", "für besseren Schlaf", "über das Thema „besseren Schlaf“"),
        ("Топ-5 советов для продуктивной работы", "ru", "для продуктивной работы", "на тему «продуктивной работы»"),
    ],
)  # fmt: skip
def test_lines_about_a_lists_topic_do_not_repeat_its_purpose(
    prompt: str, language: str, purpose: str, subject: str
) -> None:
    """The lines naming the topic read "about for remote work productivity", "se renseignent pour mieux dormir"."""
    board = OfflinePlanner().plan(VideoRequest(prompt=prompt, language=language, duration_s=60))
    assert purpose in board.scenes[0].narration, "the list's intro says what the tips are for"
    after_intro = " ".join(scene.narration for scene in board.scenes[1:])
    assert purpose not in after_intro and subject in after_intro, after_intro


def test_a_list_about_its_topic_says_about_once() -> None:
    board = OfflinePlanner().plan(VideoRequest(prompt="5 facts about space", language="en", duration_s=60))
    script = " ".join(scene.narration for scene in board.scenes)
    assert "about about" not in script and "about space" in script, script


@pytest.mark.parametrize(
    ("prompt", "language"),
    [("Erstelle ein Video: wie Schwarze Löcher funktionieren", "de"),
     ("Создай видео о том, как работают чёрные дыры", "ru")],
)  # fmt: skip
def test_a_topic_clause_is_closed_by_a_comma_where_the_sentence_goes_on(prompt: str, language: str) -> None:
    """The line "Einige der besten Fragen darüber, wie Schwarze Löcher funktionieren stellen Kinder." lacked a comma."""
    about = read_intent(prompt, language).about
    board = OfflinePlanner().plan(VideoRequest(prompt=prompt, language=language, duration_s=60))
    script = " ".join(scene.narration for scene in board.scenes)
    assert not re.search(re.escape(about) + r" \w", script), script
    assert re.search(re.escape(about) + r", \w", script), script


def test_a_list_of_ways_to_do_something_says_ways_to() -> None:
    """The intro read "Here are 5 ways how to sleep better"."""
    board = OfflinePlanner().plan(VideoRequest(prompt="Top 5 ways to sleep better", language="en", duration_s=60))
    script = " ".join(scene.narration for scene in board.scenes)
    assert "5 ways to sleep better" in board.scenes[0].narration and "ways how to" not in script, script


@pytest.mark.parametrize("prompt", ["Top 5 tips", "7 healthy habits"])
def test_a_list_without_a_topic_names_its_items_once(prompt: str) -> None:
    """The intro read "Here are 5 tips top 5 tips." and "Here are 7 healthy habits 7 healthy habits."."""
    first = OfflinePlanner().plan(VideoRequest(prompt=prompt, language="en")).scenes[0].narration
    items = prompt.removeprefix("Top ").split(" ", 1)[1]
    assert first.lower().count(items) == 1 and " ." not in first, first
