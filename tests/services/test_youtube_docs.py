"""The YouTube publisher does what the API docs say (against the docs-faithful fake): snippet limits in bytes,
the synthetic-media disclosure, the 2 MB thumbnail limit, token endpoint failures, missing scopes, jittered backoff.
"""

import subprocess
from pathlib import Path

import pytest

from services.exceptions import PublishError, PublishRefused
from services.ffmpeg import ffmpeg_exe
from services.publish.youtube import YouTubePublisher
from services.publish.youtube_auth import load_credentials
from services.publish.youtube_metadata import marker
from services.youtube_settings import YouTubeSettings
from tests.fakes.videos import rendered_video, timeline
from tests.fakes.youtube import FakeYouTube
from tests.fakes.youtube_docs import THUMBNAIL_MAX_BYTES, UPLOAD_SCOPE, video_resource_error


@pytest.fixture
def yt_settings(fake_youtube: FakeYouTube, tmp_path: Path) -> YouTubeSettings:
    return fake_youtube.settings(tmp_path / "token.json")


class Sleeps(list):
    def __call__(self, seconds: float) -> None:
        self.append(seconds)


def _publisher(settings: YouTubeSettings, sleeps: Sleeps | None = None) -> YouTubePublisher:
    return YouTubePublisher(settings, load_credentials(settings), sleep=sleeps if sleeps is not None else Sleeps())


@pytest.mark.parametrize(
    ("text", "chars"),
    [("星空与宇宙的故事。" * 200, 1800), ("Звёзды и космос. " * 294 + "Ко", 5000)],
    ids=["chinese-1800-chars", "russian-5000-chars"],
)
def test_the_description_fits_5000_utf8_bytes(text, chars, fake_youtube, yt_settings, tmp_path) -> None:
    assert len(text) == chars and len(text.encode("utf-8")) > 5000
    line = timeline(title="<b>" + "Очень длинное название " * 6 + "</b>")
    line = line.model_copy(update={"description": text + " <script>"})
    assert video_resource_error({"snippet": {"title": "t", "description": text}})[0] == "invalidDescription"

    publication = _publisher(yt_settings).publish(rendered_video(tmp_path / "v", size=1000), line)

    assert publication.external_id in fake_youtube.videos, "the fake took it: no invalidDescription/invalidTitle"
    [sent] = fake_youtube.received_metadata
    description, title = sent["snippet"]["description"], sent["snippet"]["title"]
    assert 4990 < len(description.encode("utf-8")) <= 5000
    assert description.startswith(text[:100]) and description.endswith(marker(publication.video_sha256))
    assert len(title) <= 100 and not {"<", ">"} & set(title + description)


@pytest.mark.parametrize(("setting", "sent"), [("auto", False), ("true", True), ("false", False)])
def test_the_synthetic_media_disclosure_is_always_sent(setting, sent, fake_youtube, yt_settings, tmp_path) -> None:
    settings = yt_settings.model_copy(update={"synthetic_media": setting})
    _publisher(settings).publish(rendered_video(tmp_path / "v", size=1000), timeline())
    assert fake_youtube.received_metadata[0]["status"]["containsSyntheticMedia"] is sent


def test_the_synthetic_media_setting_comes_from_the_environment(monkeypatch) -> None:
    monkeypatch.setenv("P2V_YOUTUBE_SYNTHETIC_MEDIA", "true")
    assert YouTubeSettings(_env_file=None).synthetic_media == "true"
    monkeypatch.setenv("P2V_YOUTUBE_SYNTHETIC_MEDIA", "maybe")
    with pytest.raises(ValueError, match="synthetic_media"):
        YouTubeSettings(_env_file=None)


def _noise_png(path: Path) -> Path:
    """A 1600x1600 PNG of noise: far over 2 MB, as a hand-made thumbnail might be."""
    source = "nullsrc=s=1600x1600,geq=random(1)*255:random(2)*255:random(3)*255"
    subprocess.run([ffmpeg_exe(), "-v", "error", "-y", "-f", "lavfi", "-i", source, "-frames:v", "1", str(path)],
                   check=True, timeout=60)  # fmt: skip
    return path


def test_a_thumbnail_over_2_mb_is_reencoded_smaller(fake_youtube, yt_settings, tmp_path) -> None:
    video = rendered_video(tmp_path / "v", size=1000)
    big = _noise_png(tmp_path / "v" / "thumbnail.png")
    assert big.stat().st_size > THUMBNAIL_MAX_BYTES
    video = video.model_copy(update={"thumbnail_path": big})

    publication = _publisher(yt_settings).publish(video, timeline())

    sent = fake_youtube.thumbnails[publication.external_id]
    assert len(sent) <= THUMBNAIL_MAX_BYTES and sent.startswith(b"\xff\xd8\xff"), "a JPEG under 2 MB"


def test_a_thumbnail_that_cannot_fit_is_skipped_with_a_warning(fake_youtube, yt_settings, tmp_path, caplog) -> None:
    video = rendered_video(tmp_path / "v", size=1000)
    video.thumbnail_path.write_bytes(b"\xff\xd8\xff" + b"not really a jpeg" * 150_000)
    publication = _publisher(yt_settings).publish(video, timeline())
    assert publication.external_id in fake_youtube.videos and fake_youtube.thumbnails == {}
    assert "not setting it" in caplog.text
    assert "thumbnails.set" not in fake_youtube.quota_calls


def test_a_busy_token_endpoint_is_retried_not_called_revoked(fake_youtube, yt_settings, tmp_path) -> None:
    fake_youtube.expire_tokens()
    fake_youtube.fail_token = [503, 429, 500]
    sleeps = Sleeps()
    publication = _publisher(yt_settings, sleeps).publish(rendered_video(tmp_path / "v", size=1000), timeline())
    assert publication.external_id in fake_youtube.videos
    assert fake_youtube.token_requests == 4 and fake_youtube.refreshes == 1
    assert sleeps == [0.01, 0.02, 0.04]


def test_a_token_endpoint_down_for_good_is_a_transient_failure(fake_youtube, yt_settings, tmp_path) -> None:
    fake_youtube.expire_tokens()
    fake_youtube.fail_token = [503] * 10
    with pytest.raises(PublishError, match="still failing after 3 retries.*HTTP 503") as info:
        _publisher(yt_settings).publish(rendered_video(tmp_path / "v", size=1000), timeline())
    assert not isinstance(info.value, PublishRefused), "Prefect may retry it later"
    assert "p2v youtube auth" not in str(info.value)


def test_a_token_without_a_needed_scope_says_so(fake_youtube, yt_settings, tmp_path) -> None:
    fake_youtube.expire_tokens()
    fake_youtube.granted_scopes = (UPLOAD_SCOPE,)  # the user unticked "View your YouTube account"
    with pytest.raises(PublishRefused, match=r"lacks a permission .*invalid_scope.*p2v youtube auth"):
        _publisher(yt_settings).publish(rendered_video(tmp_path / "v", size=1000), timeline())


def test_backoff_delays_carry_jitter(fake_youtube, yt_settings, tmp_path) -> None:
    fake_youtube.fail_api = [500, 500, 500]  # the channel lookup, three times
    sleeps = Sleeps()
    settings = yt_settings.model_copy(update={"retry_jitter": 0.5})
    _publisher(settings, sleeps).publish(rendered_video(tmp_path / "v", size=1000), timeline())
    assert len(sleeps) == 3
    for attempt, delay in enumerate(sleeps):
        assert 0.01 * 2**attempt <= delay <= 0.015 * 2**attempt
    assert [round(d / 2**i, 9) for i, d in enumerate(sleeps)] != [0.01] * 3, "not the bare exponential"
