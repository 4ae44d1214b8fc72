"""The pause detector on synthetic speech with known pauses, bare and over a music-like tone bed."""

from pathlib import Path

import numpy as np
import pytest

from services.quality.media import decode_audio
from services.quality.speech import find_pauses
from tests.services.quality_media import RATE, encode_sound, speech_with_pauses, with_bed

PAUSES = [0.5, 1.2, 0.35, 0.2]
TOLERANCE_S = 0.06


def _assert_found(report, truth: list[tuple[float, float]]) -> None:
    expected = [(start, length) for start, length in truth if length >= 0.3]
    assert len(report.pauses) == len(expected), report.pauses
    for pause, (start, length) in zip(report.pauses, expected, strict=True):
        assert abs(pause.start_s - start) <= TOLERANCE_S
        assert abs(pause.duration_s - length) <= TOLERANCE_S
    assert report.longest_pause_s == pytest.approx(1.2, abs=TOLERANCE_S)
    assert report.dead_air_s == pytest.approx(0.5 + 1.2 + 0.35, abs=3 * TOLERANCE_S)


@pytest.mark.parametrize("seed", [1, 2])
@pytest.mark.parametrize("bed_db", [None, 12.0, 20.0])
def test_pauses_between_sentences_are_found_with_and_without_a_bed(seed: int, bed_db: float | None) -> None:
    samples, truth = speech_with_pauses(PAUSES, lead_s=0.7, trail_s=1.1, seed=seed)
    if bed_db is not None:
        samples = with_bed(samples, bed_db)

    report = find_pauses(samples, RATE)

    assert report.spoken
    _assert_found(report, truth)
    assert report.leading_s == pytest.approx(0.7, abs=TOLERANCE_S)
    assert report.trailing_s == pytest.approx(1.1, abs=TOLERANCE_S)
    assert report.threshold_db < report.speech_level_db - 7.9


def test_a_bed_is_not_taken_for_speech_even_where_no_one_speaks() -> None:
    """Only the bed plays in the lead-in and the pauses: they must stay pauses, not become speech."""
    samples, _ = speech_with_pauses([2.0], lead_s=1.5, trail_s=0.5)
    report = find_pauses(with_bed(samples, 12.0), RATE)
    assert report.leading_s == pytest.approx(1.5, abs=TOLERANCE_S)
    assert [round(p.duration_s, 1) for p in report.pauses] == [2.0]


def test_pauses_survive_aac_encoding_and_decoding(tmp_path: Path) -> None:
    samples, truth = speech_with_pauses(PAUSES, lead_s=0.7, trail_s=1.1, seed=3)
    sound = encode_sound(with_bed(samples, 14.0), tmp_path / "speech.m4a")

    report = find_pauses(decode_audio(sound, rate=RATE), RATE)

    _assert_found(report, truth)


def test_silence_has_no_speech() -> None:
    report = find_pauses(np.zeros(RATE * 2, dtype=np.float32), RATE)
    assert not report.spoken and report.pauses == [] and report.leading_s == pytest.approx(2.0)
