"""Both artifact-store backends through one set of tests: the local folder and S3 (moto's server on loopback)."""

import logging
from pathlib import Path

import pytest

from services.models import NarrationAudio, RenderedVideo
from services.settings import Settings
from services.storage import ArtifactStore, LocalStore, StorageError, build_store, fetched, in_folder, refs_in, stored
from services.storage.s3 import S3Store
from tests.storage.conftest import SECRET_KEY, S3Server


@pytest.fixture(params=["local", "s3"])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> ArtifactStore:
    if request.param == "local":
        return LocalStore(tmp_path / "data")
    server: S3Server = request.getfixturevalue("s3_server")
    request.getfixturevalue("s3_env")  # credentials in botocore's variables, as on a worker
    return S3Store(f"s3://{server.create_bucket()}/runs/p2v", endpoint_url=server.endpoint_url, region="us-east-1")


def _file(folder: Path, name: str, data: bytes) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / name).write_bytes(data)
    return folder / name


def test_put_then_fetch_gives_the_same_bytes_on_another_worker(store: ArtifactStore, tmp_path: Path) -> None:
    source = _file(tmp_path / "made", "scene-00.wav", b"RIFF" + bytes(range(256)) * 40)
    ref = store.put(source, "narration/scene-00.wav")
    assert store.exists(ref)
    source_bytes = source.read_bytes()
    if store.remote:
        source.unlink()  # the other worker has no copy of the writer's folder
        assert ref == f"s3://{store.bucket}/runs/p2v/narration/scene-00.wav"  # type: ignore[attr-defined]
    local = store.fetch(ref, tmp_path / "scratch")
    assert local.read_bytes() == source_bytes
    assert (local.is_relative_to(tmp_path / "scratch")) == store.remote
    assert store.stats.bytes_up == (len(source_bytes) if store.remote else 0)
    assert store.stats.bytes_down == (len(source_bytes) if store.remote else 0)


def test_small_json_written_read_and_deleted(store: ArtifactStore) -> None:
    ref = store.write_bytes(b'{"ok": true}', "meta/run.json")
    assert store.read_bytes(ref) == b'{"ok": true}'
    store.delete(ref)
    assert not store.exists(ref)
    store.delete(ref)  # deleting what is gone is not an error
    with pytest.raises(StorageError, match=r"\[storage\].*run\.json"):
        store.read_bytes(ref)


def test_a_missing_object_fails_named(store: ArtifactStore, tmp_path: Path) -> None:
    ref = store.uri("renders/nothing/video.mp4")
    assert not store.exists(ref)
    with pytest.raises(StorageError, match=r"\[storage\].*renders/nothing/video\.mp4"):
        store.fetch(ref, tmp_path / "scratch")


def test_keys_cannot_leave_the_store(store: ArtifactStore, tmp_path: Path) -> None:
    with pytest.raises(StorageError, match="key"):
        store.write_bytes(b"x", "../../escape.txt")


def test_local_store_copies_nothing_that_is_already_in_its_folder(tmp_path: Path) -> None:
    store = LocalStore(tmp_path / "data")
    inside = _file(tmp_path / "data" / "work" / "narration", "a.wav", b"abc")
    assert store.put(inside, "narration/a.wav") is inside
    assert store.fetch(inside, tmp_path / "scratch") == inside
    assert not (tmp_path / "scratch").exists() and not (tmp_path / "data" / "narration").exists()
    outside = _file(tmp_path / "elsewhere", "b.wav", b"def")
    assert Path(store.put(outside, "narration/b.wav")).read_bytes() == b"def"


def test_refs_inside_models_go_up_and_come_back_down(store: ArtifactStore, tmp_path: Path) -> None:
    folder = tmp_path / "render"
    video = RenderedVideo(
        path=_file(folder, "video.mp4", b"mp4"),
        duration_s=1,
        width=2,
        height=2,
        sha256="0" * 64,
        thumbnail_path=_file(folder, "thumbnail.jpg", b"jpg"),
        captions_path=None,
    )
    shared = stored(video, store, in_folder("renders/k1"))
    if store.remote:
        assert all(isinstance(r, str) and r.startswith("s3://") for r in (shared.path, shared.thumbnail_path))
        assert RenderedVideo.model_validate_json(shared.model_dump_json()) == shared  # a URI survives Prefect's JSON
    else:
        assert shared is video
    local = fetched(shared, store, tmp_path / "scratch")
    assert Path(local.path).read_bytes() == b"mp4" and Path(local.thumbnail_path).read_bytes() == b"jpg"
    assert local.captions_path is None


def test_a_local_worker_refuses_an_object_uri_by_name(tmp_path: Path) -> None:
    audio = NarrationAudio(scene_index=0, path="s3://bucket/p2v/narration/a.wav", duration_s=1, voice="v")
    assert audio.path == "s3://bucket/p2v/narration/a.wav"
    with pytest.raises(StorageError, match="P2V_STORAGE_URL is not set"):
        LocalStore(tmp_path).fetch(audio.path, tmp_path)


def test_failures_never_carry_the_secret(
    s3_server: S3Server, s3_env: dict[str, str], tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    store = S3Store("s3://no-such-bucket-p2v/x", endpoint_url=s3_server.endpoint_url, region="us-east-1")
    with pytest.raises(StorageError) as failure:
        store.put(_file(tmp_path, "a.bin", b"x"), "a.bin")
    assert "no-such-bucket-p2v" in str(failure.value)
    assert SECRET_KEY not in str(failure.value) and SECRET_KEY not in caplog.text


def test_settings_pick_the_backend_and_refuse_a_bad_url(tmp_path: Path, s3_server: S3Server) -> None:
    assert isinstance(build_store(Settings(_env_file=None, data_dir=tmp_path)), LocalStore)  # type: ignore[call-arg]
    s3 = Settings(  # type: ignore[call-arg]
        _env_file=None, data_dir=tmp_path, storage_url="s3://bucket-a/p", s3_endpoint_url=s3_server.endpoint_url
    )
    assert isinstance(build_store(s3), S3Store)
    for bad in ("http://host/bucket", "s3://", "s3://Bucket_Upper/x", "/srv/data"):
        with pytest.raises(ValueError, match="storage_url"):
            Settings(_env_file=None, storage_url=bad)  # type: ignore[call-arg]


def test_urls_that_are_not_objects_are_left_alone(store: ArtifactStore, tmp_path: Path) -> None:
    from services.models import MediaAsset

    image = _file(tmp_path / "cache", "card.png", b"png")
    asset = MediaAsset(
        scene_index=0, provider="generated", kind="image", asset_id="c", source_url=image.as_uri(), width=1, height=1
    )
    asset = asset.model_copy(update={"local_path": image})
    assert refs_in(asset) == [image]
    shared = stored(asset, store, in_folder("media"))
    assert shared.source_url == image.as_uri()
    assert fetched(shared, store, tmp_path / "scratch").source_url == image.as_uri()


def test_a_result_naming_objects_is_intact_while_they_are_in_the_bucket(s3_server: S3Server, s3_env, tmp_path: Path):
    from services.intact import still_intact

    store = S3Store(f"s3://{s3_server.create_bucket()}/p2v", endpoint_url=s3_server.endpoint_url)
    audio = NarrationAudio(
        scene_index=0, path=_file(tmp_path, "scene-00-ab.wav", b"RIFF"), duration_s=1, voice="espeak"
    )
    shared = stored(audio, store, in_folder("narration"))
    assert still_intact(shared, store)
    assert not still_intact(shared, LocalStore(tmp_path)), "a worker without the bucket cannot use it"
    store.delete(shared.path)
    assert not still_intact(shared, store)
