"""`p2v check` on a folder the real offline flow published (one short run), and on folders that are not videos."""

import json
import shutil
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlparse
from urllib.request import url2pathname

import pytest
from typer.testing import CliRunner

from api.cli import app
from services.settings import get_settings
from tests.media_checks import video_frames_and_seconds

runner = CliRunner(env={"COLUMNS": "500"})  # rich wraps at the terminal width: wide, so no test depends on it
TARGETS = ["length", "pauses", "loudness", "true peak", "loop jumps", "instruction words"]


@pytest.fixture(scope="module")
def video_dir(prefect_harness: None, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    from flows.prompt_to_video import prompt_to_video

    root = tmp_path_factory.mktemp("check")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("P2V_OUTPUT_DIR", str(root / "output"))
        patch.setenv("P2V_MEDIA_DIR", str(root / "media"))
        patch.setenv("P2V_X264_PRESET", "ultrafast")
        get_settings.cache_clear()
        publication = prompt_to_video(prompt="Create a video about owls", scenes=2, duration_s=12)
        get_settings.cache_clear()
    yield Path(url2pathname(urlparse(publication.url).path)).parent


def _check(folder: Path, *options: str):
    return runner.invoke(app, ["check", str(folder), *options])


def test_report_of_a_published_video_holds_plausible_measurements(video_dir: Path) -> None:
    result = _check(video_dir, "--json")
    report = json.loads(result.stdout)
    metadata = json.loads((video_dir / "metadata.json").read_text(encoding="utf-8"))

    assert result.exit_code == (0 if report["passed"] else 1)
    assert [t["name"] for t in report["targets"]] == TARGETS
    assert report["passed"] == all(t["passed"] for t in report["targets"])
    frames, _ = video_frames_and_seconds(video_dir / "video.mp4")
    assert report["length"]["got_s"] == pytest.approx(frames / 30, abs=0.05)
    speech = report["speech"]
    assert speech["spoken"] and 0 <= speech["leading_s"] < 1.0
    assert all(p["duration_s"] >= 0.3 for p in speech["pauses"])
    assert speech["longest_pause_s"] == max((p["duration_s"] for p in speech["pauses"]), default=0.0)
    assert speech["threshold_db"] < speech["speech_level_db"] < 0
    assert -20 < report["loudness"]["integrated_lufs"] < -8 and report["loudness"]["true_peak_dbtp"] < 0
    scenes = metadata["scenes"]
    assert [w["why"] for w in report["cuts"]["expected"]][:1] == [f"scene {scenes[1]['index']} transition"]
    assert report["cuts"]["expected"][0]["start_s"] == pytest.approx(scenes[1]["start_s"] - 0.15)
    offline_cards = [s["index"] for s in scenes if s["media"]["provider"] == "generated"]
    assert report["fallback_scenes"] == offline_cards == [0, 1]
    assert report["upscale"]["max_factor"] == 1.0 and report["upscale"]["over_limit"] == []


def test_table_names_every_target_and_the_exit_code_follows_it(video_dir: Path) -> None:
    result = _check(video_dir)
    flat = " ".join(result.stdout.split())
    assert all(name in flat for name in TARGETS)
    assert ("All targets pass." in flat) == (result.exit_code == 0)
    assert result.exit_code in (0, 1)


def test_instruction_words_in_the_narration_fail_the_check(video_dir: Path, tmp_path: Path) -> None:
    copy = Path(shutil.copytree(video_dir, tmp_path / "copy"))
    metadata = json.loads((copy / "metadata.json").read_text(encoding="utf-8"))
    metadata["scenes"][0]["narration"] = "Create a video about owls in 9:16, 60-second."
    (copy / "metadata.json").write_text(json.dumps(metadata), encoding="utf-8")

    result = _check(copy, "--json")

    report = json.loads(result.stdout)
    assert result.exit_code == 1
    assert {h["phrase"] for h in report["instruction_words"]} >= {"create a video", "9:16", "60-second"}
    assert {h["where"] for h in report["instruction_words"]} == {"scene 0"}
    assert not next(t for t in report["targets"] if t["name"] == "instruction words")["passed"]


def test_a_folder_that_is_not_a_video_folder_exits_2(tmp_path: Path) -> None:
    assert _check(tmp_path / "missing").exit_code == 2
    assert _check(tmp_path).exit_code == 2
    (tmp_path / "video.mp4").write_bytes(b"not a video")
    (tmp_path / "metadata.json").write_text('{"scenes": [{"index": 0, "start_s": 0, "duration_s": 2}]}')
    result = _check(tmp_path)
    assert result.exit_code == 2
    assert "Not a video folder" in " ".join(result.stderr.split())
    (tmp_path / "metadata.json").write_text("{broken")
    assert _check(tmp_path).exit_code == 2
