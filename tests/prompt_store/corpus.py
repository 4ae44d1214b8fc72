"""Prompts and paraphrased queries for the search-quality test; queries avoid the prompts' wording."""

# name -> (type, tags, text)
PROMPTS: dict[str, tuple[str, list[str], str]] = {
    "storyboard.travel": (
        "system",
        ["video", "travel"],
        "Plan a short video tour of a city: landmarks, food stalls and street life, one scene per spot.",
    ),
    "storyboard.cooking": (
        "system",
        ["video", "food"],
        "Turn a recipe into a step-by-step cooking video with ingredient close-ups and oven timings.",
    ),
    "storyboard.fitness": (
        "system",
        ["video", "health"],
        "Create a home workout video: warm-up, squats, push-ups and stretching, each exercise as one scene.",
    ),
    "narration.kids": (
        "template",
        ["voice", "kids"],
        "Narrate a bedtime story for small children in a gentle, calm voice with simple words.",
    ),
    "narration.documentary": (
        "template",
        ["voice"],
        "Write a serious wildlife documentary voice-over about animals surviving in the savanna.",
    ),
    "title.youtube": (
        "template",
        ["publish"],
        "Suggest a catchy YouTube title under sixty characters that makes viewers click.",
    ),
    "description.seo": (
        "template",
        ["publish"],
        "Write a video description with search keywords, chapters and a call to subscribe.",
    ),
    "tool.stock_search": (
        "tool",
        ["media"],
        "Search stock footage libraries for clips matching a scene and return the best candidates.",
    ),
    "tool.translate": (
        "tool",
        ["language"],
        "Translate subtitles from English into Spanish while keeping the timing of each line.",
    ),
    "tool.music": (
        "tool",
        ["audio"],
        "Pick royalty-free background music whose mood matches the video, such as upbeat or melancholic.",
    ),
    "safety.moderation": (
        "system",
        ["policy"],
        "Refuse requests for violent, hateful or sexual content and explain the refusal politely.",
    ),
    "summary.meeting": (
        "template",
        ["text"],
        "Summarise a long business meeting transcript into decisions, owners and deadlines.",
    ),
    "code.review": (
        "system",
        ["dev"],
        "Review a pull request for bugs, missing tests and unclear variable names.",
    ),
    "email.support": (
        "template",
        ["text"],
        "Answer an angry customer complaint about a late parcel with an apology and a refund offer.",
    ),
    "poem.haiku": ("template", ["creative"], "Compose a haiku about autumn leaves falling in the rain."),
    "storyboard.history": (
        "system",
        ["video", "education"],
        "Explain the fall of the Roman Empire as an animated history lesson for students.",
    ),
    "storyboard.science": (
        "system",
        ["video", "education"],
        "Illustrate how photosynthesis turns sunlight, water and carbon dioxide into sugar in leaves.",
    ),
    "product.launch": (
        "template",
        ["marketing"],
        "Script a product launch teaser for a new smartphone with dramatic reveals of the camera.",
    ),
    "real_estate.tour": (
        "template",
        ["marketing"],
        "Describe a house for sale room by room: bright kitchen, garden, garage and bedrooms.",
    ),
    "weather.report": (
        "template",
        ["news"],
        "Present tomorrow's weather forecast with temperatures, storms and wind warnings.",
    ),
    "finance.explainer": (
        "system",
        ["education"],
        "Explain compound interest and saving for retirement to beginners using simple numbers.",
    ),
    "pet.care": (
        "template",
        ["animals"],
        "Give tips for training a puppy to sit, walk on a leash and stop biting furniture.",
    ),
    "space.facts": (
        "template",
        ["education"],
        "List surprising facts about black holes, neutron stars and the expansion of the universe.",
    ),
    "gardening.guide": (
        "template",
        ["home"],
        "Guide beginners through growing tomatoes on a balcony: pots, soil, watering and sunlight.",
    ),
}

# paraphrased query -> expected prompt name
QUERIES: dict[str, str] = {
    "sightseeing clip around a town showing monuments and eateries": "storyboard.travel",
    "film a kitchen tutorial that shows how to prepare a dish": "storyboard.cooking",
    "exercise routine clip you can follow in your living room": "storyboard.fitness",
    "soothing tale read aloud to toddlers before sleep": "narration.kids",
    "nature film commentary about lions and zebras in Africa": "narration.documentary",
    "clickbait headline for my channel upload": "title.youtube",
    "optimise the text under my upload so it ranks in search": "description.seo",
    "find b-roll videos for this shot": "tool.stock_search",
    "convert captions to another language without breaking sync": "tool.translate",
    "choose a soundtrack that fits the feeling of the clip": "tool.music",
    "decline harmful or offensive requests courteously": "safety.moderation",
    "condense notes from a corporate call into action items": "summary.meeting",
    "check my code changes for defects before merging": "code.review",
    "reply to an upset buyer whose delivery arrived late": "email.support",
    "short Japanese poem about the fall season": "poem.haiku",
    "educational cartoon about why ancient Rome collapsed": "storyboard.history",
    "how plants make food from light, for a biology class": "storyboard.science",
    "hype trailer for a new phone and its camera": "product.launch",
    "walkthrough of a property on the market": "real_estate.tour",
    "forecast of rain and wind for the next day": "weather.report",
    "teach newcomers how savings grow over decades": "finance.explainer",
    "how to teach a young dog good manners": "pet.care",
    "amazing things about galaxies and stars collapsing": "space.facts",
    "grow vegetables in containers on an apartment terrace": "gardening.guide",
}
