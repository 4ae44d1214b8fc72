LANG = "en"
PHRASES = {
    "intro": [
        "Today we look at {a}. Stay with me, it is worth it.",
        "This one is all about {a}. Here is what you need to know.",
        "Ever wondered about {a}? Let's dive in.",
    ],
    "story": [
        [
            "It all starts with a simple question: why should we care about {a}?",
            "At first glance, {a} seems easy to understand. Look closer and it gets interesting.",
        ],
        [
            "Long before anyone made videos about it, people were already curious about {a}.",
            "Every story has a beginning, and {a} is no exception.",
        ],
        [
            "Up close, the details tell a story of their own.",
            "The small things make the difference here, and they are easy to miss.",
        ],
        [
            "Many people meet {a} in everyday life without thinking twice.",
            "You can see its traces almost everywhere, once you know where to look.",
        ],
        [
            "Of course, it is not all simple. There are challenges too.",
            "There is a harder side to this story, and it deserves attention.",
        ],
        [
            "And the story is far from over. The next chapter is being written right now.",
            "What comes next may surprise even the experts.",
        ],
    ],
    "explain": [
        [
            "First, the big picture: what are we really talking about?",
            "Let's start with the basics, one piece at a time.",
        ],
        ["The key idea is surprisingly simple once you see it.", "Everything rests on one core principle."],
        [
            "Here is how the pieces fit together, step by step.",
            "Step one leads to step two, and the chain keeps going.",
        ],
        ["A simple example makes it clear.", "Think of something familiar, and the idea clicks into place."],
        [
            "One common myth gets this completely wrong.",
            "Many people believe the opposite, and that is where the confusion starts.",
        ],
        [
            "Why does it matter? Because it shapes more of our world than we notice.",
            "This is why the topic keeps coming up again and again.",
        ],
    ],
    "list_intro": [
        "Here are {n} {items} {a}. Number one might surprise you.",
        "{n} {items} {a}, quick and to the point. Let's go.",
    ],
    "tips": [
        "{label} {i}: start small. One tiny change, made every day, beats a big plan you never begin.",
        "{label} {i}: set one clear goal before you start, and write it down.",
        "{label} {i}: remove distractions. Silence the phone and close what you do not need.",
        "{label} {i}: learn from people who have done it before you.",
        "{label} {i}: take real breaks. Rest is part of the work, not the opposite of it.",
        "{label} {i}: keep track of your progress, so you can see what actually works.",
        "{label} {i}: ask for feedback early, while changes are still cheap.",
        "{label} {i}: build a routine, so the right choice becomes the easy one.",
    ],
    "items": [
        "{label} {i}: the classic. Most people start here, and for good reason.",
        "{label} {i}: the one almost everybody overlooks.",
        "{label} {i}: small, simple, and surprisingly powerful.",
        "{label} {i}: the one with the most interesting story behind it.",
        "{label} {i}: a favourite among people who know the subject best.",
        "{label} {i}: the one that changes how you see everything else.",
        "{label} {i}: unexpected, but hard to forget.",
        "{label} {i}: the one you will want to tell your friends about.",
    ],
    "more": [
        "Take a moment to really look at it.",
        "It is easy to miss, but it matters.",
        "This is where it gets interesting.",
        "Keep that in mind for what comes next.",
        "Small details like this add up quickly.",
        "Experts have been studying this for years.",
        "And there is more to it than it seems.",
        "Once you notice it, you will see it everywhere.",
        "That alone changes the picture.",
        "Try to picture it for a moment.",
    ],
    "topic": [
        "People have written whole books about {a}.",
        "Ask ten people about {a}, and you will hear ten different answers.",
        "What we know about {a} today started with a few simple questions.",
        "The more you learn about {a}, the more questions appear.",
        "Not everything you hear about {a} is true.",
        "Scientists still argue about {a}, and new findings keep coming.",
        "Every year, more people get curious about {a}.",
        "It pays to slow down and think about {a} for a moment.",
    ],
    "outro": [
        "And that is the story. Thanks for watching, and see you in the next one!",
        "Now you know a little more than yesterday. Thanks for watching!",
        "That is all for today. If you enjoyed it, share it with a friend.",
    ],
    "tip_label": "Tip",
    "item_label": "Number",
    "kids": "Hey friends!",
    "beginners": "No experience needed.",
}
