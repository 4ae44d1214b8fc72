"""The `p2v` front door: bad input is refused before any work; a good prompt prints where the video is."""

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from api.cli import app
from tests.media_checks import decode_errors, stream_summary

runner = CliRunner(env={"COLUMNS": "500"})  # rich wraps at the terminal width: wide, so no test depends on it


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["   "], "Invalid prompt: is empty"),
        (["a\x01b"], "Invalid prompt: contains control character U+0001"),
        (["x" * 2001], "Invalid prompt: String should have at most 2000 characters"),
        (["ok", "--aspect", "4:3"], "Invalid aspect"),
        (["ok", "--scenes", "0"], "Invalid scenes"),
        (["ok", "--scenes", "99"], "Invalid scenes"),
        (["ok", "--duration", "100000"], "Invalid duration_s"),
        (["ok", "--language", "english!"], "Invalid language"),
    ],
)
def test_bad_input_is_refused_before_any_work(tmp_path: Path, args: list[str], expected: str) -> None:
    out = tmp_path / "out"
    result = runner.invoke(app, ["run", *args, "--out", str(out)])
    assert result.exit_code == 2
    assert expected in " ".join(result.output.split())
    assert not out.exists()


@pytest.mark.parametrize(
    ("env", "expected"),
    [
        ({"P2V_COMPOSE_WORKERS": "abc"}, "Invalid setting P2V_COMPOSE_WORKERS: Input should be a valid integer"),
        (
            {"P2V_SEGMENT_RUNNER": "task-workers"},
            "Invalid settings: P2V_SEGMENT_RUNNER=task-workers needs P2V_STORAGE_URL",
        ),
    ],
)
def test_a_bad_setting_is_one_line_naming_it_without_the_values(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, env: dict[str, str], expected: str
) -> None:
    from services.settings import get_settings

    secret = "sk-settings-secret-0123456789"
    for name, value in {**env, "P2V_OPENAI_API_KEY": secret}.items():
        monkeypatch.setenv(name, value)
    get_settings.cache_clear()
    try:
        result = runner.invoke(app, ["run", "a video about cats", "--out", str(tmp_path / "out")])
    finally:
        monkeypatch.undo()
        get_settings.cache_clear()
    assert result.exit_code == 2
    assert expected in " ".join(result.output.split())
    assert secret not in result.output and "Traceback" not in result.output
    assert not (tmp_path / "out").exists()


def test_run_makes_a_video_and_prints_its_path(tmp_path: Path) -> None:
    env = {**os.environ, "PREFECT_HOME": str(tmp_path / "prefect"), "P2V_DATA_DIR": str(tmp_path / "d")}
    env.pop("PREFECT_API_URL", None)
    p2v = shutil.which("p2v", path=str(Path(sys.executable).parent)) or "p2v"
    done = subprocess.run(
        [
            p2v,
            "run",
            "Сделай видео про космос",
            "--aspect",
            "1:1",
            "--duration",
            "8",
            "--scenes",
            "4",
            "--out",
            str(tmp_path / "out"),
        ],
        capture_output=True,
        text=True,
        env=env,
        timeout=600,
    )
    assert done.returncode == 0, done.stderr
    printed, length = done.stdout.split("Video ready:")[1].strip().splitlines()[:2]
    video = Path(printed)
    assert video.is_file() and video.parent.parent == tmp_path / "out"
    assert decode_errors(video) == ""
    assert "1080x1080" in stream_summary(video)
    assert re.fullmatch(r"Length: \d+\.\d s \(asked \d+ s\)", length.strip()), length
    for step in ("generate_storyboard", "search_media (4 scenes)", "narrate_scene (4 scenes)", "compose_video"):
        assert step in done.stdout
