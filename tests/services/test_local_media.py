import json
from pathlib import Path

from services.media.local import LocalFolderProvider
from services.models import Scene
from tests.media_checks import make_clip, make_still


def _scene(query: str, index: int = 0) -> Scene:
    return Scene(index=index, narration="...", visual_query=query, duration_s=3)


def test_files_are_matched_by_their_names(tmp_path: Path) -> None:
    make_still(tmp_path / "red-fox-in-snow.jpg")
    make_still(tmp_path / "city_skyline_night.png")
    make_clip(tmp_path / "ocean waves.mp4", seconds=2)
    provider = LocalFolderProvider(tmp_path)

    found = provider.search(_scene("foxes in the snow"), aspect="16:9")
    assert [a.local_path.name for a in found] == ["red-fox-in-snow.jpg"]
    assert found[0].kind == "image" and (found[0].width, found[0].height) == (640, 360)
    assert 0.8 < found[0].score <= 1.0  # every query word named; meaning close, not identical

    waves = provider.search(_scene("big ocean waves at dawn"), aspect="16:9")
    assert waves[0].kind == "video" and waves[0].duration_s == 2.0
    assert 0 < waves[0].score < 1


def test_sidecars_add_keywords_and_credits(tmp_path: Path) -> None:
    make_still(tmp_path / "IMG_0001.jpg")
    (tmp_path / "IMG_0001.json").write_text(
        json.dumps({"keywords": ["robot", "laboratory"], "attribution": "Photo by Ann", "license": "CC-BY"})
    )
    make_still(tmp_path / "IMG_0002.jpg")
    (tmp_path / "IMG_0002.txt").write_text("a quiet mountain lake")

    provider = LocalFolderProvider(tmp_path)
    robot = provider.search(_scene("robot in a laboratory"), aspect="16:9")
    assert [a.local_path.name for a in robot] == ["IMG_0001.jpg"]
    assert (robot[0].attribution, robot[0].license) == ("Photo by Ann", "CC-BY")
    assert provider.search(_scene("mountain lake"), aspect="16:9")[0].local_path.name == "IMG_0002.jpg"


def test_nothing_matches_gives_an_empty_list(tmp_path: Path) -> None:
    make_still(tmp_path / "cat.jpg")
    assert LocalFolderProvider(tmp_path).search(_scene("volcano eruption"), aspect="16:9") == []
    assert LocalFolderProvider(tmp_path / "missing").search(_scene("cat"), aspect="16:9") == []


def test_unreadable_files_are_skipped(tmp_path: Path) -> None:
    (tmp_path / "broken-cat.jpg").write_bytes(b"not an image")
    make_still(tmp_path / "cat-sleeping.jpg")
    found = LocalFolderProvider(tmp_path).search(_scene("cat"), aspect="16:9")
    assert [a.local_path.name for a in found] == ["cat-sleeping.jpg"]
