"""The whole flow against fake OpenAI / Pexels / Pixabay / Depositphotos servers, with injected faults."""

import json
import logging
from pathlib import Path
from urllib.parse import urlparse
from urllib.request import url2pathname

import pytest

from services.ffmpeg import probe
from services.settings import get_settings
from tests.fakes.openai_api import storyboard_json
from tests.fakes.stock_apis import ALL_KEYS, DEPOSIT_KEY, PEXELS_KEY, PIXABAY_KEY, FakeAPI, Fault, Item
from tests.fakes.youtube import FakeYouTube

SCENES = [
    ("Red foxes live in the snow. They are quiet.", "red fox snow", 2.0),
    ("A fox hunts in winter.", "fox hunting snow", 2.0),
    ("Fox cubs play in spring.", "fox cubs playing", 2.0),
]


@pytest.fixture
def providers_env(stock_env: FakeAPI, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> FakeAPI:
    """The shared fake providers, without Depositphotos, three clips and one image, three scenes queued."""
    monkeypatch.setenv("P2V_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("P2V_MEDIA_DIR", str(tmp_path / "no-media"))
    monkeypatch.delenv("DEPOSITPHOTOS_API_KEY")
    get_settings.cache_clear()
    stock_env.catalogue = [
        Item(1, "red fox snow", file="video-a.mp4"),
        Item(2, "fox snow hunting", file="video-b.mp4"),
        Item(3, "fox cubs playing", file="video-c.mp4"),
        Item(4, "red fox snow", kind="image", file="image-d.jpg"),
    ]
    stock_env.storyboards.append(storyboard_json(SCENES))
    return stock_env


def _run(tmp_path: Path):  # noqa: ANN202
    from flows.prompt_to_video import prompt_to_video
    from services.settings import get_settings

    out = get_settings().output_dir / tmp_path.name  # a run's output_dir must lie inside P2V_OUTPUT_DIR
    state = prompt_to_video(prompt="Make a video about red foxes", scenes=3, output_dir=out, return_state=True)
    publication = state.result()
    folder = Path(url2pathname(urlparse(publication.url).path)).parent
    return state.state_details.flow_run_id, folder, json.loads((folder / "metadata.json").read_text())


def _run_records(flow_run_id) -> tuple[list[str], dict[str, str]]:  # noqa: ANN001
    """Every log message and artifact the Prefect API holds for the run."""
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.filters import ArtifactFilter, ArtifactFilterFlowRunId, LogFilter, LogFilterFlowRunId
    from prefect.logging.handlers import APILogHandler

    APILogHandler().flush()
    with get_client(sync_client=True) as client:
        logs = client.read_logs(log_filter=LogFilter(flow_run_id=LogFilterFlowRunId(any_=[flow_run_id])))
        artifacts = client.read_artifacts(
            artifact_filter=ArtifactFilter(flow_run_id=ArtifactFilterFlowRunId(any_=[flow_run_id]))
        )
    return [log.message for log in logs], {a.key or "": json.dumps(a.data) for a in artifacts}


def test_the_flow_makes_a_video_from_real_providers_through_faults(
    providers_env: FakeAPI, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    providers_env.fail("pexels", Fault(429, b"{}", {"Retry-After": "0"}), Fault(500), Fault(200, b"{broken"))
    flow_run_id, folder, metadata = _run(tmp_path)

    media = [scene["media"] for scene in metadata["scenes"]]
    assert all(m["provider"] in {"pexels", "pixabay"} for m in media)
    assert len({m["source_url"] for m in media}) == 3  # no asset used twice
    assert "Media credits:" in metadata["description"] and (
        "on Pexels" in metadata["description"] or "from Pixabay" in metadata["description"]
    )
    info = probe(folder / "video.mp4")
    assert info.has_audio and info.duration_s is not None and info.duration_s >= 3 * 1.7 - 2 * 0.5
    for scene in metadata["scenes"]:  # scenes stretched to their narration (0.6 s per fake sentence)
        sentences = 2 if scene["index"] == 0 else 1
        assert scene["duration_s"] >= sentences * 0.6 + 0.6

    logs, artifacts = _run_records(flow_run_id)
    assert {"storyboard", "chosen-media", "video"} <= set(artifacts) and "media-fallbacks" not in artifacts
    recorded = "\n".join([*logs, *artifacts.values(), caplog.text, json.dumps(metadata)])
    assert not any(key in recorded for key in ALL_KEYS)


def test_scenes_whose_providers_all_fail_fall_back_and_the_run_completes(
    providers_env: FakeAPI, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    monkeypatch.setenv("PEXELS_API_KEY", "wrong-" + PEXELS_KEY)
    monkeypatch.setenv("PIXABAY_API_KEY", "wrong-" + PIXABAY_KEY)
    monkeypatch.setenv("DEPOSITPHOTOS_API_KEY", DEPOSIT_KEY)
    providers_env.fail("depositphotos", *[Fault(200, b"<html>oops</html>")] * 3)
    flow_run_id, folder, metadata = _run(tmp_path)

    assert [scene["media"]["provider"] for scene in metadata["scenes"]] == ["generated"] * 3
    assert (folder / "video.mp4").is_file()
    logs, artifacts = _run_records(flow_run_id)
    warning = artifacts["media-fallbacks"]
    assert "3 scene(s) fell back to generated visuals" in warning
    assert "pexels: HTTP 401: the API key was refused; check PEXELS_API_KEY" in warning
    assert "pixabay: HTTP 400: the API key was refused" in warning
    assert "depositphotos: HTTP 200: the answer is not valid JSON" in warning
    assert len(providers_env.requests("pexels")) == 3  # 401 is never retried: one request per scene
    recorded = "\n".join([*logs, *artifacts.values(), caplog.text])
    assert not any(key in recorded for key in ALL_KEYS)


def test_a_youtube_run_never_publishes_an_unlicensed_depositphotos_preview(
    providers_env: FakeAPI, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, fake_youtube: FakeYouTube
) -> None:
    from flows.prompt_to_video import prompt_to_video

    token_file = fake_youtube.write_token_file(tmp_path / "youtube-token.json")
    env = {"DEPOSITPHOTOS_API_KEY": DEPOSIT_KEY, "P2V_MEDIA_PROVIDERS": "depositphotos",
           "P2V_YOUTUBE_API_URL": fake_youtube.base_url, "P2V_YOUTUBE_TOKEN_URI": fake_youtube.token_uri,
           "P2V_YOUTUBE_TOKEN_FILE": str(token_file), "P2V_YOUTUBE_RETRY_BASE_S": "0.01"}  # fmt: skip
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    get_settings.cache_clear()

    prompt = "Make a video about red foxes"
    state = prompt_to_video(prompt=prompt, scenes=3, publish_target="youtube", return_state=True)

    assert state.is_completed(), state.message
    assert fake_youtube.completed_uploads == 1
    assert providers_env.requests("depositphotos"), "Depositphotos was searched and offered its previews"
    _logs, artifacts = _run_records(state.state_details.flow_run_id)
    assert "depositphotos" not in artifacts["chosen-media"] and "UNLICENSED" not in artifacts["chosen-media"]
    assert not providers_env.requests("files"), "no preview was even downloaded"
