"""YouTube drills against the docs-faithful fake and the real Postgres ledger: each fault ends in exactly ONE video.

Each drill also checks the quota one publish costs by the docs' table (tests/fakes/youtube_docs.py): channels.list 1
+ playlistItems.list 1 (the marker scan, done once when no session is saved) + videos.insert 1600 + thumbnails.set
50 = 1652 units; an expired session costs one more videos.insert.
"""

import json
import os
import signal
import subprocess
import sys
import time
import zlib
from pathlib import Path

import pytest
from sqlalchemy import Engine

from prompt_store.publications import PostgresLedger
from services.exceptions import PublishError
from services.models import Publication, RenderedVideo
from services.publish import publish
from services.settings import Settings
from tests.fakes.videos import rendered_video, timeline
from tests.fakes.youtube import FakeYouTube

ONE_PUBLISH_UNITS = 1600 + 50 + 1 + 1
ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def ledger(engine: Engine) -> PostgresLedger:
    return PostgresLedger(engine)


@pytest.fixture
def yt(fake_youtube: FakeYouTube, tmp_path: Path) -> Settings:
    return Settings(_env_file=None, youtube=fake_youtube.settings(tmp_path / "token.json"))


@pytest.fixture
def video(tmp_path: Path, request: pytest.FixtureRequest) -> RenderedVideo:
    # A distinct video per test: the module's database is shared by its tests.
    return rendered_video(tmp_path / "v", size=1_000_000, seed=zlib.crc32(request.node.name.encode()))


def _publish(video: RenderedVideo, settings: Settings, ledger: PostgresLedger) -> Publication:
    return publish(video, timeline(), target="youtube", settings=settings, ledger=lambda: ledger)


def _exactly_one(fake: FakeYouTube, video: RenderedVideo, publication: Publication, ledger: PostgresLedger) -> None:
    assert fake.completed_uploads == 1 and list(fake.videos) == [publication.external_id]
    assert fake.uploaded_bytes[publication.external_id] == video.path.read_bytes()
    assert ledger.find("youtube", video.sha256) == publication
    assert ledger.session("youtube", video.sha256) is None, "the session URI does not outlive the record"


DRILLS = {
    "503 mid-chunk": lambda fake: setattr(fake, "fail_mid_chunk", (503, 300_000)),
    "dropped connection mid-chunk": lambda fake: setattr(fake, "cut_at", 400_000),
    "short Range": lambda fake: setattr(fake, "short_ack", 100_000),
    "lost final response": lambda fake: setattr(fake, "cut_after_complete", True),
}


@pytest.mark.parametrize("drill", list(DRILLS))
def test_a_fault_during_the_upload_ends_in_one_video(drill, fake_youtube, yt, ledger, video) -> None:
    DRILLS[drill](fake_youtube)
    publication = _publish(video, yt, ledger)
    _exactly_one(fake_youtube, video, publication, ledger)
    assert fake_youtube.quota_calls.count("videos.insert") == 1
    assert fake_youtube.quota_used == ONE_PUBLISH_UNITS
    assert fake_youtube.resent_bytes == 0, "no acknowledged byte was sent twice"


@pytest.mark.parametrize("status", [404, 410])
def test_an_expired_session_is_replaced_by_a_new_one(status, fake_youtube, yt, ledger, video) -> None:
    fake_youtube.expire_after, fake_youtube.expired_status = 2, status  # after 2 chunks the session is gone
    publication = _publish(video, yt, ledger)
    _exactly_one(fake_youtube, video, publication, ledger)
    assert fake_youtube.quota_calls.count("videos.insert") == 2
    assert fake_youtube.quota_used == ONE_PUBLISH_UNITS + 1600


def test_sessions_are_replaced_a_bounded_number_of_times(fake_youtube, yt, ledger, video) -> None:
    fake_youtube.expire_after = 1
    settings = yt.model_copy(update={"youtube": yt.youtube.model_copy(update={"max_sessions": 1})})
    with pytest.raises(PublishError, match="expired 1 upload sessions"):
        _publish(video, settings, ledger)
    assert fake_youtube.completed_uploads == 0 and ledger.session("youtube", video.sha256) is None


def test_a_rerun_resumes_the_saved_session_instead_of_starting_over(fake_youtube, yt, ledger, video) -> None:
    fake_youtube.fail_mid_chunk = (503, 600_000)  # the third chunk: 600 000 bytes are held, then a 503
    impatient = yt.model_copy(update={"youtube": yt.youtube.model_copy(update={"max_retries": 0})})
    with pytest.raises(PublishError, match="still failing after 0 retries"):
        _publish(video, impatient, ledger)
    saved = ledger.session("youtube", video.sha256)
    assert saved is not None and saved.acknowledged == 2 * 256 * 1024, "the last acknowledged offset is saved"

    publication = _publish(video, yt, ledger)
    _exactly_one(fake_youtube, video, publication, ledger)
    assert fake_youtube.quota_calls.count("videos.insert") == 1, "the rerun continued the saved session"
    assert fake_youtube.resent_bytes == 0


def _child(db_url: str, settings: Settings, video: RenderedVideo) -> subprocess.Popen:
    args = {"db": db_url, "youtube": settings.youtube.model_dump(mode="json"), "video": video.model_dump(mode="json")}
    return subprocess.Popen(
        [sys.executable, "-m", "tests.tasks.youtube_child", json.dumps(args)],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def test_sigkill_after_the_upload_with_a_lagging_uploads_list(fake_youtube, yt, ledger, video, blank_url) -> None:
    fake_youtube.uploads_list_lags = True  # the marker scan cannot see the new video
    children: list[subprocess.Popen] = []
    fake_youtube.on_complete = lambda: os.kill(children[0].pid, signal.SIGKILL)  # before it hears of its video
    children.append(_child(blank_url, yt, video))
    assert children[0].wait(timeout=120) == -signal.SIGKILL
    assert fake_youtube.completed_uploads == 1 and ledger.find("youtube", video.sha256) is None
    assert ledger.session("youtube", video.sha256) is not None, "the session was saved before the bytes were sent"

    fake_youtube.on_complete = None
    publication = _publish(video, yt, ledger)  # the rerun
    _exactly_one(fake_youtube, video, publication, ledger)
    assert fake_youtube.quota_used == ONE_PUBLISH_UNITS, "the rerun asked the session: no second insert, no scan"


def test_three_concurrent_publisher_processes_upload_once(fake_youtube, yt, ledger, video, blank_url) -> None:
    fake_youtube.on_complete = lambda: time.sleep(2)  # keep the winner busy while the others queue on the claim
    children = [_child(blank_url, yt, video) for _ in range(3)]
    outputs = [child.communicate(timeout=180) for child in children]
    assert [child.returncode for child in children] == [0, 0, 0], [err[-2000:] for _, err in outputs]
    publications = [Publication.model_validate_json(out.strip().splitlines()[-1]) for out, _ in outputs]
    publication = publications[0]
    assert publications == [publication] * 3
    _exactly_one(fake_youtube, video, publication, ledger)
    assert fake_youtube.quota_used == ONE_PUBLISH_UNITS
