"""A run's `output_dir` parameter publishes inside P2V_OUTPUT_DIR only; outside, the run fails before any work."""

from pathlib import Path

import pytest
from pydantic import TypeAdapter, ValidationError

from flows.prompt_to_video import prompt_to_video
from services.models import OutputFolder

pytestmark = pytest.mark.usefixtures("prefect_harness")


def _outside(settings, tmp_path: Path, kind: str) -> Path:  # noqa: ANN001
    if kind == "dotdot":
        return settings.output_dir / "alice" / ".." / ".." / "elsewhere"
    if kind == "absolute":
        return tmp_path / "elsewhere"
    link = settings.output_dir / "alice"  # inside by name, outside once the symlink is followed
    settings.output_dir.mkdir(parents=True)
    link.symlink_to(tmp_path / "elsewhere", target_is_directory=True)
    return link / "videos"


@pytest.mark.parametrize("kind", ["dotdot", "absolute", "symlink"])
def test_an_output_dir_outside_the_output_folder_is_refused(settings, tmp_path: Path, kind: str) -> None:
    outside = _outside(settings, tmp_path, kind)
    work = settings.data_dir / "work"
    before = set(work.rglob("*"))
    with pytest.raises(ValidationError, match="outside the output folder"):
        TypeAdapter(OutputFolder).validate_python(outside)

    state = prompt_to_video(prompt="A calm lake at dawn", output_dir=outside, return_state=True)

    assert state.is_failed() and "output_dir" in state.message and "outside the output folder" in state.message
    assert not (tmp_path / "elsewhere").exists()
    assert set(work.rglob("*")) == before  # failed at validation: nothing narrated or rendered


def test_a_subfolder_of_the_output_folder_is_accepted(settings) -> None:
    inside = settings.output_dir / "alice"
    assert TypeAdapter(OutputFolder).validate_python(str(inside)) == inside.resolve()
    assert TypeAdapter(OutputFolder).validate_python(None) is None
