"""The sound half: narration placed on the final clock, music looped and ducked under it, loudness normalised.

The music's gain and ducking threshold are set against the narration's measured loudness (a quick ebur128 pass
over each), so the balance is the same for a quiet espeak voice, a loud TTS voice, the bundled beds and any file.

The mix is rendered once to a float WAV while ebur128 measures it in the same ffmpeg run; the sound track then
applies one gain, with a look-ahead limiter on the peaks when the gain alone would push them over the ceiling, so
the result lands on -14 LUFS integrated with true peaks at or below -1 dBTP.
"""

import hashlib
import re
from pathlib import Path

import ffmpeg
from pydantic import BaseModel

from services.compose.plan import RenderPlan
from services.exceptions import ComposeError
from services.ffmpeg import run_ffmpeg

TARGET_LUFS = -14.0
TARGET_TRUE_PEAK_DB = -2.0
"""The limiter aims 1 dB under the -1 dBTP promise: AAC encoding overshoots sharp peaks by up to about 1 dB."""
LIMIT_DBFS = -3.0
"""The limiter's sample-peak ceiling: inter-sample peaks and AAC encoding add up to about 1.5 dB, so true peaks
stay at or below -1 dBTP."""
LIMIT_PASSES = 3
PROMISED_TRUE_PEAK_DB, PEAK_MARGIN_DB, PEAK_CHECKS = -1.0, 0.3, 3
"""The encoded track's true peak is measured; when AAC still overshoots -1 dBTP, the track is encoded again that much
(plus a margin) quieter: a fraction of a dB of loudness for a promise kept."""
SILENCE_LUFS = -60.0
"""Below this the mix is treated as silence: normalising it would only amplify noise (or divide by -inf)."""
MUSIC_GAIN_DB = -14.0
"""The music's gain when there is no narration to set it against (the final normalisation sets the level)."""
MUSIC_UNDER_VOICE_LU = 16.0
"""The music's loudness under the narration's between sentences. Set against the measured narration, so neither
a quiet voice nor a loud music file changes the balance."""
DUCK_BELOW_VOICE_DB, DUCK_RATIO = 12.0, 3.0
"""Ducking starts 12 dB under the narration's loudness; at 3:1 a sentence at that loudness takes the music about
8 dB lower (about 24 dB under the voice), and the music comes back over half a second once the sentence ends."""
MUSIC_GAIN_RANGE_DB = (-60.0, 24.0)
MUSIC_FADE_IN_S, MUSIC_FADE_OUT_S = 1.0, 2.5
AUDIO_SUFFIXES = {".mp3", ".wav", ".m4a", ".aac", ".ogg", ".oga", ".opus", ".flac"}
_SUMMARY = {
    "input_i": re.compile(r"I:\s+(-?[\d.]+|-inf) LUFS"),
    "input_thresh": re.compile(r"Threshold:\s+(-?[\d.]+|-inf) LUFS"),
    "input_lra": re.compile(r"LRA:\s+(-?[\d.]+|-inf) LU\b"),
    "input_tp": re.compile(r"Peak:\s+(-?[\d.]+|-inf) dBFS"),
}

Stream = ffmpeg.nodes.FilterableStream


class Loudness(BaseModel):
    """EBU R128 measurements of the mix (ebur128's summary)."""

    input_i: float
    input_tp: float
    input_lra: float
    input_thresh: float

    @property
    def gain_db(self) -> float:
        return TARGET_LUFS - self.input_i

    @property
    def gain_alone_fits(self) -> bool:
        """One gain reaches the target without pushing true peaks over the ceiling."""
        return self.input_tp + self.gain_db <= TARGET_TRUE_PEAK_DB


class MusicLevel(BaseModel):
    """How loud the music goes in, and the narration level (linear RMS) above which it is ducked."""

    gain_db: float
    duck_threshold: float = 0.02


class MixedAudio(BaseModel):
    path: Path
    loudness: Loudness


def choose_music(music_path: Path | None, *, seed: str) -> Path | None:
    """The music file itself, or one file of a folder picked by a stable hash of `seed` (so reruns match)."""
    if music_path is None:
        return None
    if music_path.is_file():
        return music_path
    if not music_path.is_dir():
        raise ComposeError(f"music path {music_path} is neither a file nor a folder", returncode=None, stderr_tail="")
    files = sorted(p for p in music_path.iterdir() if p.suffix.lower() in AUDIO_SUFFIXES and p.is_file())
    if not files:
        return None
    return files[int(hashlib.sha256(seed.encode()).hexdigest(), 16) % len(files)]


def mix_audio(plan: RenderPlan, *, music: Path | None, out_path: Path, timeout_s: float) -> MixedAudio | None:
    """Mix narration and music into `out_path` and measure it; None when there is nothing to hear."""
    total = plan.duration_s
    voice = _voice_bus(plan)
    mix = voice
    if music is not None:
        level = _music_level(plan, music, total, timeout_s=timeout_s)
        bed = _music_bed(music, total, gain_db=level.gain_db)
        mix = bed if voice is None else _duck_under(voice, bed, level)
    if mix is None:
        return None
    mix = mix.filter("apad", whole_dur=f"{total:.6f}").filter("atrim", end=f"{total:.6f}")
    copies = mix.asplit()
    rendered = ffmpeg.output(copies[0], str(out_path), acodec="pcm_f32le", ar=48000, f="wav")
    measure = copies[1].filter("ebur128", peak="true", framelog="quiet")
    args = ffmpeg.merge_outputs(rendered, ffmpeg.output(measure, "-", f="null")).get_args()
    stderr = run_ffmpeg(args, timeout_s=timeout_s, what="mixing narration and music")
    loudness = _parse_loudness(stderr)
    if loudness.input_i < SILENCE_LUFS:
        return None
    return MixedAudio(path=out_path, loudness=loudness)


def render_audio(plan: RenderPlan, *, music: Path | None, work_path: Path, out_path: Path, timeout_s: float) -> Path:
    """The finished sound track as AAC in MP4: mixed, measured, normalised (or silence), `duration_s` long.

    Runs apart from the picture (the composer starts it in parallel and muxes both with stream copy).
    """
    mixed = mix_audio(plan, music=music, out_path=work_path, timeout_s=timeout_s)
    passes = [work_path.with_suffix(f".limited{n}.wav") for n in range(LIMIT_PASSES)]
    try:
        for limited in passes:
            if mixed is None or mixed.loudness.gain_alone_fits:
                break
            mixed = _limit(mixed, out_path=limited, timeout_s=timeout_s)
        encode_under_peak(mixed, duration_s=plan.duration_s, out_path=out_path, timeout_s=timeout_s)
    finally:
        for limited in passes:
            limited.unlink(missing_ok=True)
    return out_path


def encode_under_peak(mixed: MixedAudio | None, *, duration_s: float, out_path: Path, timeout_s: float) -> float:
    """Encode the track as AAC, measure its true peak, and encode it again quieter while that overshoots the
    promise. Returns the trim applied (dB, 0 or negative)."""
    trim_db = 0.0
    for _ in range(PEAK_CHECKS):
        _encode(audio_track(mixed, duration_s=duration_s, trim_db=trim_db), out_path, timeout_s=timeout_s)
        if mixed is None:
            break
        peak = _true_peak(out_path, timeout_s=timeout_s)
        if peak <= PROMISED_TRUE_PEAK_DB:
            break
        trim_db -= peak - PROMISED_TRUE_PEAK_DB + PEAK_MARGIN_DB
    return trim_db


def _encode(track: Stream, out_path: Path, *, timeout_s: float) -> None:
    args = ffmpeg.output(track, str(out_path), acodec="aac", ar=48000, audio_bitrate="160k", f="mp4").get_args()
    run_ffmpeg(args, timeout_s=timeout_s, what="encoding the sound track")


def _true_peak(path: Path, *, timeout_s: float) -> float:
    """The encoded file's true peak (dBTP), as a player decodes it."""
    measure = ffmpeg.input(str(path)).audio.filter("ebur128", peak="true", framelog="quiet")
    stderr = run_ffmpeg(ffmpeg.output(measure, "-", f="null").get_args(), timeout_s=timeout_s, what="measuring peaks")
    return _parse_loudness(stderr).input_tp


def _limit(mixed: MixedAudio, *, out_path: Path, timeout_s: float) -> MixedAudio:
    """The mix at the target gain with its peaks limited, measured again: limiting peaky audio (clicks, espeak)
    lowers its loudness, so the next gain makes up for it; a few passes converge on the target."""
    copies = _gained(mixed).asplit()
    rendered = ffmpeg.output(copies[0], str(out_path), acodec="pcm_f32le", ar=48000, f="wav")
    measure = copies[1].filter("ebur128", peak="true", framelog="quiet")
    args = ffmpeg.merge_outputs(rendered, ffmpeg.output(measure, "-", f="null")).get_args()
    stderr = run_ffmpeg(args, timeout_s=timeout_s, what="limiting the sound's peaks")
    return MixedAudio(path=out_path, loudness=_parse_loudness(stderr))


def audio_track(mixed: MixedAudio | None, *, duration_s: float, trim_db: float = 0.0) -> Stream:
    """The final sound: the mix brought to the target loudness by one gain, or digital silence of the same length.

    When that gain would push peaks over the ceiling (espeak and clicks are peaky), a look-ahead limiter holds
    them at LIMIT_DBFS; render_audio measures the limited mix again first, so the loudness stays on target.
    """
    if mixed is None:
        return ffmpeg.input("anullsrc=r=48000:cl=stereo", f="lavfi", t=f"{duration_s:.6f}").audio
    track = _gained(mixed).filter("atrim", end=f"{duration_s:.6f}")
    return track.filter("volume", f"{trim_db:.2f}dB", precision="float") if trim_db else track


def _gained(mixed: MixedAudio) -> Stream:
    """The mix with the gain that reaches the target loudness, its peaks limited when the gain alone overshoots."""
    m = mixed.loudness
    gained = ffmpeg.input(str(mixed.path)).audio.filter("volume", f"{m.gain_db:.2f}dB", precision="float")
    if m.gain_alone_fits:
        return gained
    ceiling = 10 ** (LIMIT_DBFS / 20)
    return gained.filter("alimiter", limit=f"{ceiling:.4f}", attack=5, release=60, level=0, latency=1)


def _voice_bus(plan: RenderPlan) -> Stream | None:
    """Each scene's narration delayed to where the scene speaks on the final clock, summed.

    A file heard in several scenes (content-addressed storage names equal files alike) is opened once and split.
    """
    uses = [
        (str(scene.clip.narration.path), round(scene.narration_start_s * 1000))
        for scene in plan.scenes
        if scene.clip.narration is not None
    ]
    parts = []
    for path in dict.fromkeys(path for path, _ in uses):
        delays = [delay for used, delay in uses if used == path]
        source = _stereo(ffmpeg.input(path).audio)
        copies = source.filter_multi_output("asplit", len(delays)) if len(delays) > 1 else None
        for i, delay_ms in enumerate(delays):
            part = copies.stream(i) if copies is not None else source
            parts.append(part.filter("adelay", delays=f"{delay_ms}", all=1))
    if not parts:
        return None
    if len(parts) == 1:
        return parts[0]
    return ffmpeg.filter(parts, "amix", inputs=len(parts), normalize=0, duration="longest")


def _duck_under(voice: Stream, bed: Stream, level: MusicLevel) -> Stream:
    """The narration over the music, the music compressed while the narration speaks (sidechain)."""
    split = voice.asplit()
    voice, key = split[0], split[1]
    duck = {"threshold": level.duck_threshold, "ratio": DUCK_RATIO, "attack": 15, "release": 500}
    ducked = ffmpeg.filter([bed, key], "sidechaincompress", **duck)
    return ffmpeg.filter([voice, ducked], "amix", inputs=2, normalize=0, duration="first")


def _music_level(plan: RenderPlan, music: Path, total: float, *, timeout_s: float) -> MusicLevel:
    """Gain and ducking threshold from the narration's and the looped music's loudness (ebur128)."""
    voice = _voice_bus(plan)
    if voice is None:
        return MusicLevel(gain_db=MUSIC_GAIN_DB)
    voice_lufs = _integrated(voice, timeout_s=timeout_s, what="measuring the narration")
    music_lufs = _integrated(_looped(music, total), timeout_s=timeout_s, what="measuring the music")
    if voice_lufs < SILENCE_LUFS or music_lufs < SILENCE_LUFS:
        return MusicLevel(gain_db=MUSIC_GAIN_DB)
    low, high = MUSIC_GAIN_RANGE_DB
    gain = min(high, max(low, voice_lufs - MUSIC_UNDER_VOICE_LU - music_lufs))
    threshold = min(1.0, max(0.001, 10 ** ((voice_lufs - DUCK_BELOW_VOICE_DB) / 20)))
    return MusicLevel(gain_db=gain, duck_threshold=threshold)


def _integrated(stream: Stream, *, timeout_s: float, what: str) -> float:
    measure = stream.filter("ebur128", framelog="quiet")
    stderr = run_ffmpeg(ffmpeg.output(measure, "-", f="null").get_args(), timeout_s=timeout_s, what=what)
    return _parse_loudness(stderr).input_i


def _looped(music: Path, total: float) -> Stream:
    return _stereo(ffmpeg.input(str(music), stream_loop=-1, t=f"{total:.6f}").audio)


def _music_bed(music: Path, total: float, *, gain_db: float) -> Stream:
    """The music looped to the video's length, set under the voice, faded in and out."""
    fade_out = min(MUSIC_FADE_OUT_S, total / 3)
    bed = _looped(music, total).filter("volume", f"{gain_db:.2f}dB")
    bed = bed.filter("afade", t="in", d=min(MUSIC_FADE_IN_S, total / 3))
    return bed.filter("afade", t="out", st=f"{total - fade_out:.6f}", d=f"{fade_out:.6f}")


def _stereo(stream: Stream) -> Stream:
    return stream.filter("aformat", sample_fmts="fltp", sample_rates=48000, channel_layouts="stereo")


def _parse_loudness(stderr: str) -> Loudness:
    """Read ebur128's closing summary; silence reads as -70 LUFS and -inf dBFS, clamped to finite floors."""
    if "Summary:" not in stderr:
        raise ComposeError("measuring loudness: ebur128 printed no summary", returncode=0, stderr_tail="")
    summary = stderr[stderr.rindex("Summary:") :]
    values = {key: _SUMMARY[key].search(summary) for key in ("input_i", "input_thresh", "input_lra", "input_tp")}
    return Loudness(**{key: _number(match.group(1) if match else "-inf") for key, match in values.items()})


def _number(value: str) -> float:
    number = float(value)
    return max(number, -99.0) if number == number else -99.0
