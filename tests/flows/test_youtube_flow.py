"""The whole flow publishing to (a fake) YouTube: task retries and reruns upload once; refusals are not retried."""

from pathlib import Path

import pytest

from flows.prompt_to_video import prompt_to_video
from services.settings import get_settings
from tests.fakes.youtube import FakeYouTube

pytestmark = pytest.mark.usefixtures("prefect_harness")
PARAMS = {"prompt": "Create a video about AI", "scenes": 2, "duration_s": 6, "publish_target": "youtube"}


@pytest.fixture
def youtube_env(settings, fake_youtube: FakeYouTube, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> FakeYouTube:
    token_file = fake_youtube.write_token_file(tmp_path / "token.json")
    env = {"API_URL": fake_youtube.base_url, "TOKEN_URI": fake_youtube.token_uri, "TOKEN_FILE": str(token_file),
           "CHUNK_SIZE": str(256 * 1024), "RETRY_BASE_S": "0.01", "MAX_RETRIES": "2"}  # fmt: skip
    for key, value in env.items():
        monkeypatch.setenv(f"P2V_YOUTUBE_{key}", value)
    get_settings.cache_clear()
    return fake_youtube


def test_a_task_retry_and_a_rerun_upload_the_video_once(youtube_env: FakeYouTube) -> None:
    youtube_env.fail_chunks = [500] * 3  # the first task try gives up; Prefect retries the task
    first = prompt_to_video(**PARAMS)
    second = prompt_to_video(**PARAMS)

    assert first == second and first.target == "youtube"
    assert youtube_env.completed_uploads == 1
    assert youtube_env.requests.count(("POST", "/upload/youtube/v3/videos")) == 1, "the retry resumed the session"
    [video] = youtube_env.videos.values()
    assert video["id"] == first.external_id
    assert video["snippet"]["title"] == "AI"
    assert video["status"] == {
        "privacyStatus": "private",
        "selfDeclaredMadeForKids": False,
        "containsSyntheticMedia": False,
    }
    assert first.external_id in youtube_env.thumbnails


def test_an_exhausted_quota_fails_the_run_without_retrying(youtube_env: FakeYouTube) -> None:
    youtube_env.quota_exceeded = True
    state = prompt_to_video(**{**PARAMS, "prompt": "Create a video about rivers"}, return_state=True)
    assert state.is_failed()
    assert len(youtube_env.requests) == 1, "neither the publisher nor Prefect retried a refusal"
    assert youtube_env.completed_uploads == 0
