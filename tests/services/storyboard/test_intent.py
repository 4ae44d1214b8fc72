import pytest

from services.storyboard.intent import read_intent

CASES = [
    ("Make a calm travel video about Kyoto in autumn, 9:16 for Shorts", "en",
     {"topic": "Kyoto in autumn", "aspect": "9:16", "mood": "calm", "structure": "story"}),
    ("Top 5 tips for remote work productivity", "en",
     {"topic": "remote work productivity", "count": 5, "item_kind": "tip", "structure": "list"}),
    ("A 60-second explainer: how vaccines train the immune system", "en",
     {"topic": "how vaccines train the immune system", "duration_s": 60, "structure": "explainer"}),
    ("Create an epic video about the Roman Empire in 16:9, 2 minutes long", "en",
     {"topic": "the Roman Empire", "aspect": "16:9", "duration_s": 120, "mood": "dramatic"}),
    ("Make a 1 minute square video about sourdough bread for beginners", "en",
     {"topic": "sourdough bread", "aspect": "1:1", "duration_s": 60, "audience": "beginners"}),
    ("How to stay calm under pressure", "en", {"topic": "how to stay calm under pressure", "mood": None}),
    ("Make a video about Times Square", "en", {"topic": "Times Square", "aspect": None}),
    ("Создай видео о том, как работают чёрные дыры", "ru",
     {"topic": "как работают чёрные дыры", "about": "о том, как работают чёрные дыры", "structure": "explainer"}),
    ("Сделай спокойное минутное вертикальное видео про космос для детей", "ru",
     {"topic": "космос", "about": "про космос", "aspect": "9:16", "duration_s": 60, "mood": "calm",
      "audience": "kids"}),
    ("Топ-5 советов для продуктивной работы, 30 секунд", "ru",
     {"count": 5, "items": "советов", "about": "для продуктивной работы", "duration_s": 30}),
    ("Зроби відео про Карпати, 2 хвилини, для TikTok", "uk",
     {"topic": "Карпати", "about": "про Карпати", "aspect": "9:16", "duration_s": 120}),
    ("Зроби коротке відео про те, як працює блокчейн", "uk",
     {"topic": "як працює блокчейн", "about": "про те, як працює блокчейн", "structure": "explainer"}),
    ("Haz un video divertido sobre el café en formato vertical de 30 segundos", "es",
     {"topic": "el café", "about": "sobre el café", "aspect": "9:16", "duration_s": 30, "mood": "playful"}),
    ("5 consejos para dormir mejor", "es", {"topic": "dormir mejor", "count": 5, "about": "para dormir mejor"}),
    ("Erstelle ein 60-Sekunden-Video über den Klimawandel für Anfänger", "de",
     {"topic": "den Klimawandel", "about": "über den Klimawandel", "duration_s": 60, "audience": "beginners"}),
    ("Erstelle ein Video: wie Schwarze Löcher funktionieren, im Hochformat", "de",
     {"topic": "wie Schwarze Löcher funktionieren", "aspect": "9:16", "structure": "explainer"}),
    ("Fais une vidéo sur les abeilles, format carré, 45 secondes", "fr",
     {"topic": "les abeilles", "about": "sur les abeilles", "aspect": "1:1", "duration_s": 45}),
    ("Fais une vidéo amusante sur les chats pour les enfants", "fr",
     {"topic": "les chats", "mood": "playful", "audience": "kids"}),
    ("Fais une vidéo d'une minute sur les abeilles", "fr",
     {"topic": "les abeilles", "about": "sur les abeilles", "duration_s": 60}),
    ("Une vidéo d'histoire", "fr", {"topic": "histoire"}),
    ("Видео по истории Рима", "ru", {"topic": "истории Рима", "about": "на тему «истории Рима»"}),
    ("Ein Video wie Bienen fliegen", "de",
     {"topic": "wie Bienen fliegen", "about": "darüber, wie Bienen fliegen", "structure": "explainer"}),
    ("5 советов по тайм-менеджменту", "ru", {"count": 5, "about": "по тайм-менеджменту"}),
    ("Top 5 ways to sleep better, 30 seconds, vertical for TikTok", "en",
     {"about": "to sleep better", "aspect": "9:16", "duration_s": 30}),
    ("Make a video about Kyoto, vertical, 30 seconds", "en", {"topic": "Kyoto", "aspect": "9:16"}),
    ("Make a video about the vertical farm", "en", {"topic": "the vertical farm", "aspect": None}),
    ("Сделай видео про космос, вертикально", "ru", {"topic": "космос", "aspect": "9:16"}),
    ("Зроби відео на хвилину про Карпати", "uk", {"topic": "Карпати", "about": "про Карпати", "duration_s": 60}),
    ("Сделай видео на минуту о вулканах", "ru", {"topic": "вулканах", "about": "о вулканах", "duration_s": 60}),
    ("Видео на полминуты о вулканах", "ru", {"about": "о вулканах", "duration_s": 30}),
    ("Зроби відео на пів хвилини про бджіл", "uk", {"about": "про бджіл", "duration_s": 30}),
    ("Сделай видео о том, как прожить минуту без телефона", "ru",
     {"topic": "как прожить минуту без телефона", "duration_s": None}),
]  # fmt: skip


@pytest.mark.parametrize(("prompt", "language", "expected"), CASES)
def test_read_intent(prompt: str, language: str, expected: dict) -> None:
    intent = read_intent(prompt, language)
    assert {key: getattr(intent, key) for key in expected} == expected
