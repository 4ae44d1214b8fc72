"""Regular expressions that find the instruction, length, frame, count, audience and tone in a video request.

They cover en, ru, uk, es, de, fr; Cyrillic and Latin words are matched case-insensitively with Unicode word rules.
"""

import re

FLAGS = re.IGNORECASE | re.UNICODE

NUMBER_WORDS: dict[str, int] = {
    "a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
    "nine": 9, "ten": 10, "одну": 1, "одна": 1, "одной": 1, "две": 2, "два": 2, "три": 3, "пять": 5, "десять": 10,
    "дві": 2, "п'ять": 5, "un": 1, "una": 1, "uno": 1, "dos": 2, "tres": 3, "cinco": 5, "diez": 10, "ein": 1,
    "eine": 1, "einer": 1, "zwei": 2, "drei": 3, "fünf": 5, "zehn": 10, "une": 1, "deux": 2, "trois": 3, "cinq": 5,
    "dix": 10,
}  # fmt: skip
_NUM = r"\d+(?:[.,]\d+)?|" + "|".join(sorted(NUMBER_WORDS, key=len, reverse=True))

_SECONDS = r"seconds?|secs?|s|sekunden|sek|segundos?|seg|secondes?|sec|секунд[уаы]?|секундн\w*|сек|секундн\w*"
_MINUTES = r"minutes?|mins?|min|minutos?|minuten|minute|минут[уаы]?|минутн\w*|мин|хвилин[уи]?|хвилинн\w*|хв"
_LENGTH_LEAD = (
    r"(?:(?:lasting|about|around|under|of|roughly|in|within|длиной|продолжительностью|на|за|тривалістю|de|en|von|"
    r"durant)\s+|d['’])?"
)
_LENGTH_TAIL = r"(?:\s+(?:long|in\s+length|lang))?"
LENGTH = re.compile(
    rf"{_LENGTH_LEAD}(?<![\w:])(?P<num>{_NUM})\s*-?\s*(?P<unit>{_SECONDS}|{_MINUTES})(?:-|\b)(?!:){_LENGTH_TAIL}",
    FLAGS,
)
LENGTH_HALF = re.compile(r"(?:\b(?:на|в|durant|de)\s+)?\b(?:half\s+a\s+minute|half-minute|пол\s*минуты|"
                         r"пів\s*хвилини|medio\s+minuto|eine\s+halbe\s+minute|une\s+demi-minute)\b", FLAGS)  # fmt: skip
LENGTH_ONE_UNIT = re.compile(r"\b(?:на|в)\s+(?:минуту|хвилину)\b", FLAGS)
"""A unit without its number is one of it: "видео на минуту", "відео на хвилину"."""
_MULTIPLIERS = {"полу": 0.5, "двух": 2, "дву": 2, "двох": 2, "трёх": 3, "трех": 3, "трьох": 3, "пяти": 5, "п'яти": 5,
                "ein": 1, "zwei": 2, "drei": 3, "fünf": 5}  # fmt: skip
MULTIPLIERS: dict[str, float] = dict(_MULTIPLIERS)
LENGTH_ADJECTIVE = re.compile(
    r"\b(?P<mult>полу|двух|дву|двох|трёх|трех|трьох|пяти|п'яти|ein|zwei|drei|fünf)?"
    r"(?P<unit>минутн\w*|хвилинн\w*|minütig\w*)",
    FLAGS,
)

_VIDEO_NOUN = (
    r"(?:video|videos|clip|film|format|frame|orientation|mode|reel|short|видео|ролик\w*|формат\w*|клип\w*|відео|"
    r"vídeo|vidéo|formato)"
)
_FRAME_LEAD = r"(?:(?:,\s*)?(?:in|as|for|в|у|для|en|para|im|für|au|pour|format)\s+)?"
_AT_START = r"(?:^|(?<=\s)|(?<=,))"
PLATFORM_NOUN = re.compile(
    r"\b(?P<article>an?|the)\s+(?:youtube\s+|instagram\s+)?(?:tik\s?tok|short|reel)\b(?=\s+(?:about|on|of|for|that)\b)",
    FLAGS,
)
"""The platform named as the thing to make ("Make a TikTok about ...", "a YouTube short on ..."): a 9:16 video."""
FOR_CHANNEL = re.compile(
    r"(?:,\s*)?\bfor\s+(?:my|our)\s+(?:youtube\s+|instagram\s+|tiktok\s+)?(?:channel|blog|website|site|page|account)\b",
    FLAGS,
)
"""Where the video will go ("for my channel"), not what it is about."""
FRAMES: list[tuple[str, re.Pattern[str]]] = [
    (aspect, re.compile(_FRAME_LEAD + pattern, FLAGS))
    for aspect, pattern in [
        ("9:16", r"\b9\s*[:x×/]\s*16\b(?:\s+(?:format|aspect(?:\s+ratio)?|формат\w*))?"),
        ("1:1", r"\b1\s*[:x×/]\s*1\b(?:\s+(?:format|aspect(?:\s+ratio)?|формат\w*))?"),
        ("16:9", r"\b16\s*[:x×/]\s*9\b(?:\s+(?:format|aspect(?:\s+ratio)?|формат\w*))?"),
        ("9:16", r"(?:youtube\s+)?\btik\s?tok\b"),
        (
            "9:16",
            r"(?:(?<=for\s)|(?<=для\s)|(?<=para\s)|(?<=für\s)|(?<=pour\s)|(?<=as\s))(?:youtube\s+|instagram\s+)?(?:shorts|reels?)\b",
        ),
        ("9:16", r"(?:youtube|instagram)\s+(?:shorts|reels?)\b"),
        ("9:16", r"\b(?:vertical|portrait|вертикальн\w*|vertikal\w*|verticale?)\b(?=\s+" + _VIDEO_NOUN + r")"),
        ("1:1", r"\b(?:square|квадратн\w*|cuadrad[oa]|quadratisch\w*|carrée?)\b(?=\s+" + _VIDEO_NOUN + r")"),
        ("16:9", r"\b(?:horizontal\w*|landscape|widescreen|горизонтальн\w*|apaisad[oa])\b(?=\s+" + _VIDEO_NOUN + r")"),
        ("9:16", r"\b(?:vertical|portrait|вертикальн\w*|verticale?)\s+(?:format|orientation|mode|формат\w*)\b"),
        ("9:16", r"(?:(?:en|au)\s+)?\b(?:formato|format)\s+(?:vertical|verticale)\b"),
        ("1:1", r"(?:(?:en|au)\s+)?\b(?:formato|format)\s+(?:cuadrado|carré)\b"),
        ("16:9", r"(?:(?:en|au)\s+)?\b(?:formato|format)\s+(?:horizontal|apaisado|paysage)\b"),
        ("9:16", r"\bhochformat\b"),
        ("16:9", r"\bquerformat\b"),
        # the word alone as one item of a comma list ("Top 5 ways to sleep better, 30 seconds, vertical")
        ("9:16", r"(?<=,)\s*(?:vertical|portrait|вертикально|вертикальное|vertikal|verticale?)\s*(?=,|\.|$)"),
        ("1:1", r"(?<=,)\s*(?:square|квадратное|quadratisch|cuadrado|carrée?)\s*(?=,|\.|$)"),
        ("16:9", r"(?<=,)\s*(?:landscape|horizontal|widescreen|горизонтальное|apaisado|paysage)\s*(?=,|\.|$)"),
    ]
]
# An adjective after its noun (es/fr: "video vertical", "vidéo verticale"): only the adjective is removed.
FRAMES_AFTER_NOUN: list[tuple[str, re.Pattern[str]]] = [
    (aspect, re.compile(r"(?P<keep>\b(?:video|vídeo|vidéo|formato|format)\s+)" + pattern, FLAGS))
    for aspect, pattern in [
        ("9:16", r"verticale?\b"),
        ("1:1", r"(?:cuadrado|carrée?)\b"),
        ("16:9", r"(?:horizontal|apaisado|paysage)\b"),
    ]
]

_ITEM_TIPS = (
    r"tips|ways|habits|steps|ideas|mistakes|tricks|hacks|rules|secrets|советов|совета|способов|способа|привычек|"
    r"привычки|шага|идеи|ошибки|правила|секрета|способи|звички|кроки|ідеї|помилки|секрети|"
    r"шагов|идей|ошибок|правил|секретов|лайфхаков|порад|поради|способів|звичок|кроків|ідей|помилок|правил|"
    r"секретів|consejos|formas|maneras|hábitos|pasos|ideas|errores|trucos|reglas|secretos|tipps|wege|gewohnheiten|"
    r"schritte|ideen|fehler|tricks|regeln|geheimnisse|conseils|façons|habitudes|étapes|idées|erreurs|astuces|"
    r"règles|secrets"
)
_ITEM_FACTS = (
    r"reasons|facts|things|places|myths|причин|причины|фактов|факта|вещей|вещи|места|мифа|мест|мифов|фактів|факти|"
    r"причини|речі|місця|міфи|речей|місць|"
    r"міфів|razones|datos|cosas|lugares|mitos|gründe|fakten|dinge|orte|mythen|raisons|faits|choses|lieux|mythes"
)
_ITEM_ADJ = (
    r"(?:(?:best|quick|simple|easy|essential|surprising|amazing|fun|interesting|useful|лучших|простых|главных|"
    r"полезных|интересных|удивительных|найкращих|простих|корисних|цікавих|mejores|simples|útiles|besten|einfache|"
    r"einfachen|meilleurs|meilleures|simples)\s+)?"
)
_COUNT_TAIL = (
    r"(?:\s+(?:for|to|on|about|of|in|для|по|о|об|про|на|в|щодо|para|sobre|de|en|für|zu|zum|zur|über|im|pour|sur|d'))?"
)
_MOD = r"(?:[^\W\d_][\w'-]*\s+)?"
"""One word naming the kind of item ("10 life hacks", "5 morning habits"), kept with the noun."""
_POST_ADJ = (
    r"(?:\s+(?:curios[oa]s|interesantes|sorprendentes|increíbles|útiles|rápid[oa]s|sencill[oa]s|étonnante?s|"
    r"surprenante?s|intéressante?s|incroyables|utiles|rapides|simples|amusante?s))?"
)
"""An adjective after the noun (es, fr): "5 datos curiosos", "3 faits étonnants"."""
COUNT_TOP = re.compile(
    rf"\b(?:top|топ|the\s+top)\s*-?\s*(?P<num>\d+|{_NUM})\b"
    rf"(?:\s+{_ITEM_ADJ}(?P<tips>{_MOD}(?:{_ITEM_TIPS})\b{_POST_ADJ})|"
    rf"\s+{_ITEM_ADJ}(?P<facts>{_MOD}(?:{_ITEM_FACTS})\b{_POST_ADJ}))?{_COUNT_TAIL}",
    FLAGS,
)
COUNT_ITEMS = re.compile(
    rf"(?<![\w:])(?P<num>\d+|{_NUM})\s+{_ITEM_ADJ}(?:(?P<tips>{_MOD}(?:{_ITEM_TIPS})\b{_POST_ADJ})|"
    rf"(?P<facts>{_MOD}(?:{_ITEM_FACTS})\b{_POST_ADJ})){_COUNT_TAIL}",
    FLAGS,
)

_LIKE_FIVE = r"(?:,\s*)?\b(?:like\s+i'?m|like\s+i\s+am|for\s+a)\s+(?:five|5)(?:[\s-]years?[\s-]olds?)?\b|\beli5\b"
"""For kids: "explain X like I am five", "for a 5-year-old", "ELI5"."""
AUDIENCE: list[tuple[str, re.Pattern[str]]] = [
    (
        who,
        re.compile(
            r"(?:,\s*)?\b(?:for|для|para|für|pour)\s+(?:the\s+|les\s+|los\s+|die\s+)?(?:" + words + r")\b", FLAGS
        ),
    )
    for who, words in [
        ("kids", r"kids|children|детей|малышей|дітей|малюків|niños|niñas|kinder|enfants"),
        ("beginners", r"beginners|newbies|начинающих|новичков|початківців|новачків|principiantes|anfänger|débutants"),
        ("students", r"students|студентов|школьников|студентів|школярів|estudiantes|schüler|studenten|étudiants"),
    ]
] + [("kids", re.compile(_LIKE_FIVE, FLAGS))]

TONES: list[tuple[str, str]] = [
    (
        "calm",
        r"calm|calming|relaxing|relaxed|peaceful|soothing|chill|cozy|gentle|meditative|спокойн\w*|"
        r"расслабляющ\w*|умиротворённ\w*|спокійн\w*|розслаблююч\w*|tranquil[oa]|relajante|ruhig\w*|"
        r"entspannend\w*|entspannt\w*|calme|apaisant\w*|relaxant\w*",
    ),
    (
        "upbeat",
        r"upbeat|energetic|motivating|motivational|dynamic|inspiring|энергичн\w*|бодр\w*|динамичн\w*|"
        r"мотивирующ\w*|енергійн\w*|динамічн\w*|мотивуюч\w*|enérgic[oa]|dinámic[oa]|motivador[a]?|"
        r"energiegeladen\w*|dynamisch\w*|motivierend\w*|énergique|dynamique|motivant\w*",
    ),
    (
        "dramatic",
        r"epic|dramatic|cinematic|intense|suspenseful|эпичн\w*|драматичн\w*|кинематографичн\w*|епічн\w*|"
        r"драматичн\w*|épic[oa]|dramátic[oa]|episch\w*|dramatisch\w*|épique|dramatique|cinématographique",
    ),
    (
        "playful",
        r"fun|funny|playful|lighthearted|silly|humorous|весёл\w*|весел\w*|смешн\w*|забавн\w*|смішн\w*|"
        r"кумедн\w*|divertid[oa]|gracios[oa]|lustig\w*|witzig\w*|amusant\w*|drôle|ludique",
    ),
]
TONE = [(mood, re.compile(rf"\b(?:{words})\b(?:\s+(?:and|и|і|та|y|und|et)\b)?", FLAGS)) for mood, words in TONES]

_VERBS = {
    "en": r"create|make|generate|produce|build|render|write|shoot|do|give\s+me|i\s+want|i\s+need",
    "ru": r"создай(?:те)?|сделай(?:те)?|сгенерируй(?:те)?|сними(?:те)?|подготовь(?:те)?|нужно|хочу",
    "uk": r"створи(?:ть)?|зроби(?:ть)?|згенеруй(?:те)?|зніми(?:ть)?|підготуй(?:те)?|потрібне|хочу",
    "es": r"crea|haz|genera|produce|graba|prepara|quiero|hazme|créame|creame",
    "de": r"erstelle|erstell|mach|mache|generiere|produziere|dreh|drehe|ich\s+möchte|ich\s+will",
    "fr": r"crée|créer|crées|fais|faites|génère|réalise|produis|je\s+veux",
}
_POLITE = (
    r"(?:(?:can|could|would|will)\s+you\s+|(?:please|пожалуйста|будь\s+ласка|por\s+favor|bitte|"
    r"s'il\s+(?:te|vous)\s+pla[iî]t)[\s,]*)+"
)
_ME = r"(?:me|мне|мені|me|mir|moi|nous|us)\s+"
_ARTICLE = r"(?:an?|the|un|una|uno|ein|eine|einen|une|le|la)\s+"
_NOUNS = (
    r"videos?|clips?|films?|movies?|explainers?|stor(?:y|ies)|shorts?|reels?|tiktoks?|ads?|adverts?|commercials?|"
    r"promos?|видео|ролик\w*|клип\w*|фильм\w*|"
    r"відео|фільм\w*|vídeos?|videos?|películas?|clip|videoclip|filme?s?|erklärvideo|vidéos?|courts?\s+métrages?"
)
_CONNECTORS = (
    r"about|on|of|for|explaining|showing|that\s+explains|that\s+shows|which\s+explains|"
    r"о\s+том,?|об\s+этом|про\s+то,?|про\s+те,?|обо|об|о|про|на\s+тему|по\s+теме|по|"
    r"sobre|acerca\s+de|de|"
    r"über|zum\s+thema|zu|zum|zur|darüber,?|"
    r"sur|à\s+propos\s+(?:de|du|des|d')|qui\s+explique|de|d['’](?=\w)"
)
_QUESTION_WORDS = (
    r"how|why|what|who|как|почему|зачем|что\s+такое|як|чому|що\s+таке|cómo|por\s+qué|qué\s+es|wie|warum|was\s+ist|"
    r"comment|pourquoi|qu'est-ce"
)
_FILLERS = r"(?:[\w'-]+\s+){0,3}?"
_NOUN = rf"(?:{_NOUNS})\b(?:\s+(?:{_NOUNS})\b)?(?:\s+(?:cort[oa]|breve|rápid[oa]|court|courte|bref|brève|rapide)\b)?"
"""A noun, another after it ("a short video", "video clip"), an adjective after it ("un video corto")."""
INSTRUCTION = re.compile(
    rf"^(?:{_POLITE})?(?:(?P<verb>{'|'.join(_VERBS.values())})\s+)(?:{_ME})?(?:{_ARTICLE})?{_FILLERS}"
    rf"{_NOUN}\s*(?::|—|–|-)?\s*(?P<connector>(?:{_CONNECTORS})\b[\s,]*)?",
    FLAGS,
)
# Without a verb ("A short explainer: black holes", "Видео о том, как ...") the noun must be followed by a connector.
HEADING = re.compile(
    rf"^(?:{_ARTICLE})?{_FILLERS}{_NOUN}\s*(?:(?::|—|–|-)\s*(?P<connector>)|"
    rf"(?P<connector2>(?:{_CONNECTORS})\b[\s,]*)|,?\s*(?=(?:{_QUESTION_WORDS})\b))",
    FLAGS,
)
EXPLAIN = re.compile(
    r"^(?:" + _POLITE + r")?(?:explain|tell\s+(?:me|us)\s+(?:about\s+)?|show\s+(?:me\s+|us\s+)?|"
    r"объясни(?:те)?,?|расскажи(?:те)?\s+(?:о\s+том,?|про|о|об)?|поясни(?:ть)?,?|розкажи(?:ть)?\s+(?:про\s+те,?|про)?|"
    r"explica(?:me)?|cuéntame\s+(?:sobre)?|erkläre?,?|erzähl\s+(?:mir\s+)?(?:von|über)?|"
    r"explique(?:-moi)?|raconte(?:-moi)?)\s*",
    FLAGS,
)
EXPLAINER_WORDS = re.compile(
    r"\b(?:explainer|explain\w*|how\s+\w+(?:\s+\w+){0,4}\s+works?|объясн\w*|поясн\w*|explica\w*|erklär\w*|expli\w*)\b",
    FLAGS,
)
QUESTION_START = re.compile(rf"^(?:{_QUESTION_WORDS})\b", FLAGS)
LEADING_JUNK = re.compile(
    r"^(?:(?:and|or|about|on|of|for|и|і|та|о|об|про|y|o|sobre|und|über|et|sur|de|à)\b[\s,]*|[,;:—–\-]\s*)+", FLAGS
)
