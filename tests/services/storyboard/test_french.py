import pytest

from services.models import VideoRequest
from services.storyboard.french import de_phrase
from services.storyboard.offline import OfflinePlanner


@pytest.mark.parametrize(
    ("about", "expected"),
    [
        ("sur le vent", "du vent"),
        ("sur les phares", "des phares"),
        ("sur la mer", "de la mer"),
        ("sur l'eau", "de l'eau"),
        ("sur Paris", "de Paris"),
        ("sur Internet", "d'Internet"),
        ("sur Le Havre", "du Havre"),
        ("sur du pain", "du pain"),
        ("sur des chats", "des chats"),
        ("sur lapins et dunes", "de lapins et dunes"),
        ("sur le thème « X »", "du thème « X »"),
        ("pour mieux dormir", "pour mieux dormir"),
    ],
)
def test_de_phrase_contracts_the_article(about: str, expected: str) -> None:
    assert de_phrase(about) == expected


@pytest.mark.parametrize(
    ("topic", "after_de"),
    [("les phares", "des phares"), ("la mer", "de la mer"), ("le chocolat", "du chocolat"), ("l'eau", "de l'eau"),
     ("Paris", "de Paris")],
)  # fmt: skip
def test_french_intro_says_de_with_the_article_contracted(topic: str, after_de: str) -> None:
    board = OfflinePlanner().plan(VideoRequest(prompt=f"Une vidéo sur {topic}", language="fr", duration_s=60))
    script = " ".join(scene.narration for scene in board.scenes)
    assert "un peu sur" not in script and "horizon sur" not in script
    assert " de le " not in script and " de les " not in script
    intro = board.scenes[0].narration
    assert f"{after_de}." in intro, intro
