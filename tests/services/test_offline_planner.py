import pytest

from services.models import VideoRequest
from services.storyboard.offline import OfflinePlanner

planner = OfflinePlanner(transition_s=0.5)


def test_same_prompt_gives_the_same_storyboard() -> None:
    request = VideoRequest(prompt="Create a video about AI")
    assert planner.plan(request) == planner.plan(request)


def test_short_english_prompt_becomes_four_to_eight_english_scenes() -> None:
    board = planner.plan(VideoRequest(prompt="Create a video about AI"))
    assert 4 <= len(board.scenes) <= 8
    assert board.language == "en"
    assert board.title == "AI"
    assert all("AI" in scene.narration for scene in board.scenes)
    assert all(scene.visual_query.startswith("AI ") for scene in board.scenes)
    assert [s.index for s in board.scenes] == list(range(len(board.scenes)))
    assert len({s.narration for s in board.scenes}) == len(board.scenes)


@pytest.mark.parametrize(
    ("prompt", "language", "topic"),
    [
        ("Сделай видео про космос", "ru", "космос"),
        ("Створи відео про їжу", "uk", "їжу"),
        ("Crea un video sobre el café", "es", "el café"),
        ("Erstelle ein Video über die Bahn", "de", "die Bahn"),
    ],
)
def test_planner_keeps_the_prompt_language(prompt: str, language: str, topic: str) -> None:
    board = planner.plan(VideoRequest(prompt=prompt))
    assert board.language == language
    assert all(topic in scene.narration for scene in board.scenes)


def test_cyrillic_narration_stays_cyrillic() -> None:
    board = planner.plan(VideoRequest(prompt="Сделай видео про космос"))
    assert all(any("а" <= ch <= "я" for ch in s.narration.lower()) for s in board.scenes)


def test_scene_count_and_target_duration_are_honoured() -> None:
    board = planner.plan(VideoRequest(prompt="Create a video about bees", scenes=5, duration_s=30))
    assert len(board.scenes) == 5
    total = sum(s.duration_s for s in board.scenes) - 0.5 * 4
    assert total == pytest.approx(30, abs=0.01)


def test_duration_alone_picks_the_scene_count() -> None:
    assert len(planner.plan(VideoRequest(prompt="Create a video about bees", duration_s=40)).scenes) == 8
    assert len(planner.plan(VideoRequest(prompt="Create a video about bees", duration_s=10)).scenes) == 4


def test_a_multi_sentence_prompt_is_used_as_the_script() -> None:
    script = "The sun rises. Birds wake up. Boats leave the harbour. The market opens. The town sleeps."
    board = planner.plan(VideoRequest(prompt=script))
    assert [s.narration for s in board.scenes] == [
        "The sun rises.",
        "Birds wake up.",
        "Boats leave the harbour.",
        "The market opens.",
        "The town sleeps.",
    ]
    assert "harbour" in board.scenes[2].visual_query
    assert "the" not in board.scenes[2].visual_query.split()


def test_language_without_templates_uses_the_prompt_words() -> None:
    board = planner.plan(VideoRequest(prompt="Fai un video sul mare, le onde e il vento", language="it"))
    assert board.language == "it"
    assert 4 <= len(board.scenes) <= 8
    assert all(s.narration in "Fai un video sul mare, le onde e il vento" for s in board.scenes)


def test_narration_length_sets_scene_duration() -> None:
    board = planner.plan(VideoRequest(prompt="Create a video about AI"))
    durations = [s.duration_s for s in board.scenes]
    assert all(3.0 <= d <= 10.0 for d in durations)
    longest = max(board.scenes, key=lambda s: len(s.narration.split()))
    assert longest.duration_s == max(durations)
