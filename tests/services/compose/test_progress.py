from pathlib import Path

import pytest

from services.compose.progress import parse_progress_seconds, run_ffmpeg_with_progress
from services.exceptions import ComposeError
from services.ffmpeg import probe

TEST_CLIP = ["-f", "lavfi", "-i", "testsrc2=size=320x240:rate=30", "-t", "3", "-c:v", "libx264", "-preset", "ultrafast"]


def test_parse_progress_seconds_reads_out_time_us_only() -> None:
    assert parse_progress_seconds("out_time_us=1500000\n") == 1.5
    assert parse_progress_seconds("out_time_us=N/A") is None
    assert parse_progress_seconds("out_time=00:00:01.500000") is None
    assert parse_progress_seconds("progress=continue") is None


def test_progress_is_reported_up_to_done(tmp_path: Path) -> None:
    seen: list[float] = []
    out = tmp_path / "clip.mp4"
    run_ffmpeg_with_progress([*TEST_CLIP, str(out)], timeout_s=60, what="test", total_s=3, on_progress=seen.append)
    assert seen[-1] == 1.0 and seen == sorted(seen) and len(seen) >= 2
    assert probe(out).duration_s == pytest.approx(3, abs=0.1)


def test_a_failing_ffmpeg_raises_compose_error_with_its_stderr(tmp_path: Path) -> None:
    with pytest.raises(ComposeError) as caught:
        run_ffmpeg_with_progress(
            ["-i", str(tmp_path / "missing.mp4"), str(tmp_path / "o.mp4")],
            timeout_s=30,
            what="reading",
            total_s=1,
            on_progress=lambda f: None,
        )
    assert caught.value.returncode != 0 and "missing.mp4" in caught.value.stderr_tail


def test_ffmpeg_past_its_timeout_is_killed(tmp_path: Path) -> None:
    endless = ["-re", "-f", "lavfi", "-i", "testsrc2=size=64x64:rate=5", "-f", "null", "-"]
    with pytest.raises(ComposeError, match="timeout") as caught:
        run_ffmpeg_with_progress(endless, timeout_s=1, what="an endless render", total_s=60, on_progress=lambda f: None)
    assert caught.value.returncode is None
