"""An offline voice: libespeak-ng from the PyPI package `espeakng-loader`, driven through ctypes.

The library keeps global state (one voice, one callback), so every use holds a process-wide lock.
"""

import array
import ctypes
import threading
import wave
from functools import lru_cache
from pathlib import Path
from typing import Any

from services.exceptions import NarrationError

AUDIO_OUTPUT_SYNCHRONOUS = 2
ESPEAK_CHARS_UTF8 = 1
POS_CHARACTER = 1
EE_OK = 0
RATE_PARAMETER = 1
WORDS_PER_MINUTE = 165
VOICE_ALIASES = {"zh": "cmn", "pt": "pt", "no": "nb"}
_lock = threading.Lock()
_Callback = ctypes.CFUNCTYPE(ctypes.c_int, ctypes.POINTER(ctypes.c_short), ctypes.c_int, ctypes.c_void_p)


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
        self._callback = _Callback(self._collect)  # keep a reference: ctypes does not
        self.lib.espeak_SetSynthCallback(self._callback)
        self.lib.espeak_SetParameter(RATE_PARAMETER, WORDS_PER_MINUTE, 0)

    def _collect(self, wav: Any, count: int, _events: Any) -> int:
        if count > 0 and wav:
            self.samples.frombytes(ctypes.string_at(wav, count * 2))
        return 0

    def select(self, language: str) -> bool:
        for name in _voice_names(language):
            if self.lib.espeak_SetVoiceByName(name.encode()) == EE_OK:
                return True
        return False


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

    def synthesize(self, text: str, *, language: str, out: Path) -> None:
        encoded = text.encode("utf-8")
        with _lock:
            engine = _engine()
            if not engine.select(language):
                raise NarrationError(f"espeak-ng has no voice for language {language!r}")
            engine.samples = array.array("h")
            status = engine.lib.espeak_Synth(
                encoded, len(encoded) + 1, 0, POS_CHARACTER, 0, ESPEAK_CHARS_UTF8, None, None
            )
            engine.lib.espeak_Synchronize()
            samples, rate = engine.samples, engine.sample_rate
        if status != EE_OK:
            raise NarrationError(f"espeak-ng failed to speak (status {status})")
        with wave.open(str(out), "wb") as sink:
            sink.setnchannels(1)
            sink.setsampwidth(2)
            sink.setframerate(rate)
            sink.writeframes(samples.tobytes())
