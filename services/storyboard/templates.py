"""Narration beats of the offline planner, per language. `{topic}` is the subject of the prompt.

Each beat pairs a narration template with an English visual hint (stock libraries are searched in English).
The first beat opens the video and the last one closes it; the middle beats are picked in order.
"""

from pydantic import BaseModel


class Beat(BaseModel):
    narration: str
    visual_hint: str


def _beats(pairs: list[tuple[str, str]]) -> list[Beat]:
    return [Beat(narration=n, visual_hint=v) for n, v in pairs]


_HINTS = [
    "wide establishing shot",
    "overview concept",
    "history archive",
    "close up detail",
    "people everyday life",
    "success bright",
    "challenge problem",
    "future horizon",
    "sunset calm ending",
]

BEATS: dict[str, list[Beat]] = {
    "en": _beats(
        list(
            zip(
                [
                    "Let's talk about {topic}.",
                    "At its core, {topic} is simpler than it first appears.",
                    "The story of {topic} started long before it became popular.",
                    "Here is how {topic} actually works, step by step.",
                    "Today {topic} shows up in everyday life more often than we notice.",
                    "The biggest benefit of {topic} is the time and effort it saves.",
                    "Still, {topic} comes with real challenges worth knowing.",
                    "The next few years will reshape {topic} even further.",
                    "That is {topic} in a nutshell. Thanks for watching!",
                ],
                _HINTS,
                strict=True,
            )
        )
    ),
    "ru": _beats(
        list(
            zip(
                [
                    "Поговорим о теме: {topic}.",
                    "По сути, {topic} — это проще, чем кажется на первый взгляд.",
                    "История темы «{topic}» началась задолго до того, как она стала популярной.",
                    "Вот как на самом деле устроено {topic}, шаг за шагом.",
                    "Сегодня {topic} встречается в повседневной жизни чаще, чем мы замечаем.",
                    "Главное преимущество — {topic} экономит время и силы.",
                    "Но у темы «{topic}» есть и серьёзные трудности.",
                    "В ближайшие годы {topic} изменится ещё сильнее.",
                    "Вот и всё о теме «{topic}». Спасибо за просмотр!",
                ],
                _HINTS,
                strict=True,
            )
        )
    ),
    "uk": _beats(
        list(
            zip(
                [
                    "Поговорімо про тему: {topic}.",
                    "По суті, {topic} — це простіше, ніж здається на перший погляд.",
                    "Історія теми «{topic}» почалася задовго до того, як вона стала популярною.",
                    "Ось як насправді влаштовано {topic}, крок за кроком.",
                    "Сьогодні {topic} трапляється в повсякденному житті частіше, ніж ми помічаємо.",
                    "Головна перевага — {topic} заощаджує час і сили.",
                    "Проте тема «{topic}» має й серйозні труднощі.",
                    "Найближчими роками {topic} зміниться ще більше.",
                    "Ось і все про тему «{topic}». Дякуємо за перегляд!",
                ],
                _HINTS,
                strict=True,
            )
        )
    ),
    "es": _beats(
        list(
            zip(
                [
                    "Hablemos de {topic}.",
                    "En esencia, {topic} es más sencillo de lo que parece.",
                    "La historia de {topic} empezó mucho antes de hacerse popular.",
                    "Así es como funciona realmente {topic}, paso a paso.",
                    "Hoy {topic} aparece en la vida diaria más de lo que notamos.",
                    "La mayor ventaja de {topic} es el tiempo y el esfuerzo que ahorra.",
                    "Aun así, {topic} tiene desafíos reales que conviene conocer.",
                    "Los próximos años transformarán {topic} todavía más.",
                    "Eso es {topic} en pocas palabras. ¡Gracias por ver!",
                ],
                _HINTS,
                strict=True,
            )
        )
    ),
    "de": _beats(
        list(
            zip(
                [
                    "Lass uns über {topic} sprechen.",
                    "Im Kern ist {topic} einfacher, als es zunächst scheint.",
                    "Die Geschichte von {topic} begann lange bevor es populär wurde.",
                    "So funktioniert {topic} tatsächlich, Schritt für Schritt.",
                    "Heute begegnet uns {topic} im Alltag öfter, als wir merken.",
                    "Der größte Vorteil von {topic} ist die gesparte Zeit und Mühe.",
                    "Trotzdem bringt {topic} echte Herausforderungen mit sich.",
                    "Die nächsten Jahre werden {topic} noch stärker verändern.",
                    "Das war {topic} in Kürze. Danke fürs Zuschauen!",
                ],
                _HINTS,
                strict=True,
            )
        )
    ),
    "fr": _beats(
        list(
            zip(
                [
                    "Parlons de {topic}.",
                    "Au fond, {topic} est plus simple qu'il n'y paraît.",
                    "L'histoire de {topic} a commencé bien avant sa popularité.",
                    "Voici comment {topic} fonctionne vraiment, étape par étape.",
                    "Aujourd'hui, {topic} est présent au quotidien plus qu'on ne le pense.",
                    "Le plus grand avantage de {topic} est le temps et l'effort économisés.",
                    "Pourtant, {topic} pose de vrais défis qu'il faut connaître.",
                    "Les prochaines années transformeront encore {topic}.",
                    "Voilà {topic} en bref. Merci d'avoir regardé !",
                ],
                _HINTS,
                strict=True,
            )
        )
    ),
}
