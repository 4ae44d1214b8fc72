import re

import pytest

from services.models import VideoRequest
from services.storyboard.offline import OfflinePlanner
from services.storyboard.pace import speech_budget_s, speech_s

planner = OfflinePlanner(transition_s=0.5)


def test_same_prompt_gives_the_same_storyboard() -> None:
    request = VideoRequest(prompt="Create a video about AI")
    assert planner.plan(request) == planner.plan(request)


def test_short_english_prompt_becomes_four_to_eight_english_scenes() -> None:
    board = planner.plan(VideoRequest(prompt="Create a video about AI"))
    assert 4 <= len(board.scenes) <= 8
    assert board.language == "en"
    assert board.title == "AI"
    assert "AI" in board.scenes[0].narration
    assert all(scene.visual_query.split()[0] == "AI" for scene in board.scenes)
    assert [s.index for s in board.scenes] == list(range(len(board.scenes)))
    assert len({s.narration for s in board.scenes}) == len(board.scenes)


@pytest.mark.parametrize(
    ("prompt", "language", "topic"),
    [
        ("Сделай видео про космос", "ru", "про космос"),
        ("Створи відео про їжу", "uk", "про їжу"),
        ("5 порад для кращого сну", "uk", "5 порад"),
        ("Was ist Inflation?", "de", "was Inflation ist"),
        ("Crea un video sobre el café", "es", "el café"),
        ("Erstelle ein Video über die Bahn", "de", "die Bahn"),
    ],
)
def test_planner_keeps_the_prompt_language(prompt: str, language: str, topic: str) -> None:
    board = planner.plan(VideoRequest(prompt=prompt))
    assert board.language == language
    assert topic in board.scenes[0].narration


def test_cyrillic_narration_stays_cyrillic() -> None:
    board = planner.plan(VideoRequest(prompt="Сделай видео про космос"))
    assert all(any("а" <= ch <= "я" for ch in s.narration.lower()) for s in board.scenes)


def test_scene_count_and_target_duration_are_honoured() -> None:
    board = planner.plan(VideoRequest(prompt="Create a video about bees", scenes=5, duration_s=30))
    assert len(board.scenes) == 5
    total = sum(s.duration_s for s in board.scenes) - 0.5 * 4
    assert total == pytest.approx(30, abs=0.01)


def test_duration_alone_picks_the_scene_count() -> None:
    assert len(planner.plan(VideoRequest(prompt="Create a video about bees", duration_s=60)).scenes) == 8
    assert len(planner.plan(VideoRequest(prompt="Create a video about bees", duration_s=40)).scenes) == 7
    assert len(planner.plan(VideoRequest(prompt="Create a video about bees", duration_s=25)).scenes) == 4
    assert len(planner.plan(VideoRequest(prompt="Create a video about bees", duration_s=20)).scenes) == 4
    assert len(planner.plan(VideoRequest(prompt="Create a video about bees", duration_s=15)).scenes) == 3
    assert len(planner.plan(VideoRequest(prompt="Create a video about bees", duration_s=10)).scenes) == 3


@pytest.mark.parametrize(
    ("prompt", "language", "topic"),
    [
        ("Haz un vídeo vertical de 20 segundos sobre las abejas y la miel", "es", "las abejas"),
        ("Make a 20-second video about bees and honey", "en", "bees"),
        ("Видео на 20 секунд о вулканах", "ru", "о вулканах"),
        ("Mach ein 20-Sekunden-Video über Bienen und Honig", "de", "über Bienen"),
        ("Fais une vidéo de 20 secondes sur les abeilles et le miel", "fr", "les abeilles"),
        ("Сделай вертикальное видео на 20 секунд о том, как работают чёрные дыры", "ru", "чёрные дыры"),
    ],
)
def test_a_twenty_second_short_cuts_every_five_seconds_or_so(prompt: str, language: str, topic: str) -> None:
    """Once 3 scenes of 4.8, 12.0 and 3.9 s: a 12 s card in a 20 s short is dull, viewers expect a cut every 3-6 s;
    and every middle scene says something about the topic, not only generic lines."""
    board = planner.plan(VideoRequest(prompt=prompt))
    assert board.language == language and len(board.scenes) == 4
    assert all(2.5 <= s.duration_s <= 8.0 for s in board.scenes), [s.duration_s for s in board.scenes]
    assert all(topic in s.narration for s in board.scenes[1:-1]), [s.narration for s in board.scenes]
    spoken = sum(speech_s(s.narration, language) for s in board.scenes)
    assert spoken == pytest.approx(speech_budget_s(20, 4, 0.5), rel=0.06)
    assert len({s.narration for s in board.scenes}) == 4


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
    assert all(2.5 <= d <= 10.0 for d in durations)
    longest = max(board.scenes[1:], key=lambda s: speech_s(s.narration, "en"))  # the opening has half a crossfade
    assert longest.duration_s == max(durations[1:])


BANNED = re.compile(
    r"\b(create|make|9:16|16:9|shorts|tiktok|vertical|second|minute|seconds|explainer|сделай|создай|"
    r"зроби|секунд|минут\w*|haz|erstelle|fais|segundos|sekunden|secondes|overview|concept|sunset)\b",
    re.IGNORECASE,
)
PROMPTS = [
    "Make a calm travel video about Kyoto in autumn, 9:16 for Shorts",
    "Top 5 tips for remote work productivity",
    "A 60-second explainer: how vaccines train the immune system",
    "Создай видео о том, как работают чёрные дыры",
    "Сделай минутное вертикальное видео про космос",
    "Зроби відео про Карпати, 30 секунд, для TikTok",
    "Haz un video sobre el café en formato vertical de 30 segundos",
    "Erstelle ein 60-Sekunden-Video über den Klimawandel",
    "Fais une vidéo amusante sur les chats",
]


def _words(board) -> int:  # type: ignore[no-untyped-def]
    return sum(len(s.narration.split()) for s in board.scenes)


@pytest.mark.parametrize("prompt", PROMPTS)
def test_narration_and_title_never_repeat_the_instruction(prompt: str) -> None:
    board = planner.plan(VideoRequest(prompt=prompt))
    for text in [board.title, *(s.narration for s in board.scenes)]:
        assert not BANNED.search(text), text
        assert "{" not in text
    assert sum(s.duration_s for s in board.scenes) - 0.5 * (len(board.scenes) - 1) == pytest.approx(
        board.target_duration_s, abs=0.002
    )


def test_top_five_tips_become_five_numbered_tip_scenes_between_an_intro_and_an_outro() -> None:
    board = planner.plan(VideoRequest(prompt="Top 5 tips for remote work productivity"))
    assert len(board.scenes) == 7
    assert [s.narration.split(":")[0] for s in board.scenes[1:6]] == [f"Tip {i}" for i in range(1, 6)]
    assert len({s.narration for s in board.scenes}) == 7
    assert board.title == "Top 5 tips for remote work productivity"
    assert all(s.visual_query.startswith("remote work productivity") for s in board.scenes)


def test_a_sixty_second_request_gets_sixty_seconds_of_words() -> None:
    board = planner.plan(VideoRequest(prompt="A 60-second explainer: how vaccines train the immune system"))
    assert board.target_duration_s == 60
    spoken = sum(speech_s(s.narration, "en") for s in board.scenes)
    assert spoken == pytest.approx(speech_budget_s(60, len(board.scenes), 0.5), rel=0.05)
    assert 150 <= _words(board) <= 190  # espeak-ng speaks about 3.3 English words a second
    short = planner.plan(VideoRequest(prompt="Create a 20 second video about bees"))
    assert short.target_duration_s == 20 and len(short.scenes) < len(board.scenes) and _words(short) < 70


def test_the_frame_comes_from_the_prompt_unless_the_request_sets_it() -> None:
    prompt = "Make a calm travel video about Kyoto in autumn, 9:16 for Shorts"
    board = planner.plan(VideoRequest(prompt=prompt))
    assert board.aspect == "9:16" and board.mood == "calm" and board.title == "Kyoto in autumn"
    assert planner.plan(VideoRequest(prompt=prompt, aspect="16:9")).aspect == "16:9"
    assert planner.plan(VideoRequest(prompt="Create a video about AI")).aspect == "16:9"


def test_russian_titles_and_lines_keep_the_topic_grammatical() -> None:
    board = planner.plan(VideoRequest(prompt="Создай видео о том, как работают чёрные дыры"))
    assert board.title == "Как работают чёрные дыры"
    assert "о том, как работают чёрные дыры" in board.scenes[0].narration
    assert "Том" not in board.title and "о теме" not in board.scenes[0].narration
    space = planner.plan(VideoRequest(prompt="Сделай минутное вертикальное видео про космос"))
    assert space.title == "Про космос" and space.aspect == "9:16" and space.target_duration_s == 60


def test_different_topics_get_different_lines() -> None:
    bees = [s.narration.replace("bees", "X") for s in planner.plan(VideoRequest(prompt="A video about bees")).scenes]
    moon = [
        s.narration.replace("the Moon", "X") for s in planner.plan(VideoRequest(prompt="A video about the Moon")).scenes
    ]
    assert bees != moon


def test_a_script_loses_its_directions() -> None:
    script = (
        "Make it a vertical video. The sun rises. Birds wake up. Boats leave the harbour. The town sleeps, 30 seconds."
    )
    board = planner.plan(VideoRequest(prompt=script))
    assert board.aspect == "9:16" and board.target_duration_s == 30
    assert [s.narration for s in board.scenes] == [
        "The sun rises.",
        "Birds wake up.",
        "Boats leave the harbour.",
        "The town sleeps.",
    ]
