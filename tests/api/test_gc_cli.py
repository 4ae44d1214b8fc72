"""`p2v gc` deletes what the retention policy says and prints it; `p2v run --out` is checked before any work."""

import os
import time
from pathlib import Path

import pytest
from typer.testing import CliRunner

from api.cli import app
from services.settings import get_settings

runner = CliRunner()
OLD = time.time() - 30 * 86400


@pytest.fixture
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("P2V_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("P2V_OUTPUT_DIR", str(tmp_path / "output"))
    get_settings.cache_clear()
    yield tmp_path / "data"
    get_settings.cache_clear()


def _file(path: Path, size: int, *, old: bool) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(b"v" * size)
    if old:
        os.utime(path, (OLD, OLD))
        os.utime(path.parent, (OLD, OLD))
    return path


def test_gc_dry_run_lists_then_gc_frees_old_files_and_keeps_an_active_run(data_dir: Path) -> None:
    old_video = _file(data_dir / "work" / "renders" / "old" / "video.mp4", 300_000, old=True)
    old_card = _file(data_dir / "cache" / "generated" / "c0ffee.png", 200_000, old=True)
    active = _file(data_dir / "work" / "renders" / "active" / ".video.host-7.partial.mp4", 300_000, old=False)
    fresh_voice = _file(data_dir / "work" / "narration" / "scene-00-x.wav", 100_000, old=False)

    dry = runner.invoke(app, ["gc", "--dry-run"])
    assert dry.exit_code == 0, dry.output
    text = " ".join(dry.output.split())
    assert "Would free 0.5 MB of 0.9 MB (renders 1, narration 0, generated 1, images 0, results 0)" in text
    assert str(old_video.parent) in text and old_video.is_file()

    done = runner.invoke(app, ["gc"])
    assert done.exit_code == 0, done.output
    assert "Freed 0.5 MB of 0.9 MB" in " ".join(done.output.split())
    assert not old_video.parent.exists() and not old_card.exists()
    assert active.is_file() and fresh_voice.is_file()


@pytest.mark.parametrize("out", ["/proc/version", "a-file"])
def test_run_with_an_unwritable_out_fails_before_any_work(data_dir: Path, tmp_path: Path, out: str) -> None:
    if not out.startswith("/"):
        (tmp_path / out).write_text("a file where the folder should be")
        out = str(tmp_path / out)
    result = runner.invoke(app, ["run", "A calm lake at dawn", "--out", out])
    assert result.exit_code == 2
    assert "Invalid out:" in result.output and "is not a writable folder" in " ".join(result.output.split())
    assert not data_dir.exists()  # no run started: nothing recorded, rendered or cached
    assert os.environ.get("P2V_OUTPUT_DIR") == str(tmp_path / "output")
