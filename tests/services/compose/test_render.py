"""End-to-end renders with real ffmpeg: decodable output, A/V durations, loudness, caption sync, failures."""

import subprocess
from pathlib import Path

import pytest

from services.compose import Composer
from services.compose.plan import plan_render
from services.exceptions import ComposeError
from services.ffmpeg import ffmpeg_exe
from services.models import NarrationAudio, RenderedVideo
from tests.services.compose.compose_helpers import (
    decode,
    header,
    loudness,
    make_timeline,
    sound_onsets,
    stream_durations,
)

W, H = 640, 360
ONE_FRAME = 1 / 30


def srt_cues(path: Path) -> list[tuple[float, float, str]]:
    def seconds(stamp: str) -> float:
        h, m, rest = stamp.split(":")
        s, ms = rest.split(",")
        return int(h) * 3600 + int(m) * 60 + int(s) + int(ms) / 1000

    cues = []
    for block in path.read_text(encoding="utf-8").strip().split("\n\n"):
        _, times, text = block.split("\n", 2)
        start, end = times.split(" --> ")
        cues.append((seconds(start), seconds(end), text))
    return cues


@pytest.fixture
def narrated(tmp_path, make_still, make_narration, make_clip):
    """Three scenes: two narrated stills (one smaller than the frame) and an un-narrated 25 fps clip."""
    n0 = make_narration(0, [("First sentence here.", 0.1, 0.7), ("And a second one.", 0.9, 1.5)], seconds=1.6)
    n1 = make_narration(1, [("Только одно предложение.", 0.0, 1.2)], seconds=1.3)
    return make_timeline(
        [
            (make_still("a", 800, 600, seed=1), 2.7, "First sentence here. And a second one.", n0),
            (make_still("b", 400, 300, seed=2), 2.4, "Только одно предложение.", n1),
            (make_clip("c", 320, 240, fps=25, seconds=1.0), 1.5, "A scene without a voice.", None),
        ],
        width=W,
        height=H,
    )


@pytest.fixture
def music(tmp_path) -> Path:
    path = tmp_path / "music" / "bed.wav"
    path.parent.mkdir()
    noise = ["-f", "lavfi", "-i", "anoisesrc=d=1.3:a=0.3:c=pink"]
    subprocess.run([ffmpeg_exe(), "-v", "error", *noise, str(path)], check=True)
    return path


def test_render_writes_a_complete_normalised_video(narrated, music, tmp_path) -> None:
    out = tmp_path / "out"
    video = Composer(preset="ultrafast").render(narrated.model_copy(update={"music": str(music.parent)}), out)

    assert isinstance(video, RenderedVideo)
    names = sorted(p.name for p in out.iterdir())
    assert names == ["captions.ass", "captions.srt", "contact_sheet.png", "thumbnail.jpg", "video.mp4"]
    assert video.captions_path == out / "captions.srt" and video.contact_sheet_path == out / "contact_sheet.png"
    assert decode(video.path, "-f", "null", "-") == ""
    info = header(video.path)
    assert "Video: h264" in info and "yuv420p" in info and "640x360" in info and "30 fps" in info, info
    assert "Audio: aac" in info and "48000 Hz, stereo" in info, info
    data = video.path.read_bytes()
    assert data.index(b"moov") < data.index(b"mdat"), "moov must come before mdat (+faststart)"

    durations = stream_durations(video.path)
    assert abs(durations[0] - plan_render(narrated).duration_s) < ONE_FRAME / 2
    assert abs(durations[1] - durations[0]) <= ONE_FRAME

    integrated, true_peak = loudness(video.path)
    assert abs(integrated - -14.0) <= 1.0
    assert true_peak <= -1.0 + 0.1  # ebur128's true-peak estimate differs from loudnorm's by a hair


def test_captions_start_when_their_sentences_are_heard(narrated, tmp_path) -> None:
    narrated = narrated.model_copy(update={"music": "none"})  # onsets are found in silence between sentences
    video = Composer(preset="ultrafast").render(narrated, tmp_path / "out")

    cues = srt_cues(video.captions_path)
    plan = plan_render(narrated)
    spoken = [
        (scene.narration_start_s + span.start_s, scene.narration_start_s + span.end_s, span.text)
        for scene in plan.scenes
        if scene.clip.narration is not None
        for span in scene.clip.narration.sentences
    ]
    assert [text for *_, text in cues[: len(spoken)]] == [text for *_, text in spoken]
    onsets = [t for t in sound_onsets(video.path) if t < plan.duration_s - 0.05]  # silencedetect also ends at EOF
    assert len(onsets) == len(spoken), onsets
    for (cue_start, cue_end, _), (start, end, _), heard in zip(cues, spoken, onsets, strict=False):
        assert abs(cue_start - start) <= 0.1 and abs(cue_end - end) <= 0.1
        assert abs(cue_start - heard) <= 0.1, (cue_start, heard)


@pytest.mark.parametrize("voice", ["none", "digital silence"])
def test_silent_timeline_gets_a_silent_track_of_the_same_length(voice, make_still, make_narration, tmp_path) -> None:
    quiet = make_narration(0, [], seconds=1.0) if voice == "digital silence" else None
    timeline = make_timeline(
        [(make_still("a", 320, 180), 1.5, "Quiet.", quiet), (make_still("b", 320, 180, seed=3), 1.5, "Still.", None)],
        width=320,
        height=180,
    ).model_copy(update={"music": "none"})
    video = Composer(preset="ultrafast").render(timeline, tmp_path / "out")

    durations = stream_durations(video.path)
    assert abs(durations[1] - durations[0]) <= ONE_FRAME
    integrated, _ = loudness(video.path)
    assert integrated <= -70.0  # ebur128's floor: nothing was amplified


def test_corrupt_media_fails_clearly_and_leaves_nothing_at_the_final_path(make_still, tmp_path) -> None:
    broken = tmp_path / "broken.png"
    broken.write_bytes(b"\x89PNG\r\n\x1a\n" + b"not really an image" * 50)
    good = make_still("a", 320, 180)
    bad = good.model_copy(update={"local_path": broken, "asset_id": "broken"})
    timeline = make_timeline([(good, 1.5, "One.", None), (bad, 1.5, "Two.", None)], width=320, height=180)
    out = tmp_path / "out"

    with pytest.raises(ComposeError) as caught:
        Composer(preset="ultrafast").render(timeline, out)

    message = str(caught.value)
    assert message.startswith("[compose] rendering the video failed: scene 1 cannot be decoded from")
    assert "broken.png" in message and "Decoding error" in caught.value.stderr_tail
    assert not (out / "video.mp4").exists()
    assert not [p for p in out.iterdir() if p.name.startswith(".")], "no partial files left behind"


def test_missing_narration_file_is_named_before_rendering(make_still, make_narration, tmp_path) -> None:
    narration = make_narration(0, [("Hi.", 0.0, 0.5)], seconds=0.6)
    narration = narration.model_copy(update={"path": tmp_path / "gone.wav"})
    timeline = make_timeline([(make_still("a", 320, 180), 1.5, "Hi.", narration)], width=320, height=180)

    with pytest.raises(ComposeError, match=r"scene 0: narration file .*gone\.wav does not exist"):
        Composer().render(timeline, tmp_path / "out")


def test_timeout_names_the_step_and_leaves_no_video(narrated, tmp_path) -> None:
    out = tmp_path / "out"
    with pytest.raises(ComposeError, match="timeout") as caught:
        Composer(timeout_s=0.05).render(narrated, out)

    assert "mixing narration and music" in str(caught.value) or "rendering the video" in str(caught.value)
    assert not (out / "video.mp4").exists()


def test_peaky_narration_is_limited_to_the_true_peak_ceiling(make_still, tmp_path) -> None:
    """Quiet speech with loud clicks cannot reach -14 LUFS by gain alone: the limiter passes hold loudness and peaks."""
    path = tmp_path / "clicks.wav"
    clicks = "aevalsrc='0.05*sin(2*PI*300*t)+0.95*lt(mod(t,0.25),0.0005)':s=48000:d=5"
    subprocess.run([ffmpeg_exe(), "-v", "error", "-f", "lavfi", "-i", clicks, str(path)], check=True)
    voice = NarrationAudio(scene_index=0, path=path, duration_s=5.0, voice="clicks")
    timeline = make_timeline(
        [(make_still("a", 320, 180), 3.0, "One.", voice), (make_still("b", 320, 180, seed=2), 3.0, "Two.", None)],
        width=320,
        height=180,
    )
    video = Composer(preset="ultrafast").render(timeline, tmp_path / "out")

    integrated, true_peak = loudness(video.path)
    assert abs(integrated - -14.0) <= 1.0
    assert true_peak <= -1.0 + 0.1
