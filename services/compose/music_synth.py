"""A small deterministic synthesiser for the music beds: notes on a circular buffer, so every bed loops seamlessly.

The buffer is one loop long and every note that rings past its end wraps to its start. Oscillators run on the
loop's own clock with frequencies rounded to whole cycles per loop (at most 1/(2 * loop length) Hz off, far below
hearing), so overlapping notes of one pitch add in phase and the last sample leads into the first like any other
two. Reverb and the low-pass are applied in the frequency domain, which is circular too: the reverb tail of the
last bar sounds over the first, exactly as it would when the file is played in a loop.
"""

from typing import Literal

import numpy as np
from pydantic import BaseModel

SAMPLE_RATE = 48_000
Voice = Literal["pad", "pluck", "bell", "bass", "drone", "kick"]


class Note(BaseModel):
    """One sounding event; times in samples from the loop start, pitch as a MIDI number."""

    start: int
    length: int
    midi: float
    voice: Voice
    gain: float
    pan: float = 0.0
    attack: int = 240
    release: int = 4800


class Mix(BaseModel):
    """The finishing of a bed: reverb size and wetness, low-pass corner, loudness of the result."""

    reverb_s: float
    wet: float
    lowpass_hz: float
    seed: int
    rms_db: float = -20.0
    peak_db: float = -3.0


def midi_hz(midi: float) -> float:
    return 440.0 * 2.0 ** ((midi - 69.0) / 12.0)


def render(notes: list[Note], mix: Mix, *, length: int) -> np.ndarray:
    """The loop as float64 samples, shape (length, 2), RMS and peak set by `mix`."""
    dry = np.zeros((2, length))
    for note in notes:
        _add_wrapped(dry, _note_samples(note, length), note.start, note.pan)
    wet = _finish(dry, mix)
    return _level(wet, mix).T


def _note_samples(note: Note, loop: int) -> np.ndarray:
    index = (note.start + np.arange(note.length)) % loop
    cycles = max(1, round(midi_hz(note.midi) * loop / SAMPLE_RATE))
    phase = 2 * np.pi * ((cycles * index) % loop) / loop
    rel = np.arange(note.length) / SAMPLE_RATE
    if note.voice == "pad":
        detuned = 2 * np.pi * (((cycles + max(1, cycles // 600)) * index) % loop) / loop
        tone = 0.55 * np.sin(phase) + 0.3 * np.sin(detuned) + 0.15 * _triangle(phase)
        return note.gain * tone * _edges(note.length, note.attack, note.release)
    if note.voice == "drone":
        octave = 2 * np.pi * ((2 * cycles * index) % loop) / loop
        return note.gain * (0.8 * np.sin(phase) + 0.2 * np.sin(octave)) * _edges(note.length, note.attack, note.release)
    if note.voice == "kick":
        return note.gain * _kick(rel) * _edges(note.length, 48, 960)
    decay = {"pluck": 0.22, "bell": 0.9, "bass": 0.35}[note.voice]
    if note.voice == "pluck":
        tone = 0.7 * _triangle(phase) + 0.3 * np.sin(2 * phase)
    elif note.voice == "bell":
        tone = 0.8 * np.sin(phase) + 0.2 * np.sin(3 * phase) * np.exp(-rel / 0.2)
    else:
        tone = np.sin(phase) + 0.25 * np.sin(2 * phase)
    return note.gain * tone * np.exp(-rel / decay) * _edges(note.length, note.attack, note.release)


def _triangle(phase: np.ndarray) -> np.ndarray:
    return 2 / np.pi * np.arcsin(np.sin(phase))


def _kick(rel: np.ndarray) -> np.ndarray:
    """A soft, round thump: a sine gliding from 90 to 45 Hz, gone in a fifth of a second."""
    glide = 45.0 + 45.0 * np.exp(-rel / 0.04)
    phase = 2 * np.pi * np.cumsum(glide) / SAMPLE_RATE
    return np.sin(phase) * np.exp(-rel / 0.12)


def _edges(length: int, attack: int, release: int) -> np.ndarray:
    """Raised-cosine attack and release: a note fading out and the next fading in sum to a constant."""
    envelope = np.ones(length)
    attack, release = min(attack, length // 2), min(release, length // 2)
    if attack:
        envelope[:attack] = 0.5 - 0.5 * np.cos(np.pi * np.arange(attack) / attack)
    if release:
        envelope[length - release :] = 0.5 + 0.5 * np.cos(np.pi * (np.arange(release) + 1) / release)
    return envelope


def _add_wrapped(buffer: np.ndarray, samples: np.ndarray, start: int, pan: float) -> None:
    """Add a mono note at `start` with constant-power panning, wrapping past the loop end to its start."""
    loop = buffer.shape[1]
    if len(samples) > loop:  # longer than the loop: fold it onto one loop length
        samples = np.pad(samples, (0, -len(samples) % loop)).reshape(-1, loop).sum(axis=0)
    angle = (pan + 1) * np.pi / 4
    gains = (np.cos(angle), np.sin(angle))
    start %= loop
    head = min(len(samples), loop - start)
    for channel, gain in enumerate(gains):
        buffer[channel, start : start + head] += gain * samples[:head]
        buffer[channel, : len(samples) - head] += gain * samples[head:]


def _finish(dry: np.ndarray, mix: Mix) -> np.ndarray:
    """Circular reverb (decaying noise, a different tail per channel) and a gentle low-pass in one FFT pass."""
    length = dry.shape[1]
    freqs = np.fft.rfftfreq(length, 1 / SAMPLE_RATE)
    lowpass = 1 / np.sqrt(1 + (freqs / mix.lowpass_hz) ** 4)
    highpass = (freqs / 35.0) ** 2 / (1 + (freqs / 35.0) ** 2)
    rng = np.random.default_rng(mix.seed)
    tail = min(length, int(mix.reverb_s * SAMPLE_RATE))
    out = np.empty_like(dry)
    for channel in range(2):
        impulse = np.zeros(length)
        decay = np.exp(-6.9 * np.arange(tail) / tail)  # -60 dB at the end of the tail
        impulse[:tail] = rng.standard_normal(tail) * decay
        impulse /= np.sqrt(np.sum(impulse**2))
        response = (1 - mix.wet) + mix.wet * np.fft.rfft(impulse)
        out[channel] = np.fft.irfft(np.fft.rfft(dry[channel]) * response * lowpass * highpass, n=length)
    return out


def _level(signal: np.ndarray, mix: Mix) -> np.ndarray:
    rms = np.sqrt(np.mean(signal**2))
    if rms == 0:
        return signal
    signal = signal * (10 ** (mix.rms_db / 20) / rms)
    peak = np.max(np.abs(signal))
    ceiling = 10 ** (mix.peak_db / 20)
    return signal * (ceiling / peak) if peak > ceiling else signal
