"""The YouTube publisher against a fake API on loopback: metadata, resumable upload, retries, refusals, secrets."""

import logging
import traceback
from pathlib import Path

import pytest

from services.exceptions import PublishError, PublishRefused
from services.publish.youtube import YouTubePublisher
from services.publish.youtube_auth import load_credentials
from services.publish.youtube_metadata import marker
from services.youtube_settings import YouTubeSettings
from tests.fakes.videos import rendered_video, timeline
from tests.fakes.youtube import FakeYouTube

CHUNK = 256 * 1024


@pytest.fixture
def yt_settings(fake_youtube: FakeYouTube, tmp_path: Path) -> YouTubeSettings:
    return fake_youtube.settings(tmp_path / "token.json")


class Sleeps(list):
    def __call__(self, seconds: float) -> None:
        self.append(seconds)


def _publisher(settings: YouTubeSettings, sleeps: Sleeps | None = None) -> YouTubePublisher:
    return YouTubePublisher(settings, load_credentials(settings), sleep=sleeps if sleeps is not None else Sleeps())


def test_upload_carries_the_storyboard_metadata_and_thumbnail(fake_youtube, yt_settings, tmp_path) -> None:
    video, line = rendered_video(tmp_path / "v"), timeline()
    publication = _publisher(yt_settings).publish(video, line)

    assert fake_youtube.completed_uploads == 1
    assert publication.external_id in fake_youtube.videos
    assert publication.url == f"https://www.youtube.com/watch?v={publication.external_id}"
    assert fake_youtube.uploaded_bytes[publication.external_id] == video.path.read_bytes()
    assert fake_youtube.thumbnails[publication.external_id] == video.thumbnail_path.read_bytes()
    assert len(fake_youtube.chunk_puts) == 4, "1 MB in 256 KiB chunks"
    [sent] = fake_youtube.received_metadata
    snippet = sent["snippet"]
    assert snippet["title"] == "Космос и звёзды: a tour"
    assert snippet["description"].startswith("A short tour of the night sky.\n\nMedia credits:\nPhoto by Ann (local)")
    assert snippet["description"].endswith("\n\n" + marker(video.sha256))
    assert snippet["tags"] == [marker(video.sha256), "night sky stars", "rocket launch"]
    assert (snippet["categoryId"], snippet["defaultLanguage"], snippet["defaultAudioLanguage"]) == ("22", "ru", "ru")
    assert sent["status"] == {
        "privacyStatus": "private",
        "selfDeclaredMadeForKids": False,
        "containsSyntheticMedia": False,
    }


def test_privacy_and_made_for_kids_follow_the_settings(fake_youtube, yt_settings, tmp_path) -> None:
    settings = yt_settings.model_copy(update={"privacy_status": "unlisted", "made_for_kids": True, "tags": ["p2v"]})
    _publisher(settings).publish(rendered_video(tmp_path / "v", size=1000), timeline())
    [sent] = fake_youtube.received_metadata
    assert sent["status"] == {
        "privacyStatus": "unlisted",
        "selfDeclaredMadeForKids": True,
        "containsSyntheticMedia": False,
    }
    assert sent["snippet"]["tags"][1] == "p2v"


def test_a_cut_connection_resumes_from_the_last_confirmed_byte(fake_youtube, yt_settings, tmp_path) -> None:
    video = rendered_video(tmp_path / "v")
    fake_youtube.cut_at = 300_000  # inside the second chunk; the fake keeps the 300 000 bytes it got
    sleeps = Sleeps()
    publication = _publisher(yt_settings, sleeps).publish(video, timeline())

    assert fake_youtube.completed_uploads == 1
    assert fake_youtube.uploaded_bytes[publication.external_id] == video.path.read_bytes()
    assert fake_youtube.resent_bytes == 0, "no byte before the confirmed offset was sent twice"
    starts = [first for first, _, _ in fake_youtube.chunk_puts]
    assert starts == [0, CHUNK, 300_000, 300_000 + CHUNK, 300_000 + 2 * CHUNK]
    assert all(first == held for first, _, held in fake_youtube.chunk_puts[2:]), "each PUT starts where the fake is"
    assert sleeps == [0.01]


def test_server_errors_are_retried_with_exponential_backoff(fake_youtube, yt_settings, tmp_path) -> None:
    fake_youtube.fail_api = [500]  # the channel lookup
    fake_youtube.fail_chunks = [500, 503]  # the first chunk, twice
    sleeps = Sleeps()
    _publisher(yt_settings, sleeps).publish(rendered_video(tmp_path / "v"), timeline())
    assert fake_youtube.completed_uploads == 1
    assert sleeps == [0.01, 0.01, 0.02]


def test_persistent_server_errors_give_up_after_the_bounded_retries(fake_youtube, yt_settings, tmp_path) -> None:
    fake_youtube.fail_chunks = [500] * 10
    sleeps = Sleeps()
    with pytest.raises(PublishError, match="still failing after 3 retries") as info:
        _publisher(yt_settings, sleeps).publish(rendered_video(tmp_path / "v"), timeline())
    assert not isinstance(info.value, PublishRefused), "a 5xx may pass: Prefect may retry the task"
    assert len(fake_youtube.chunk_puts) == 4  # 1 try + 3 retries
    assert sleeps == [0.01, 0.02, 0.04]
    assert fake_youtube.completed_uploads == 0


def test_quota_exceeded_fails_at_once_with_a_clear_error(fake_youtube, yt_settings, tmp_path) -> None:
    fake_youtube.quota_exceeded = True
    sleeps = Sleeps()
    with pytest.raises(PublishRefused, match="quota exhausted .* Not retrying"):
        _publisher(yt_settings, sleeps).publish(rendered_video(tmp_path / "v"), timeline())
    assert len(fake_youtube.requests) == 1 and sleeps == []


def test_an_expired_access_token_is_refreshed(fake_youtube, yt_settings, tmp_path) -> None:
    fake_youtube.expire_tokens()
    _publisher(yt_settings).publish(rendered_video(tmp_path / "v"), timeline())
    assert fake_youtube.refreshes == 1 and fake_youtube.completed_uploads == 1


def test_a_token_expiring_mid_upload_is_refreshed_and_the_chunk_resent(fake_youtube, yt_settings, tmp_path) -> None:
    video = rendered_video(tmp_path / "v")
    fake_youtube.expire_at = 2 * CHUNK
    publication = _publisher(yt_settings).publish(video, timeline())
    assert fake_youtube.refreshes == 1 and fake_youtube.completed_uploads == 1
    assert fake_youtube.requests.count(("PUT", "/upload/youtube/v3/videos")) == 5, "4 chunks + the one refused"
    assert fake_youtube.uploaded_bytes[publication.external_id] == video.path.read_bytes()


def test_a_revoked_refresh_token_asks_to_authorize_again(fake_youtube, yt_settings, tmp_path) -> None:
    fake_youtube.expire_tokens()
    fake_youtube.refresh_revoked = True
    with pytest.raises(PublishRefused, match=r"refused .*invalid_grant.*p2v youtube auth"):
        _publisher(yt_settings).publish(rendered_video(tmp_path / "v"), timeline())


def test_a_missing_token_file_asks_to_authorize(yt_settings, tmp_path) -> None:
    settings = yt_settings.model_copy(update={"token_file": tmp_path / "nope.json"})
    with pytest.raises(PublishRefused, match="run `p2v youtube auth` first"):
        load_credentials(settings)


def test_a_refused_thumbnail_does_not_undo_the_publication(fake_youtube, yt_settings, tmp_path, caplog) -> None:
    fake_youtube.thumbnails_forbidden = True
    publication = _publisher(yt_settings).publish(rendered_video(tmp_path / "v"), timeline())
    assert publication.external_id in fake_youtube.videos and fake_youtube.thumbnails == {}
    assert "thumbnail was not set" in caplog.text and "HTTP 403 forbidden" in caplog.text


def test_an_earlier_upload_is_adopted_instead_of_uploading_again(fake_youtube, yt_settings, tmp_path) -> None:
    video = rendered_video(tmp_path / "v")
    first = _publisher(yt_settings).publish(video, timeline())
    _publisher(yt_settings).publish(rendered_video(tmp_path / "other", seed=2), timeline())  # a newer upload
    again = _publisher(yt_settings).publish(video, timeline())
    assert again == first
    assert fake_youtube.completed_uploads == 2


def test_tokens_and_secrets_never_reach_logs_or_errors(fake_youtube, yt_settings, tmp_path, caplog) -> None:
    caplog.set_level(logging.DEBUG)
    fake_youtube.expire_tokens()
    fake_youtube.fail_chunks = [500]
    fake_youtube.cut_at = 400_000
    _publisher(yt_settings).publish(rendered_video(tmp_path / "v"), timeline())
    fake_youtube.expire_tokens()
    fake_youtube.refresh_revoked = True
    with pytest.raises(PublishRefused) as info:
        _publisher(yt_settings).publish(rendered_video(tmp_path / "w", seed=3), timeline())

    shown = caplog.text + "".join(traceback.format_exception(info.value)) + repr(info.value)
    assert fake_youtube.refreshes == 1 and "YouTube" in shown
    assert "upload_id=<redacted>" in caplog.text, "httpx logged the session URLs, redacted"
    for secret in [*fake_youtube.secrets(), *fake_youtube.sessions]:  # tokens, client secret, upload session ids
        assert secret not in shown
