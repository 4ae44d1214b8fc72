from pathlib import Path
from types import SimpleNamespace

from prefect.cache_policies import CacheKeyFnPolicy
from prefect.client.schemas.objects import State
from prefect.filesystems import LocalFileSystem
from prefect.results import ResultStore

from services.compose.render import file_sha256
from services.exceptions import InvalidRequest, MediaError
from services.models import RenderedVideo
from services.settings import Settings
from tasks.resume import IntactInputs, retry_unless_permanent, settings_fingerprint

BASE = CacheKeyFnPolicy(cache_key_fn=lambda ctx, inputs: "k")


def _context(tmp_path: Path) -> SimpleNamespace:
    return SimpleNamespace(result_store=ResultStore(result_storage=LocalFileSystem(basepath=str(tmp_path / "results"))))


def _render(folder: Path, content: bytes) -> RenderedVideo:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "video.mp4").write_bytes(content)
    (folder / "thumbnail.jpg").write_bytes(b"jpg")
    return RenderedVideo(
        path=folder / "video.mp4",
        duration_s=1,
        width=2,
        height=2,
        sha256=file_sha256(folder / "video.mp4"),
        thumbnail_path=folder / "thumbnail.jpg",
    )


def test_key_moves_on_past_records_whose_files_are_gone_and_comes_back_when_restored(tmp_path: Path) -> None:
    policy, ctx = IntactInputs(base=BASE), _context(tmp_path)
    key = lambda: policy.compute_key(task_ctx=ctx, inputs={}, flow_parameters={})  # noqa: E731
    assert key() == "k"  # nothing stored yet: compute and store under the base key
    first = _render(tmp_path / "render", b"first")
    ctx.result_store.write(first, key="k")
    assert key() == "k"  # intact: a hit
    first.path.unlink()
    assert key() == "k-1"  # gone: the next generation is computed
    second = _render(tmp_path / "render", b"second render, other bytes")
    ctx.result_store.write(second, key="k-1")
    assert key() == "k-1"  # the old record's checksum no longer matches the file at its path
    assert ctx.result_store.read(key()).result == second


def test_only_transient_errors_are_retried() -> None:
    assert retry_unless_permanent(None, None, State(type="FAILED", data=MediaError("download reset")))
    assert not retry_unless_permanent(None, None, State(type="FAILED", data=NotADirectoryError("out")))
    assert not retry_unless_permanent(None, None, State(type="FAILED", data=InvalidRequest("prompt", "empty")))


def test_settings_fingerprint_tells_whether_a_key_is_set_never_its_value() -> None:
    without = settings_fingerprint(Settings(_env_file=None))
    with_key = settings_fingerprint(Settings(_env_file=None, pexels_api_key="secret-value"))
    assert without["pexels_api_key"] is False and with_key["pexels_api_key"] is True
    assert "secret-value" not in repr(with_key) and without != with_key
    assert "output_dir" not in without  # where videos are published does not change what is made
