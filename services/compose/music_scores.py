"""The four beds as scores: a chord progression per mood, voiced for pads, plus the mood's own figure.

calm: I-vi-IV-V in C at 72 bpm, slow pads and a sparse bell. upbeat: I-V-vi-IV in G at 120 bpm, eighth-note
arpeggio over a soft four-on-the-floor pulse and bass. dramatic: i-VI-iv-V in D minor at 60 bpm over a low D drone
with a slow low hit per chord. playful: I-vi-IV-V in F at 100 bpm, staccato pentatonic plucks and a bouncing bass.
Every chord is a consonant triad (octaves, fifths, thirds); each loop is a whole number of bars.
"""

from pydantic import BaseModel

from services.compose.music_synth import SAMPLE_RATE, Mix, Note, Voice
from services.models import Mood


class Chord(BaseModel):
    bass: int
    tones: list[int]


class Score(BaseModel):
    bpm: int
    bars_per_chord: int
    chords: list[Chord]
    repeats: int
    mix: Mix

    @property
    def beat(self) -> int:
        return SAMPLE_RATE * 60 // self.bpm

    @property
    def bar(self) -> int:
        return 4 * self.beat

    @property
    def bars(self) -> int:
        return self.bars_per_chord * len(self.chords) * self.repeats

    @property
    def length(self) -> int:
        return self.bars * self.bar

    def chord_starts(self) -> list[tuple[int, Chord]]:
        span = self.bars_per_chord * self.bar
        sequence = self.chords * self.repeats
        return [(i * span, chord) for i, chord in enumerate(sequence)]


def _chords(*spec: tuple[int, list[int]]) -> list[Chord]:
    return [Chord(bass=bass, tones=tones) for bass, tones in spec]


SCORES: dict[Mood, Score] = {
    "calm": Score(
        bpm=72,
        bars_per_chord=2,
        chords=_chords((48, [60, 64, 67]), (45, [57, 60, 64]), (41, [57, 60, 65]), (43, [55, 59, 62])),
        repeats=1,
        mix=Mix(reverb_s=3.0, wet=0.45, lowpass_hz=2200, seed=1),
    ),
    "upbeat": Score(
        bpm=120,
        bars_per_chord=2,
        chords=_chords((43, [55, 59, 62]), (38, [54, 57, 62]), (40, [55, 59, 64]), (36, [55, 60, 64])),
        repeats=2,
        mix=Mix(reverb_s=1.2, wet=0.25, lowpass_hz=3800, seed=2),
    ),
    "dramatic": Score(
        bpm=60,
        bars_per_chord=2,
        chords=_chords((38, [50, 53, 57]), (34, [50, 53, 58]), (31, [50, 55, 58]), (33, [49, 52, 57])),
        repeats=1,
        mix=Mix(reverb_s=3.5, wet=0.4, lowpass_hz=1800, seed=3),
    ),
    "playful": Score(
        bpm=100,
        bars_per_chord=1,
        chords=_chords((41, [57, 60, 65]), (38, [57, 62, 65]), (34, [58, 62, 65]), (36, [55, 60, 64])),
        repeats=3,
        mix=Mix(reverb_s=1.0, wet=0.2, lowpass_hz=4200, seed=4),
    ),
}


def notes_for(mood: Mood) -> list[Note]:
    score = SCORES[mood]
    return [
        *_pads(score, level={"calm": 0.5, "upbeat": 0.3, "dramatic": 0.45, "playful": 0.22}[mood]),
        *_FIGURES[mood](score),
    ]


def _pads(score: Score, *, level: float) -> list[Note]:
    """Each chord held for its bars, crossfading into the next over one beat (raised cosine: constant sum)."""
    fade = score.beat
    span = score.bars_per_chord * score.bar
    notes = []
    for start, chord in score.chord_starts():
        for i, midi in enumerate(chord.tones):
            pan = (-0.5, 0.0, 0.5)[i % 3]
            notes.append(_held(start, span, fade, midi, "pad", level / len(chord.tones), pan))
    return notes


def _held(start: int, span: int, fade: int, midi: float, voice: Voice, gain: float, pan: float = 0.0) -> Note:
    return Note(
        start=start - fade // 2,
        length=span + fade,
        midi=midi,
        voice=voice,
        gain=gain,
        pan=pan,
        attack=fade,
        release=fade,
    )


def _calm(score: Score) -> list[Note]:
    """A bell an octave up on beats one and three, walking up the chord, panned gently side to side."""
    notes = []
    for start, chord in score.chord_starts():
        for step in range(2 * score.bars_per_chord):
            midi = chord.tones[step % 3] + 12
            at = start + step * 2 * score.beat
            notes.append(
                Note(start=at, length=3 * SAMPLE_RATE, midi=midi, voice="bell", gain=0.07, pan=0.4 - 0.27 * (step % 4))
            )
        notes.append(_held(start, score.bars_per_chord * score.bar, score.beat, chord.bass, "drone", 0.12))
    return notes


def _upbeat(score: Score) -> list[Note]:
    """Eighth-note arpeggio (up and back), bass on every beat, a soft kick under it."""
    pattern = (0, 1, 2, 3, 2, 1, 0, 1)
    notes = []
    eighth = score.beat // 2
    for start, chord in score.chord_starts():
        tones = [*chord.tones, chord.tones[0] + 12]
        for step in range(8 * score.bars_per_chord):
            at = start + step * eighth
            midi = tones[pattern[step % 8]] + 12
            notes.append(
                Note(start=at, length=eighth * 3, midi=midi, voice="pluck", gain=0.06, pan=(-0.35, 0.35)[step % 2])
            )
        for beat in range(4 * score.bars_per_chord):
            at = start + beat * score.beat
            notes.append(Note(start=at, length=score.beat, midi=chord.bass, voice="bass", gain=0.16, release=2400))
            notes.append(Note(start=at, length=SAMPLE_RATE // 2, midi=0, voice="kick", gain=0.22))
    return notes


def _dramatic(score: Score) -> list[Note]:
    """A low D drone through the whole loop, the chord's root under it, a slow low hit at each chord."""
    span = score.bars_per_chord * score.bar
    notes = [Note(start=0, length=score.length, midi=38, voice="drone", gain=0.22, attack=0, release=0)]
    for start, chord in score.chord_starts():
        notes.append(_held(start, span, score.beat, chord.bass, "drone", 0.14))
        notes.append(Note(start=start, length=4 * SAMPLE_RATE, midi=chord.bass, voice="bell", gain=0.16, attack=1200))
        notes.append(
            Note(
                start=start + span // 2,
                length=3 * SAMPLE_RATE,
                midi=chord.tones[-1] + 12,
                voice="bell",
                gain=0.045,
                pan=0.3,
            )
        )
    return notes


def _playful(score: Score) -> list[Note]:
    """Staccato plucks on a pentatonic figure with rests, bass bouncing root-fifth on beats one and three."""
    figure = (0, None, 2, 1, None, 2, 3, None)
    notes = []
    eighth = score.beat // 2
    for start, chord in score.chord_starts():
        tones = [*chord.tones, chord.tones[0] + 12]
        for step in range(8 * score.bars_per_chord):
            pick = figure[step % 8]
            if pick is not None:
                at = start + step * eighth
                notes.append(
                    Note(
                        start=at,
                        length=eighth * 2,
                        midi=tones[pick] + 12,
                        voice="pluck",
                        gain=0.075,
                        pan=(-0.5, 0.5)[step % 2],
                    )
                )
        for beat in range(0, 4 * score.bars_per_chord, 2):
            midi = chord.bass + (7 if beat % 4 else 0)
            notes.append(
                Note(start=start + beat * score.beat, length=eighth, midi=midi, voice="bass", gain=0.16, release=1200)
            )
    return notes


_FIGURES = {"calm": _calm, "upbeat": _upbeat, "dramatic": _dramatic, "playful": _playful}
