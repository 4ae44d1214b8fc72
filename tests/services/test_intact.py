from pathlib import Path

from services.compose.render import file_sha256
from services.intact import referenced_paths, still_intact
from services.models import MediaAsset, RenderedVideo


def _video(tmp_path: Path, content: bytes = b"mp4 bytes") -> RenderedVideo:
    path, thumb = tmp_path / "video.mp4", tmp_path / "thumbnail.jpg"
    path.write_bytes(content)
    thumb.write_bytes(b"jpg")
    return RenderedVideo(path=path, duration_s=5, width=8, height=8, sha256=file_sha256(path), thumbnail_path=thumb)


def _asset(path: Path | None) -> MediaAsset:
    return MediaAsset(
        scene_index=0, provider="local", kind="image", asset_id="a", source_url="x", local_path=path, width=1, height=1
    )


def test_referenced_paths_walks_models_lists_and_dicts(tmp_path: Path) -> None:
    video = _video(tmp_path)
    nested = {"a": [_asset(tmp_path / "a.jpg"), _asset(None)], "b": (video,)}
    assert referenced_paths(nested) == [tmp_path / "a.jpg", video.path, video.thumbnail_path]


def test_a_result_whose_file_is_gone_is_not_intact(tmp_path: Path) -> None:
    image = tmp_path / "a.jpg"
    image.write_bytes(b"x")
    assert still_intact([[_asset(image)]])
    image.unlink()
    assert not still_intact([[_asset(image)]])


def test_a_video_overwritten_with_other_bytes_is_not_intact(tmp_path: Path) -> None:
    video = _video(tmp_path)
    assert still_intact(video)
    video.path.write_bytes(b"another render")
    assert not still_intact(video)
