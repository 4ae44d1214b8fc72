"""End-to-end renders with real ffmpeg: decodable output, A/V durations, loudness, sidecar files, failures."""

import re
import subprocess
from pathlib import Path

import pytest
from conftest import make_timeline

from services.compose import Composer
from services.compose.plan import plan_render
from services.exceptions import ComposeError
from services.ffmpeg import ffmpeg_exe
from services.models import RenderedVideo

W, H = 640, 360


def decode(path: Path, *extra: str) -> str:
    """Decode every stream completely; return stderr, failing the test on any decoding error."""
    done = subprocess.run(
        [ffmpeg_exe(), "-hide_banner", "-nostdin", "-v", "error", "-xerror", "-i", str(path), *extra],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    return done.stderr


def stream_durations(path: Path) -> dict[int, float]:
    """Seconds of decoded media per stream, summed from per-frame durations (no ffprobe needed)."""
    done = subprocess.run(
        [ffmpeg_exe(), "-hide_banner", "-nostdin", "-v", "error", "-i", str(path), "-f", "framemd5", "-"],
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    timebases = {int(i): (int(n), int(d)) for i, n, d in re.findall(r"#tb (\d+): (\d+)/(\d+)", done.stdout)}
    totals: dict[int, int] = {}
    for line in done.stdout.splitlines():
        if line and not line.startswith("#"):
            fields = [f.strip() for f in line.split(",")]
            totals[int(fields[0])] = totals.get(int(fields[0]), 0) + int(fields[3])
    return {i: total * timebases[i][0] / timebases[i][1] for i, total in totals.items()}


def loudness(path: Path) -> tuple[float, float]:
    """Integrated loudness (LUFS) and true peak (dBTP) measured by ffmpeg's ebur128."""
    stderr = decode(path, "-map", "0:a", "-af", "ebur128=peak=true", "-f", "null", "-")
    done = subprocess.run(
        [ffmpeg_exe(), "-hide_banner", "-nostdin", "-i", str(path), "-map", "0:a"]
        + ["-af", "ebur128=peak=true", "-f", "null", "-"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    stderr = done.stderr
    summary = stderr[stderr.rindex("Summary:") :]
    integrated = float(re.search(r"I:\s+(-?[\d.]+|-inf) LUFS", summary).group(1))
    peak = float(re.search(r"Peak:\s+(-?[\d.]+|-inf) dBFS", summary).group(1))
    return integrated, peak


@pytest.fixture
def narrated(tmp_path, make_still, make_narration, make_clip) -> tuple:
    """Three scenes: two narrated stills and an un-narrated clip, with a music file under them."""
    n0 = make_narration(0, [("First sentence here.", 0.1, 0.7), ("And a second one.", 0.9, 1.5)], seconds=1.6)
    n1 = make_narration(1, [("Только одно предложение.", 0.0, 1.2)], seconds=1.3)
    music = tmp_path / "music.wav"
    subprocess.run(
        [ffmpeg_exe(), "-v", "error", "-f", "lavfi", "-i", "anoisesrc=d=1.3:a=0.3:c=pink", str(music)], check=True
    )
    timeline = make_timeline(
        [
            (make_still("a", 800, 600, seed=1), 2.7, "First sentence here. And a second one.", n0),
            (make_still("b", 400, 300, seed=2), 2.4, "Только одно предложение.", n1),
            (make_clip("c", 320, 240, fps=25, seconds=1.0), 1.5, "A scene without a voice.", None),
        ],
        width=W,
        height=H,
    )
    return timeline, music


def test_render_writes_a_complete_normalised_video(narrated, tmp_path) -> None:
    timeline, music = narrated
    out = tmp_path / "out"
    video = Composer(preset="ultrafast", music_path=music).render(timeline, out)

    assert isinstance(video, RenderedVideo)
    assert sorted(p.name for p in out.iterdir()) == [
        "captions.ass",
        "captions.srt",
        "contact_sheet.png",
        "thumbnail.jpg",
        "video.mp4",
    ]
    info = decode(video.path, "-f", "null", "-") or ""
    header = subprocess.run([ffmpeg_exe(), "-hide_banner", "-i", str(video.path)], capture_output=True, text=True)
    assert re.search(r"Video: h264 .*yuv420p.*640x360.*30 fps", header.stderr), header.stderr
    assert re.search(r"Audio: aac .*48000 Hz, stereo", header.stderr), header.stderr
    data = video.path.read_bytes()
    assert data.index(b"moov") < data.index(b"mdat"), "moov atom must come first (+faststart)"
    assert info == ""

    durations = stream_durations(video.path)
    expected = plan_render(timeline).duration_s
    assert abs(durations[0] - expected) < 1 / 30
    assert abs(durations[1] - durations[0]) <= 1 / 30

    integrated, peak = loudness(video.path)
    assert abs(integrated - -14.0) <= 1.0
    assert peak <= -1.0 + 0.2


def test_debug(narrated, tmp_path):
    timeline, music = narrated
    out = Path("/tmp/cx/dbg")
    video = Composer(preset="ultrafast", music_path=music).render(timeline, out)
    print(loudness(video.path), stream_durations(video.path), plan_render(timeline).duration_s)
    print((out / "captions.srt").read_text())
