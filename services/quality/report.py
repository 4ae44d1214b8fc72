"""The quality report of a published video folder: measured from the files, judged against the house targets."""

import json
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np
from pydantic import BaseModel

from services.exceptions import MediaError, P2VError
from services.quality.cuts import CutReport, detect_cuts, expected_cuts, loop_jumps, thumb_size
from services.quality.instructions import InstructionHit, find_instruction_words
from services.quality.media import Loudness, decode_audio, decode_grey_frames, measure_loudness, video_facts
from services.quality.speech import SpeechReport, find_pauses

AUDIO_RATE = 16000
LENGTH_TOLERANCE = 0.10
MAX_PAUSE_S = 0.6
TARGET_LUFS, LUFS_TOLERANCE = -14.0, 1.0
MAX_TRUE_PEAK_DBTP = -1.0
UPSCALE_LIMIT = 2.0


class NotAVideoFolder(P2VError):
    """The folder lacks a readable video.mp4 or metadata.json."""


class LengthReport(BaseModel):
    asked_s: float | None
    got_s: float
    ratio: float | None


class ShotUpscale(BaseModel):
    scene: int
    shot: int
    factor: float


class UpscaleReport(BaseModel):
    max_factor: float | None
    over_limit: list[ShotUpscale]


class TargetResult(BaseModel):
    name: str
    passed: bool
    measured: str
    target: str


class QualityReport(BaseModel):
    folder: str
    title: str
    length: LengthReport
    speech: SpeechReport
    loudness: Loudness | None
    fallback_scenes: list[int]
    upscale: UpscaleReport
    cuts: CutReport
    instruction_words: list[InstructionHit]
    targets: list[TargetResult]
    passed: bool


def read_metadata(folder: Path) -> dict:
    """metadata.json of a video folder; NotAVideoFolder when the folder is not one."""
    if not (folder / "video.mp4").is_file() or not (folder / "metadata.json").is_file():
        raise NotAVideoFolder(f"{folder} is not a video folder: it needs video.mp4 and metadata.json")
    try:
        metadata = json.loads((folder / "metadata.json").read_text(encoding="utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise NotAVideoFolder(f"{folder / 'metadata.json'} is not valid JSON: {exc}") from None
    scenes = metadata.get("scenes") if isinstance(metadata, dict) else None
    if not isinstance(scenes, list) or not scenes or not all(_is_scene(s) for s in scenes):
        raise NotAVideoFolder(f"{folder / 'metadata.json'} lists no scenes with index, start_s and duration_s")
    return metadata


def _is_scene(scene: object) -> bool:
    keys = ("index", "start_s", "duration_s")
    return isinstance(scene, dict) and all(isinstance(scene.get(k), int | float) for k in keys)


def check_video_folder(folder: Path) -> QualityReport:
    """Measure video.mp4 (length, pauses, loudness, cuts) and read metadata.json (plan, media) into a report."""
    metadata = read_metadata(folder)
    video = folder / "video.mp4"
    try:
        facts = video_facts(video)
    except MediaError as exc:
        raise NotAVideoFolder(str(exc)) from None
    thumb_w, thumb_h = thumb_size(facts.width, facts.height)
    with ThreadPoolExecutor(3) as pool:
        frames = pool.submit(decode_grey_frames, video, width=thumb_w, height=thumb_h)
        samples = pool.submit(decode_audio, video, rate=AUDIO_RATE) if facts.has_audio else None
        loudness = pool.submit(measure_loudness, video) if facts.has_audio else None
        sound = samples.result() if samples else np.zeros(0, dtype=np.float32)
        speech = find_pauses(sound, AUDIO_RATE)
        cuts = _cut_report(frames.result(), facts.fps, metadata)
        measured_loudness = loudness.result() if loudness else None
    report = QualityReport(
        folder=str(folder),
        title=str(metadata.get("title", "")),
        length=_length(metadata, facts.duration_s),
        speech=speech,
        loudness=measured_loudness,
        fallback_scenes=[s["index"] for s in metadata["scenes"] if _is_fallback(s)],
        upscale=_upscale(metadata),
        cuts=cuts,
        instruction_words=find_instruction_words(_texts(metadata)),
        targets=[],
        passed=False,
    )
    targets = judge(report)
    return report.model_copy(update={"targets": targets, "passed": all(t.passed for t in targets)})


def _cut_report(frames: np.ndarray, fps: float, metadata: dict) -> CutReport:
    scenes = metadata["scenes"]
    windows = expected_cuts(scenes, _transition_s(metadata))
    detected = detect_cuts(frames, fps)
    return CutReport(detected=detected, expected=windows, loop_jumps=loop_jumps(detected, windows, scenes))


def _transition_s(metadata: dict) -> float:
    """From the frame record; for older metadata, from how much consecutive scenes overlap."""
    frame = metadata.get("frame")
    if isinstance(frame, dict) and isinstance(frame.get("transition_s"), int | float):
        return float(frame["transition_s"])
    scenes = metadata["scenes"]
    if len(scenes) < 2:
        return 0.0
    return max(0.0, round(scenes[0]["start_s"] + scenes[0]["duration_s"] - scenes[1]["start_s"], 3))


def _length(metadata: dict, got_s: float) -> LengthReport:
    asked = metadata.get("target_duration_s")
    asked_s = float(asked) if isinstance(asked, int | float) and asked > 0 else None
    ratio = round(got_s / asked_s, 3) if asked_s else None
    return LengthReport(asked_s=asked_s, got_s=round(got_s, 3), ratio=ratio)


def _is_fallback(scene: dict) -> bool:
    if "generated_fallback" in scene:
        return bool(scene["generated_fallback"])
    return scene.get("media", {}).get("provider") == "generated"


def _upscale(metadata: dict) -> UpscaleReport:
    frame = metadata.get("frame") or {"width": metadata.get("width"), "height": metadata.get("height")}
    shots = []
    for scene in metadata["scenes"]:
        media = [scene.get("media") or {}, *scene.get("extra_media", [])]
        for number, asset in enumerate(media, start=1):
            factor = asset.get("upscale") or _factor(asset, frame)
            if factor is not None:
                shots.append(ShotUpscale(scene=scene["index"], shot=number, factor=float(factor)))
    return UpscaleReport(
        max_factor=max((s.factor for s in shots), default=None),
        over_limit=[s for s in shots if s.factor > UPSCALE_LIMIT],
    )


def _factor(asset: dict, frame: dict) -> float | None:
    w, h, fw, fh = asset.get("width"), asset.get("height"), frame.get("width"), frame.get("height")
    if not all(isinstance(v, int) and v > 0 for v in (w, h, fw, fh)):
        return None
    return round(max(fw / w, fh / h), 3)


def _texts(metadata: dict) -> dict[str, str]:
    texts = {"title": str(metadata.get("title", ""))}
    texts.update({f"scene {s['index']}": str(s.get("narration", "")) for s in metadata["scenes"]})
    return texts


def judge(report: QualityReport) -> list[TargetResult]:
    """Pass or fail against each target; a length nobody asked for passes."""
    return [
        _length_target(report.length),
        _pause_target(report.speech),
        *_loudness_targets(report.loudness),
        _jump_target(report.cuts),
        _instruction_target(report.instruction_words),
    ]


def _length_target(length: LengthReport) -> TargetResult:
    if length.ratio is None:
        return TargetResult(name="length", passed=True, measured=f"{length.got_s:.1f} s", target="none asked")
    return TargetResult(
        name="length",
        passed=abs(length.ratio - 1) <= LENGTH_TOLERANCE,
        measured=f"{length.got_s:.1f} s of {length.asked_s:g} s ({length.ratio:.0%})",
        target=f"within ±{LENGTH_TOLERANCE:.0%}",
    )


def _pause_target(speech: SpeechReport) -> TargetResult:
    measured = (
        f"longest {speech.longest_pause_s:.2f} s, {len(speech.pauses)} pauses, {speech.dead_air_s:.1f} s dead air "
        f"(lead {speech.leading_s:.2f} s, tail {speech.trailing_s:.2f} s)"
        if speech.spoken
        else "no speech found"
    )
    passed = speech.spoken and speech.longest_pause_s <= MAX_PAUSE_S
    return TargetResult(name="pauses", passed=passed, measured=measured, target=f"longest <= {MAX_PAUSE_S:g} s")


def _loudness_targets(loudness: Loudness | None) -> list[TargetResult]:
    lufs = f"{TARGET_LUFS:g} ±{LUFS_TOLERANCE:g} LUFS"
    peak = f"<= {MAX_TRUE_PEAK_DBTP:g} dBTP"
    if loudness is None:
        return [
            TargetResult(name="loudness", passed=False, measured="no sound", target=lufs),
            TargetResult(name="true peak", passed=False, measured="no sound", target=peak),
        ]
    return [
        TargetResult(
            name="loudness",
            passed=abs(loudness.integrated_lufs - TARGET_LUFS) <= LUFS_TOLERANCE,
            measured=f"{loudness.integrated_lufs:.1f} LUFS",
            target=lufs,
        ),
        TargetResult(
            name="true peak",
            passed=loudness.true_peak_dbtp <= MAX_TRUE_PEAK_DBTP,
            measured=f"{loudness.true_peak_dbtp:.1f} dBTP",
            target=peak,
        ),
    ]


def _jump_target(cuts: CutReport) -> TargetResult:
    where = ", ".join(f"{j.time_s:.2f} s (scene {j.scene})" for j in cuts.loop_jumps)
    measured = f"{len(cuts.loop_jumps)} unplanned cuts" + (f": {where}" if where else "")
    return TargetResult(name="loop jumps", passed=not cuts.loop_jumps, measured=measured, target="none")


def _instruction_target(hits: list[InstructionHit]) -> TargetResult:
    found = ", ".join(f"{h.phrase!r} in {h.where}" for h in hits)
    return TargetResult(name="instruction words", passed=not hits, measured=found or "none", target="none")
