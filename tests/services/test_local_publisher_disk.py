"""No second full copy of a render: the published video is the render's file under a second name."""

import os
import tempfile
from pathlib import Path

import pytest

from services.exceptions import InvalidRequest
from services.intact import still_intact
from services.publish.local import LocalPublisher, writable_folder
from tests.fakes.videos import rendered_video, timeline


def test_the_published_video_is_a_hard_link_and_the_render_stays_reusable(tmp_path: Path) -> None:
    video = rendered_video(tmp_path / "work" / "renders" / "k", size=200_000, seed=3)
    LocalPublisher(tmp_path / "out").publish(video, timeline())

    [published] = (tmp_path / "out").glob("*/video.mp4")
    assert published.stat().st_ino == video.path.stat().st_ino and video.path.stat().st_nlink == 2
    assert still_intact(video)  # a resumed run still finds the render it cached

    LocalPublisher(tmp_path / "out").publish(video, timeline())  # republishing replaces the link in place
    assert video.path.stat().st_nlink == 2 and published.read_bytes() == video.path.read_bytes()
    assert not [p for p in published.parent.iterdir() if ".partial" in p.name]


def test_across_filesystems_the_render_is_moved(tmp_path: Path) -> None:
    if not Path("/dev/shm").is_dir() or os.stat("/dev/shm").st_dev == os.stat(tmp_path).st_dev:
        pytest.skip("needs a second filesystem (/dev/shm)")
    with tempfile.TemporaryDirectory(dir="/dev/shm") as other:
        video = rendered_video(Path(other) / "render", size=50_000, seed=4)
        content = video.path.read_bytes()
        LocalPublisher(tmp_path / "out").publish(video, timeline())
        [published] = (tmp_path / "out").glob("*/video.mp4")
        assert published.read_bytes() == content and not video.path.exists()
        assert video.thumbnail_path.is_file()  # only the video is large enough to matter


@pytest.mark.parametrize("target", ["/proc/version", "file"])
def test_an_unwritable_output_folder_is_refused(tmp_path: Path, target: str) -> None:
    folder = Path(target) if target.startswith("/") else tmp_path / target
    if target == "file":
        folder.write_text("not a folder")
    with pytest.raises(InvalidRequest, match="is not a writable folder"):
        writable_folder(folder)
    assert writable_folder(tmp_path / "new" / "out") == (tmp_path / "new" / "out").resolve()
    assert list((tmp_path / "new" / "out").iterdir()) == []  # the probe file is gone
