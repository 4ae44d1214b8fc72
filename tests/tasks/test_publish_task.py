"""The publish task: the YouTube token may come from a Prefect Secret block; the ledger makes it run once."""

from pathlib import Path

import pytest
from prefect.blocks.system import Secret

from services.settings import get_settings
from tasks.publish import publish_video
from tests.fakes.videos import rendered_video, timeline
from tests.fakes.youtube import FakeYouTube

pytestmark = pytest.mark.usefixtures("prefect_harness")


def test_the_token_can_come_from_a_secret_block(
    settings, fake_youtube: FakeYouTube, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog
) -> None:
    Secret(value=fake_youtube.token_info()).save("p2v-youtube-token-test", overwrite=True)
    env = {"API_URL": fake_youtube.base_url, "TOKEN_URI": fake_youtube.token_uri,
           "TOKEN_FILE": str(tmp_path / "absent.json"), "TOKEN_BLOCK": "p2v-youtube-token-test"}  # fmt: skip
    for key, value in env.items():
        monkeypatch.setenv(f"P2V_YOUTUBE_{key}", value)
    get_settings.cache_clear()
    video = rendered_video(tmp_path / "v", size=300_000, seed=77)

    first = publish_video(video, timeline(), target="youtube")
    again = publish_video(video, timeline(), target="youtube")

    assert first == again and fake_youtube.completed_uploads == 1
    assert fake_youtube.refreshes == 1, "the block's token had no access token: it was refreshed once"
    for secret in fake_youtube.secrets():
        assert secret not in caplog.text
