"""An offline voice: libespeak-ng from the PyPI package `espeakng-loader`, driven through ctypes.

The library keeps global state (one voice, one callback), so every use holds a process-wide lock. In synchronous
mode the callback receives each buffer of samples with an array of events (speak_lib.h `espeak_EVENT`); the word
events say where each word starts in the audio, which is how captions know every word's time.
"""

import array
import ctypes
import re
import threading
import wave
from functools import lru_cache
from pathlib import Path
from typing import Any

from services.exceptions import NarrationError
from services.models import WordSpan

AUDIO_OUTPUT_SYNCHRONOUS = 2
ESPEAK_CHARS_UTF8 = 1
POS_CHARACTER = 1
EE_OK = 0
EVENT_LIST_TERMINATED = 0
EVENT_WORD = 1
RATE, PITCH, RANGE, WORDGAP = 1, 3, 4, 7
WORDS_PER_MINUTE = 160
"""A narrator's pace: espeak-ng's default 175 wpm is a screen reader's; narration over pictures reads slower."""
PITCH_BASE = 48
PITCH_RANGE = 60
"""A little more intonation than the default 50, which sounds flat over long narration."""
WORD_GAP = 0
VARIANT = ""
"""The language's own voice: the klatt3/klatt4 variants clip (peaks at 32768 on en and ru), the others only change
the timbre, and the base voices are the ones tuned with native speakers' feedback."""
VOICE_ALIASES = {"zh": "cmn", "pt": "pt", "no": "nb"}
_lock = threading.Lock()


class _EventId(ctypes.Union):
    _fields_ = [("number", ctypes.c_int), ("name", ctypes.c_char_p), ("string", ctypes.c_char * 8)]


class _Event(ctypes.Structure):
    """speak_lib.h espeak_EVENT: 40 bytes on x86-64 (user_data at offset 24, id at 32)."""

    _fields_ = [
        ("type", ctypes.c_int),
        ("unique_identifier", ctypes.c_uint),
        ("text_position", ctypes.c_int),
        ("length", ctypes.c_int),
        ("audio_position", ctypes.c_int),
        ("sample", ctypes.c_int),
        ("user_data", ctypes.c_void_p),
        ("id", _EventId),
    ]


_Callback = ctypes.CFUNCTYPE(ctypes.c_int, ctypes.POINTER(ctypes.c_short), ctypes.c_int, ctypes.POINTER(_Event))


class _Engine:
    """The loaded library, its sample rate, and the buffer its callback fills."""

    def __init__(self) -> None:
        try:
            import espeakng_loader
        except ImportError as exc:
            raise NarrationError(
                "the offline voice needs the espeakng-loader package (pip install espeakng-loader)"
            ) from exc
        self.lib = ctypes.CDLL(espeakng_loader.get_library_path())
        self.sample_rate = self.lib.espeak_Initialize(
            AUDIO_OUTPUT_SYNCHRONOUS, 0, espeakng_loader.get_data_path().encode(), 0
        )
        if self.sample_rate <= 0:
            raise NarrationError("libespeak-ng failed to initialise")
        self.samples = array.array("h")
        self.words: list[tuple[int, int]] = []
        self._callback = _Callback(self._collect)  # keep a reference: ctypes does not
        self.lib.espeak_SetSynthCallback(self._callback)

    def _collect(self, wav: Any, count: int, events: Any) -> int:
        """Keeps the samples and each word event's (1-based character position, milliseconds into the audio)."""
        if events:
            i = 0
            while events[i].type != EVENT_LIST_TERMINATED:
                if events[i].type == EVENT_WORD:
                    self.words.append((events[i].text_position, events[i].audio_position))
                i += 1
        if count > 0 and wav:
            self.samples.frombytes(ctypes.string_at(wav, count * 2))
        return 0

    def select(self, language: str) -> bool:
        """Selects the language's voice (with VARIANT when it exists) and sets the narration parameters."""
        for name in _voice_names(language):
            if any(self.lib.espeak_SetVoiceByName(v.encode()) == EE_OK for v in dict.fromkeys([name + VARIANT, name])):
                return True
        return False

    def tune(self, speed: float) -> None:
        """Selecting a voice resets the parameters, so they are set again before every sentence."""
        for parameter, value in (
            (RATE, round(WORDS_PER_MINUTE * speed)),
            (PITCH, PITCH_BASE),
            (RANGE, PITCH_RANGE),
            (WORDGAP, WORD_GAP),
        ):
            self.lib.espeak_SetParameter(parameter, value, 0)


@lru_cache(maxsize=1)
def _engine() -> _Engine:
    return _Engine()


def _voice_names(language: str) -> list[str]:
    tag = language.lower()
    primary = tag.split("-")[0]
    return list(dict.fromkeys([tag, VOICE_ALIASES.get(primary, primary)]))


def espeak_available() -> bool:
    try:
        with _lock:
            _engine()
    except (NarrationError, OSError):
        return False
    return True


class EspeakVoice:
    """espeak-ng voices, one per language (en, ru, uk, es, de, fr, pt-BR, ... about a hundred)."""

    name = "espeak"
    voice = "espeak-ng"

    def supports(self, language: str) -> bool:
        with _lock:
            return _engine().select(language)

    def synthesize(self, text: str, *, language: str, out: Path, speed: float = 1.0) -> list[WordSpan]:
        """Speaks `text` into a wav file at `speed` times the narration pace; returns when each word starts."""
        encoded = text.encode("utf-8")
        with _lock:
            engine = _engine()
            if not engine.select(language):
                raise NarrationError(f"espeak-ng has no voice for language {language!r}")
            engine.tune(speed)
            engine.samples, engine.words = array.array("h"), []
            status = engine.lib.espeak_Synth(
                encoded, len(encoded) + 1, 0, POS_CHARACTER, 0, ESPEAK_CHARS_UTF8, None, None
            )
            engine.lib.espeak_Synchronize()
            samples, rate, events = engine.samples, engine.sample_rate, engine.words
        if status != EE_OK:
            raise NarrationError(f"espeak-ng failed to speak (status {status})")
        with wave.open(str(out), "wb") as sink:
            sink.setnchannels(1)
            sink.setsampwidth(2)
            sink.setframerate(rate)
            sink.writeframes(samples.tobytes())
        return word_spans(text, events, duration_s=len(samples) / rate)


def word_spans(text: str, events: list[tuple[int, int]], *, duration_s: float) -> list[WordSpan]:
    """Word events as spans of the text's whitespace-separated words: espeak-ng may emit two events for one written
    word ("1990" is "nineteen ninety"), the first one counts; a word ends where the next starts."""
    tokens = [(m.start(), m.end(), m.group()) for m in re.finditer(r"\S+", text)]
    starts: dict[int, float] = {}
    for position, milliseconds in events:
        index = next((k for k, (a, b, _) in enumerate(tokens) if a < position <= b), None)
        if index is not None and index not in starts:
            starts[index] = min(milliseconds / 1000, duration_s)
    timed = sorted(starts.items())
    ends = [at for _, at in timed[1:]] + [duration_s]
    return [
        WordSpan(text=tokens[k][2], start_s=round(at, 4), end_s=round(max(at, end), 4))
        for (k, at), end in zip(timed, ends, strict=True)
    ]
