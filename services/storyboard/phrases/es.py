LANG = "es"
PHRASES = {
    "intro": [
        "Hoy hablamos {a}. Quédate hasta el final, vale la pena.",
        "Vamos a hablar {a}. Esto es lo que necesitas saber.",
        "Una pequeña historia {a}. Vamos allá.",
    ],
    "story": [
        [
            "Todo empieza con una pregunta sencilla: ¿por qué importa?",
            "A primera vista parece sencillo. Si miras de cerca, se vuelve interesante.",
        ],
        [
            "Mucho antes de cualquier video, la gente ya sentía curiosidad por esto.",
            "Toda historia tiene un comienzo, y esta también.",
        ],
        [
            "De cerca, los detalles cuentan su propia historia.",
            "Aquí las pequeñas cosas marcan la diferencia, y es fácil pasarlas por alto.",
        ],
        [
            "Para mucha gente, esto forma parte de la vida diaria.",
            "Sus huellas están casi en todas partes, si sabes dónde mirar.",
        ],
        [
            "Claro que no todo es sencillo. También hay desafíos.",
            "Esta historia tiene un lado difícil, y merece atención.",
        ],
        [
            "Y la historia está lejos de terminar. El próximo capítulo se escribe ahora.",
            "Lo que viene puede sorprender incluso a los expertos.",
        ],
    ],
    "explain": [
        ["Primero, el panorama general: ¿de qué hablamos realmente?", "Empecemos por lo básico, pieza por pieza."],
        ["La idea clave es sorprendentemente simple cuando la ves.", "Todo se apoya en un principio central."],
        ["Así encajan las piezas, paso a paso.", "El primer paso lleva al segundo, y la cadena continúa."],
        ["Un ejemplo sencillo lo aclara.", "Piensa en algo conocido y la idea encaja de inmediato."],
        ["Un mito muy común lo entiende todo al revés.", "Mucha gente cree lo contrario, y de ahí viene la confusión."],
        [
            "¿Por qué importa? Porque influye en nuestro mundo más de lo que pensamos.",
            "Por eso este tema vuelve una y otra vez.",
        ],
    ],
    "list_intro": [
        "Aquí tienes {n} {items} {a}. El primero te puede sorprender.",
        "{n} {items} {a}, rápido y al grano. Vamos.",
    ],
    "tips": [
        "{label} {i}: empieza poco a poco. Un pequeño cambio diario vale más que un gran plan que nunca empieza.",
        "{label} {i}: fija un objetivo claro antes de empezar y escríbelo.",
        "{label} {i}: elimina las distracciones. Silencia el móvil y cierra lo que no necesitas.",
        "{label} {i}: aprende de quienes ya lo han hecho antes.",
        "{label} {i}: toma descansos de verdad. Descansar es parte del trabajo.",
        "{label} {i}: mide tu progreso para ver qué funciona de verdad.",
        "{label} {i}: pide opiniones pronto, cuando los cambios todavía son fáciles.",
        "{label} {i}: crea una rutina para que la buena decisión sea la fácil.",
    ],
    "items": [
        "{label} {i}: el clásico. Casi todos empiezan aquí, y con razón.",
        "{label} {i}: el que casi todo el mundo pasa por alto.",
        "{label} {i}: pequeño, sencillo y sorprendentemente potente.",
        "{label} {i}: el que tiene la historia más curiosa.",
        "{label} {i}: el favorito de quienes mejor conocen el tema.",
        "{label} {i}: el que cambia cómo ves todo lo demás.",
        "{label} {i}: inesperado, pero difícil de olvidar.",
        "{label} {i}: el que vas a querer contar a tus amigos.",
    ],
    "more": [
        "Tómate un segundo para mirarlo bien.",
        "Es fácil pasarlo por alto, pero importa.",
        "Aquí es donde se pone interesante.",
        "Tenlo en cuenta para lo que viene.",
        "Los pequeños detalles como este suman rápido.",
        "Los expertos llevan años estudiándolo.",
        "Y hay más de lo que parece.",
        "Cuando lo notas, lo ves en todas partes.",
        "Solo eso ya cambia el panorama.",
        "Intenta imaginarlo por un momento.",
    ],
    "outro": [
        "Y esa es la historia. ¡Gracias por ver y hasta el próximo video!",
        "Ahora sabes un poco más que ayer. ¡Gracias por ver!",
        "Eso es todo por hoy. Si te gustó, compártelo con un amigo.",
    ],
    "tip_label": "Consejo",
    "item_label": "Número",
    "kids": "¡Hola, amigos!",
    "beginners": "No hace falta experiencia.",
}
