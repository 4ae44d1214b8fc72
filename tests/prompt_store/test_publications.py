"""Never twice: the Postgres ledger + the YouTube publisher (against the fake) under reruns, retries, crashes."""

import threading
import zlib
from contextlib import AbstractContextManager
from pathlib import Path

import psycopg
import pytest
from sqlalchemy import Engine, text
from sqlalchemy.exc import IntegrityError

from prompt_store.publications import PostgresLedger
from services.exceptions import PublishError
from services.models import Publication, RenderedVideo
from services.publish import publish
from services.publish.ledger import UploadSession
from services.settings import Settings
from tests.fakes.videos import rendered_video, timeline
from tests.fakes.youtube import FakeYouTube


@pytest.fixture
def ledger(engine: Engine) -> PostgresLedger:
    return PostgresLedger(engine)


@pytest.fixture
def yt(fake_youtube: FakeYouTube, tmp_path: Path) -> Settings:
    return Settings(_env_file=None, youtube=fake_youtube.settings(tmp_path / "token.json"))


@pytest.fixture
def video(tmp_path: Path, request: pytest.FixtureRequest) -> RenderedVideo:
    # A distinct video per test: the module's database is shared by its tests.
    return rendered_video(tmp_path / "v", size=600_000, seed=zlib.crc32(request.node.name.encode()))


def _publish(video: RenderedVideo, settings: Settings, ledger) -> Publication:
    return publish(video, timeline(), target="youtube", settings=settings, ledger=lambda: ledger)


def test_the_first_record_wins_and_the_pair_is_unique(ledger: PostgresLedger, engine: Engine) -> None:
    sha = "c0" * 32
    first = ledger.record(Publication(target="youtube", external_id="A", url="https://y/A", video_sha256=sha))
    second = ledger.record(Publication(target="youtube", external_id="B", url="https://y/B", video_sha256=sha))
    assert second == first and ledger.find("youtube", sha) == first
    assert ledger.find("local", sha) is None
    with pytest.raises(IntegrityError), engine.begin() as conn:
        conn.execute(
            text("INSERT INTO publications (target, video_sha256, external_id, url) VALUES ('youtube', :s, 'C', 'u')"),
            {"s": sha},
        )


def test_reruns_and_retries_of_one_video_upload_it_once(fake_youtube, yt, ledger, video) -> None:
    fake_youtube.fail_chunks = [500] * 4  # the first attempt exhausts its retries, as a Prefect task try would
    with pytest.raises(PublishError, match="still failing"):
        _publish(video, yt, ledger)
    results = [_publish(video, yt, ledger)]  # the task's retry
    calls = len(fake_youtube.requests)
    results += [_publish(video, yt, ledger) for _ in range(2)]  # two flow reruns

    assert fake_youtube.completed_uploads == 1
    assert results[0] == results[1] == results[2] == ledger.find("youtube", video.sha256)
    assert fake_youtube.requests.count(("POST", "/upload/youtube/v3/videos")) == 1, "the retry resumed the session"
    assert len(fake_youtube.requests) == calls, "reruns after the record make no API call"


class CrashAfterUpload:
    """The real ledger, except that the first `record` dies, as if the process crashed right after the upload."""

    def __init__(self, inner: PostgresLedger) -> None:
        self.inner = inner
        self.crashed = False

    def find(self, target: str, video_sha256: str) -> Publication | None:
        return self.inner.find(target, video_sha256)

    def record(self, publication: Publication) -> Publication:
        if not self.crashed:
            self.crashed = True
            raise RuntimeError("killed between the upload and the record")
        return self.inner.record(publication)

    def hold(self, target: str, video_sha256: str) -> AbstractContextManager[None]:
        return self.inner.hold(target, video_sha256)

    def session(self, target: str, video_sha256: str) -> UploadSession | None:
        return self.inner.session(target, video_sha256)

    def save_session(self, target: str, video_sha256: str, session: UploadSession) -> None:
        self.inner.save_session(target, video_sha256, session)

    def drop_session(self, target: str, video_sha256: str) -> None:
        self.inner.drop_session(target, video_sha256)


def test_a_crash_between_upload_and_record_is_healed_by_adopting_the_upload(fake_youtube, yt, ledger, video) -> None:
    with pytest.raises(RuntimeError, match="killed"):
        _publish(video, yt, CrashAfterUpload(ledger))
    assert fake_youtube.completed_uploads == 1 and ledger.find("youtube", video.sha256) is None

    adopted = _publish(video, yt, ledger)
    assert fake_youtube.completed_uploads == 1
    assert adopted.external_id in fake_youtube.videos
    assert ledger.find("youtube", video.sha256) == adopted


def test_concurrent_publishers_of_one_video_upload_once(fake_youtube, yt, engine, video) -> None:
    start = threading.Barrier(3)
    results: list[Publication] = []

    def run() -> None:
        start.wait()
        results.append(_publish(video, yt, PostgresLedger(engine)))

    threads = [threading.Thread(target=run) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert len(results) == 3 and results[0] == results[1] == results[2]
    assert fake_youtube.completed_uploads == 1


def test_a_claim_held_too_long_fails_clearly(engine: Engine) -> None:
    holder, waiter = PostgresLedger(engine), PostgresLedger(engine, claim_timeout_s=0.2)
    with holder.hold("youtube", "d1" * 32):
        with pytest.raises(PublishError, match="another run has been publishing"):
            with waiter.hold("youtube", "d1" * 32):
                pass
    with waiter.hold("youtube", "d1" * 32):  # released: free again
        pass


def test_rows_hold_no_secret(fake_youtube, yt, ledger, video, blank_url: str) -> None:
    _publish(video, yt, ledger)
    dsn = blank_url.replace("postgresql+psycopg://", "postgresql://")
    with psycopg.connect(dsn) as conn:
        rows = str(conn.execute("SELECT * FROM publications").fetchall())
    assert video.sha256 in rows
    for secret in fake_youtube.secrets():
        assert secret not in rows
