LANG = "de"
PHRASES = {
    "intro": [
        "Heute sprechen wir {a}. Bleib dran, es lohnt sich.",
        "Worum geht es heute? Wir reden {a}.",
        "Eine kleine Geschichte {a}. Los geht's.",
    ],
    "story": [
        [
            "Alles beginnt mit einer einfachen Frage: Warum ist das wichtig?",
            "Auf den ersten Blick wirkt alles einfach. Wer genauer hinsieht, entdeckt mehr.",
        ],
        [
            "Lange bevor es Videos gab, waren Menschen schon neugierig darauf.",
            "Jede Geschichte hat einen Anfang, und diese auch.",
        ],
        [
            "Aus der Nähe erzählen die Details ihre eigene Geschichte.",
            "Hier machen die kleinen Dinge den Unterschied, und man übersieht sie leicht.",
        ],
        [
            "Für viele Menschen ist das ein Teil des Alltags.",
            "Die Spuren davon sind fast überall zu sehen, wenn man weiß, wohin man schauen muss.",
        ],
        [
            "Natürlich ist nicht alles einfach. Es gibt auch Herausforderungen.",
            "Diese Geschichte hat auch eine schwierige Seite, und die verdient Aufmerksamkeit.",
        ],
        [
            "Und die Geschichte ist noch lange nicht zu Ende. Das nächste Kapitel entsteht gerade.",
            "Was als Nächstes kommt, könnte sogar Fachleute überraschen.",
        ],
    ],
    "explain": [
        ["Zuerst das große Bild: Worum geht es eigentlich?", "Fangen wir mit den Grundlagen an, Stück für Stück."],
        [
            "Die Kernidee ist überraschend einfach, wenn man sie einmal sieht.",
            "Alles beruht auf einem zentralen Prinzip.",
        ],
        [
            "So greifen die Teile ineinander, Schritt für Schritt.",
            "Der erste Schritt führt zum zweiten, und die Kette geht weiter.",
        ],
        ["Ein einfaches Beispiel macht es klar.", "Denk an etwas Vertrautes, und die Idee wird sofort verständlich."],
        [
            "Ein verbreiteter Mythos versteht das völlig falsch.",
            "Viele glauben das Gegenteil, und genau da beginnt die Verwirrung.",
        ],
        [
            "Warum ist das wichtig? Weil es unsere Welt stärker prägt, als wir merken.",
            "Deshalb taucht dieses Thema immer wieder auf.",
        ],
    ],
    "list_intro": [
        "Hier sind {n} {items} {a}. Nummer eins könnte dich überraschen.",
        "{n} {items} {a}, kurz und auf den Punkt. Los geht's.",
    ],
    "tips": [
        "{label} {i}: Fang klein an. Eine kleine tägliche Änderung schlägt jeden großen Plan, der nie beginnt.",
        "{label} {i}: Setz dir ein klares Ziel, bevor du anfängst, und schreib es auf.",
        "{label} {i}: Schalte Ablenkungen aus. Handy stumm, alles Unnötige zu.",
        "{label} {i}: Lerne von Menschen, die das schon geschafft haben.",
        "{label} {i}: Mach echte Pausen. Erholung gehört zur Arbeit dazu.",
        "{label} {i}: Halte deine Fortschritte fest, damit du siehst, was wirklich funktioniert.",
        "{label} {i}: Hol dir früh Feedback, solange Änderungen noch leicht sind.",
        "{label} {i}: Bau dir eine Routine, damit die richtige Wahl die einfache wird.",
    ],
    "items": [
        "{label} {i}: der Klassiker. Fast alle fangen hier an, und das aus gutem Grund.",
        "{label} {i}: etwas, das fast alle übersehen.",
        "{label} {i}: klein, einfach und überraschend wirkungsvoll.",
        "{label} {i}: das mit der spannendsten Geschichte.",
        "{label} {i}: ein Favorit derer, die sich am besten auskennen.",
        "{label} {i}: das, was den Blick auf alles andere verändert.",
        "{label} {i}: unerwartet, aber unvergesslich.",
        "{label} {i}: davon wirst du deinen Freunden erzählen wollen.",
    ],
    "more": [
        "Schau es dir einen Moment genau an.",
        "Man übersieht es leicht, aber es zählt.",
        "Genau hier wird es spannend.",
        "Merk dir das für später.",
        "Kleine Details wie dieses summieren sich schnell.",
        "Fachleute beschäftigen sich seit Jahren damit.",
        "Und es steckt mehr dahinter, als man denkt.",
        "Wenn man es einmal bemerkt, sieht man es überall.",
        "Schon das allein verändert das Bild.",
        "Stell es dir einen Moment lang vor.",
    ],
    "topic": [
        "Es gibt ganze Bücher {a}.",
        "Sprich mit zehn Leuten {a}, und du hörst zehn verschiedene Antworten.",
        "Was wir heute {a} wissen, begann mit ein paar einfachen Fragen.",
        "Je mehr man {a} lernt, desto mehr Fragen tauchen auf.",
        "Nicht alles, was man {a} hört, stimmt auch.",
        "Forscher diskutieren bis heute {a}, und ständig kommen neue Erkenntnisse dazu.",
        "Jedes Jahr wollen mehr Menschen mehr {a} erfahren.",
        "Es lohnt sich, einen Moment {a} nachzudenken.",
    ],
    "outro": [
        "Und das ist die Geschichte. Danke fürs Zuschauen und bis zum nächsten Mal!",
        "Jetzt weißt du ein bisschen mehr als gestern. Danke fürs Zuschauen!",
        "Das war's für heute. Wenn es dir gefallen hat, teile es mit einem Freund.",
    ],
    "tip_label": "Tipp",
    "item_label": "Nummer",
    "kids": "Hallo, Freunde!",
    "beginners": "Vorwissen ist nicht nötig.",
}
