import json
from pathlib import Path

from services.models import MediaAsset, RenderedVideo, Scene, Timeline, TimelineClip
from services.publish.local import LocalPublisher, slugify


def _inputs(tmp_path: Path) -> tuple[RenderedVideo, Timeline]:
    (tmp_path / "render").mkdir()
    video_path = tmp_path / "render" / "video.mp4"
    video_path.write_bytes(b"video-bytes")
    (tmp_path / "render" / "thumbnail.jpg").write_bytes(b"jpg")
    (tmp_path / "render" / "captions.srt").write_text("1\n")
    asset = MediaAsset(
        scene_index=0,
        provider="local",
        kind="image",
        asset_id="a",
        source_url="file:///a.jpg",
        width=1,
        height=1,
        attribution="Photo by Ann",
        license="CC-BY",
    )
    scene = Scene(index=0, narration="Привет", visual_query="q", duration_s=2)
    timeline = Timeline(
        title="Космос и звёзды",
        description="About space",
        language="ru",
        width=1920,
        height=1080,
        transition_s=0,
        clips=[TimelineClip(scene=scene, asset=asset, start_s=0)],
    )
    video = RenderedVideo(
        path=video_path,
        duration_s=2,
        width=1920,
        height=1080,
        sha256="ab" * 32,
        thumbnail_path=tmp_path / "render" / "thumbnail.jpg",
        captions_path=tmp_path / "render" / "captions.srt",
    )
    return video, timeline


def test_publishes_video_thumbnail_captions_and_metadata(tmp_path: Path) -> None:
    video, timeline = _inputs(tmp_path)
    publication = LocalPublisher(tmp_path / "out").publish(video, timeline)

    folder = tmp_path / "out" / "космос-и-звёзды-ababababab"
    assert publication.external_id == folder.name
    assert {p.name for p in folder.iterdir()} == {"video.mp4", "thumbnail.jpg", "captions.srt", "metadata.json"}
    assert (folder / "video.mp4").read_bytes() == b"video-bytes"
    meta = json.loads((folder / "metadata.json").read_text(encoding="utf-8"))
    assert meta["title"] == "Космос и звёзды"
    assert "Photo by Ann (local)" in meta["description"]
    assert meta["scenes"][0]["media"]["license"] == "CC-BY"
    assert publication.video_sha256 == video.sha256


def test_publishing_twice_reuses_the_same_folder(tmp_path: Path) -> None:
    video, timeline = _inputs(tmp_path)
    first = LocalPublisher(tmp_path / "out").publish(video, timeline)
    second = LocalPublisher(tmp_path / "out").publish(video, timeline)
    assert first == second
    assert len(list((tmp_path / "out").iterdir())) == 1


def test_slugify_keeps_letters_and_drops_path_tricks() -> None:
    assert slugify("../../etc/passwd") == "etc-passwd"
    assert slugify("  ") == "video"
    assert slugify("Hello, World!") == "hello-world"
