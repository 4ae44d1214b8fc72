"""Search evaluation set: 32 prompts of different kinds (English and Russian), two paraphrased queries each.

Written for issue 21, never tuned against by the code beyond the fusion weights named in `finder`; the queries
say what a user remembers of a prompt in other words. `EDITS` become versions 2 and 3 of every prompt, so that
results have to be grouped per prompt.
"""

# name -> (type, tags, text, (query 1, query 2))
EVAL: dict[str, tuple[str, list[str], str, tuple[str, str]]] = {
    "storyboard.city_tour": (
        "system",
        ["video", "travel"],
        "Plan a short video walk through a city: landmarks, markets and street musicians, one scene per stop.",
        ("sightseeing clip of an urban trip", "video about walking around town and its famous places"),
    ),
    "storyboard.recipe": (
        "system",
        ["video", "food"],
        "Turn a recipe into a cooking video: ingredients on the table, chopping, frying and the plated dish.",
        ("kitchen video showing how to make a meal", "food preparation clip step by step"),
    ),
    "storyboard.workout": (
        "system",
        ["video", "health"],
        "Create a home workout video: warm-up, squats, push-ups and a stretch, one exercise per scene.",
        ("fitness training at home clip", "exercise routine without a gym"),
    ),
    "storyboard.product": (
        "system",
        ["video", "ads"],
        "Make a thirty-second advert for a new gadget: the problem, the product in use, a closing offer.",
        ("commercial for a device launch", "short promo spot selling a new product"),
    ),
    "storyboard.history": (
        "system",
        ["video", "education"],
        "Explain a historical event for students: causes, key people, the turning point and what changed after.",
        ("school lesson about the past", "educational film on what happened in history"),
    ),
    "storyboard.science": (
        "system",
        ["video", "education"],
        "Explain a science idea with simple experiments and diagrams a curious teenager can follow.",
        ("physics for teens with demonstrations", "experiment-based explainer of a scientific concept"),
    ),
    "narration.bedtime": (
        "template",
        ["voice", "kids"],
        "Narrate a bedtime story for small children in a gentle, calm voice with short simple sentences.",
        ("soothing tale for toddlers before sleep", "quiet reading voice for young kids at night"),
    ),
    "narration.wildlife": (
        "template",
        ["voice"],
        "Write a serious wildlife documentary voice-over about animals surviving the dry season in the savanna.",
        ("nature film commentary about African animals", "voiceover for a documentary on lions and drought"),
    ),
    "title.youtube": (
        "template",
        ["publish"],
        "Suggest a catchy YouTube title under sixty characters that makes viewers want to click.",
        ("clickable headline for my upload", "short attention-grabbing name for a clip"),
    ),
    "description.seo": (
        "template",
        ["publish"],
        "Write a video description with search keywords, chapter timestamps and a call to subscribe.",
        ("text under the clip for ranking in search", "SEO blurb with chapters for my channel"),
    ),
    "tool.stock_footage": (
        "tool",
        ["media"],
        "Search stock footage libraries for clips that match a scene and return the best candidates.",
        ("find b-roll videos for each shot", "look up licensed clips from image banks"),
    ),
    "tool.subtitles": (
        "tool",
        ["language"],
        "Translate subtitles from English into Spanish and keep the timing of every line.",
        ("convert captions to another language", "localize the srt file for Spanish viewers"),
    ),
    "tool.music": (
        "tool",
        ["audio"],
        "Pick background music that fits the mood of the video and its length, royalty free.",
        ("choose a soundtrack matching the atmosphere", "copyright-free tune for my clip"),
    ),
    "tool.thumbnail": (
        "tool",
        ["media"],
        "Choose the most striking frame of the video for a thumbnail and add large readable text.",
        ("cover image for the upload", "preview picture with big letters"),
    ),
    "review.code": (
        "system",
        ["dev"],
        "Review a pull request: point out bugs, risky changes and missing tests, politely and briefly.",
        ("check my merge request for mistakes", "feedback on a code change before merging"),
    ),
    "support.refund": (
        "system",
        ["support"],
        "Answer a customer who wants their money back: apologise, explain the refund policy and next steps.",
        ("reply to a client asking to return a purchase", "help desk answer about reimbursement"),
    ),
    "email.followup": (
        "template",
        ["sales"],
        "Write a polite follow-up email to a prospect who has not replied to our offer in a week.",
        ("reminder message to a silent lead", "nudge a potential buyer who went quiet"),
    ),
    "summary.meeting": (
        "template",
        ["work"],
        "Summarise meeting notes into decisions, action items with owners and open questions.",
        ("minutes of a call with tasks and who does them", "recap of a discussion listing to-dos"),
    ),
    "poem.haiku": (
        "user",
        ["fun"],
        "Compose a haiku about falling leaves in autumn.",
        ("three-line japanese verse on fall foliage", "short poem about the season when trees go bare"),
    ),
    "quiz.geography": (
        "user",
        ["education", "fun"],
        "Create ten multiple-choice questions about world capitals and rivers, with the answers.",
        ("trivia test on countries and their cities", "game with questions about maps and places"),
    ),
    "storyboard.ru.travel": (
        "system",
        ["video", "travel", "ru"],
        "Сделай короткое видео о путешествии по Байкалу: лёд, горы, местная кухня и закат над озером.",
        ("ролик про поездку на озеро Байкал зимой", "клип о путешествии к сибирскому озеру"),
    ),
    "storyboard.ru.cooking": (
        "system",
        ["video", "food", "ru"],
        "Сними видео-рецепт борща: свёкла, капуста, бульон, сметана и подача на стол.",
        ("как приготовить борщ, пошаговый ролик", "кулинарное видео про свекольный суп"),
    ),
    "storyboard.ru.history": (
        "system",
        ["video", "education", "ru"],
        "Расскажи школьникам о Петре Первом: реформы, флот, основание Петербурга и итоги правления.",
        ("урок истории про царя Петра и его реформы", "видео для учеников об основателе Петербурга"),
    ),
    "narration.ru.fairy_tale": (
        "template",
        ["voice", "kids", "ru"],
        "Озвучь сказку для малышей тёплым спокойным голосом, медленно и с паузами.",
        ("спокойное чтение сказки детям перед сном", "голос для детской сказки на ночь"),
    ),
    "title.ru.youtube": (
        "template",
        ["publish", "ru"],
        "Придумай цепляющее название для ролика на YouTube, не длиннее шестидесяти символов.",
        ("короткий заголовок для видео на ютубе", "название ролика, чтобы кликали"),
    ),
    "support.ru.delivery": (
        "system",
        ["support", "ru"],
        "Ответь покупателю, чья посылка задерживается: извинись, назови срок доставки и трек-номер.",
        ("ответ клиенту про задержку доставки заказа", "где моя посылка: вежливый ответ покупателю"),
    ),
    "email.ru.invoice": (
        "template",
        ["sales", "ru"],
        "Напиши письмо клиенту с напоминанием об оплате счёта и реквизитами для перевода.",
        ("напоминание об оплате счёта клиенту", "письмо о неоплаченном счёте с реквизитами"),
    ),
    "summary.ru.article": (
        "template",
        ["work", "ru"],
        "Кратко перескажи статью в пяти пунктах: главная мысль, факты и вывод автора.",
        ("краткое содержание статьи по пунктам", "пересказ текста: главное и вывод"),
    ),
    "quiz.ru.literature": (
        "user",
        ["education", "ru"],
        "Составь викторину по русской литературе: Пушкин, Толстой, Достоевский, с ответами.",
        ("вопросы о русских писателях с ответами", "тест по книгам Толстого и Пушкина"),
    ),
    "tool.ru.translate": (
        "tool",
        ["language", "ru"],
        "Переведи субтитры с русского на английский, сохранив тайминг каждой строки.",
        ("перевод субтитров ролика на английский", "сделай английские субтитры из русских"),
    ),
    "review.ru.resume": (
        "system",
        ["work", "ru"],
        "Оцени резюме кандидата: опыт, навыки, ошибки в тексте и что стоит улучшить.",
        ("проверь резюме соискателя и дай советы", "отзыв о резюме для работы"),
    ),
    "poem.ru.winter": (
        "user",
        ["fun", "ru"],
        "Напиши короткое стихотворение о зимнем лесе, снеге и тишине.",
        ("стих про снег и зимний лес", "короткие стихи о зиме в лесу"),
    ),
}

EDITS: tuple[str, str] = (" Keep it concise.", " Use plain language and a friendly tone.")
