LANG = "fr"
PHRASES = {
    "intro": [
        "Parlons un peu {a}. Restez jusqu'au bout, ça vaut le coup.",
        "Aujourd'hui, on se penche {a}. Voici ce qu'il faut savoir.",
        "Un petit tour d'horizon {a}. C'est parti.",
    ],
    "story": [
        [
            "Tout commence par une question simple : pourquoi est-ce important ?",
            "À première vue, tout semble simple. En y regardant de plus près, cela devient passionnant.",
        ],
        ["Bien avant les vidéos, les gens s'y intéressaient déjà.", "Chaque histoire a un début, et celle-ci aussi."],
        [
            "De près, les détails racontent leur propre histoire.",
            "Ici, ce sont les petites choses qui font la différence, et on les rate facilement.",
        ],
        [
            "Pour beaucoup de gens, cela fait partie du quotidien.",
            "On en voit les traces presque partout, quand on sait où regarder.",
        ],
        [
            "Bien sûr, tout n'est pas simple. Il y a aussi des difficultés.",
            "Cette histoire a aussi un côté plus dur, et il mérite qu'on s'y arrête.",
        ],
        [
            "Et l'histoire est loin d'être finie. Le prochain chapitre s'écrit maintenant.",
            "La suite pourrait surprendre même les spécialistes.",
        ],
    ],
    "explain": [
        ["D'abord, la vue d'ensemble : de quoi parle-t-on vraiment ?", "Commençons par les bases, pièce par pièce."],
        ["L'idée clé est étonnamment simple une fois qu'on la voit.", "Tout repose sur un principe central."],
        [
            "Voici comment les pièces s'assemblent, étape par étape.",
            "La première étape mène à la deuxième, et la chaîne continue.",
        ],
        [
            "Un exemple simple rend tout plus clair.",
            "Pensez à quelque chose de familier, et l'idée s'éclaire aussitôt.",
        ],
        [
            "Un mythe très répandu se trompe complètement.",
            "Beaucoup pensent le contraire, et c'est là que commence la confusion.",
        ],
        [
            "Pourquoi est-ce important ? Parce que cela façonne notre monde plus qu'on ne le croit.",
            "C'est pour cela que le sujet revient sans cesse.",
        ],
    ],
    "list_intro": [
        "Voici {n} {items} {a}. Le premier pourrait vous surprendre.",
        "{n} {items} {a}, vite et bien. C'est parti.",
    ],
    "tips": [
        "{label} {i} : commencez petit. Un petit changement chaque jour vaut mieux qu'un grand plan jamais lancé.",
        "{label} {i} : fixez un objectif clair avant de commencer, et notez-le.",
        "{label} {i} : coupez les distractions. Téléphone en silencieux, le reste fermé.",
        "{label} {i} : apprenez de ceux qui l'ont déjà fait.",
        "{label} {i} : faites de vraies pauses. Le repos fait partie du travail.",
        "{label} {i} : suivez vos progrès pour voir ce qui marche vraiment.",
        "{label} {i} : demandez un avis tôt, tant que les changements sont faciles.",
        "{label} {i} : installez une routine, pour que le bon choix devienne le plus simple.",
    ],
    "items": [
        "{label} {i} : le classique. Presque tout le monde commence ici, et pour cause.",
        "{label} {i} : celui que presque tout le monde oublie.",
        "{label} {i} : petit, simple et étonnamment efficace.",
        "{label} {i} : celui qui a l'histoire la plus curieuse.",
        "{label} {i} : le préféré de ceux qui connaissent le mieux le sujet.",
        "{label} {i} : celui qui change le regard sur tout le reste.",
        "{label} {i} : inattendu, mais inoubliable.",
        "{label} {i} : celui que vous voudrez raconter à vos amis.",
    ],
    "more": [
        "Prenez une seconde pour bien regarder.",
        "C'est facile à manquer, mais ça compte.",
        "C'est là que ça devient intéressant.",
        "Gardez cela en tête pour la suite.",
        "Les petits détails comme celui-ci s'additionnent vite.",
        "Les spécialistes l'étudient depuis des années.",
        "Et il y a plus que ce qu'on croit.",
        "Une fois remarqué, on le voit partout.",
        "Cela suffit déjà à changer le tableau.",
        "Essayez de l'imaginer un instant.",
    ],
    "topic": [
        "On a écrit des livres entiers {a}.",
        "Demandez à dix personnes leur avis {a} : vous aurez dix réponses différentes.",
        "Ce que l'on sait aujourd'hui {a} est parti de quelques questions simples.",
        "Plus on en apprend {a}, plus les questions se multiplient.",
        "Tout ce qu'on entend {a} n'est pas forcément vrai.",
        "Les chercheurs débattent encore {a}, et de nouvelles découvertes arrivent sans cesse.",
        "Chaque année, de plus en plus de gens se renseignent {a}.",
        "Ça vaut la peine de réfléchir un instant {a}.",
    ],
    "outro": [
        "Et voilà l'histoire. Merci d'avoir regardé, et à la prochaine !",
        "Vous en savez maintenant un peu plus qu'hier. Merci d'avoir regardé !",
        "C'est tout pour aujourd'hui. Si ça vous a plu, partagez la vidéo.",
    ],
    "tip_label": "Conseil",
    "item_label": "Numéro",
    "kids": "Salut les amis !",
    "beginners": "Aucune expérience nécessaire.",
}
