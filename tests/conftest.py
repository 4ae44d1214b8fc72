"""Test-wide isolation: a private Prefect home, data and output folders; no network, no analytics."""

import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from services.settings import Settings, get_settings
from tests.fakes.stock_apis import DEPOSIT_KEY, OPENAI_KEY, PEXELS_KEY, PIXABAY_KEY, FakeAPI, Item, make_media

_ROOT = Path(tempfile.mkdtemp(prefix="p2vt", dir="/tmp"))
os.environ.update(
    PREFECT_HOME=str(_ROOT / "prefect"),
    PREFECT_SERVER_ANALYTICS_ENABLED="false",
    PREFECT_API_URL="",
    P2V_DATA_DIR=str(_ROOT / "d"),
    P2V_OUTPUT_DIR=str(_ROOT / "output"),
    P2V_MEDIA_DIR=str(_ROOT / "media"),
    P2V_RESPONSE_CACHE_TTL_S="0",  # flow tests share one data dir but change the fake catalogue; cache tests opt in
)
for key in ("OPENAI_API_KEY", "PEXELS_API_KEY", "PIXABAY_API_KEY", "DEPOSITPHOTOS_API_KEY"):
    os.environ.pop(key, None)


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    shutil.rmtree(_ROOT, ignore_errors=True)


@pytest.fixture(scope="session")
def prefect_harness() -> Iterator[None]:
    """One temporary Prefect server (SQLite) for every test that runs a flow."""
    from prefect.testing.utilities import prefect_test_harness

    with prefect_test_harness(server_startup_timeout=120):
        yield


@pytest.fixture
def settings(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    """Fresh Settings pointing at this test's own folders."""
    from services.settings import get_settings

    monkeypatch.setenv("P2V_OUTPUT_DIR", str(tmp_path / "output"))
    monkeypatch.setenv("P2V_MEDIA_DIR", str(tmp_path / "media"))
    get_settings.cache_clear()
    yield get_settings()
    get_settings.cache_clear()


@pytest.fixture(scope="session")
def fake_media(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_media(tmp_path_factory.mktemp("fake-media"))


@pytest.fixture(scope="session")
def fake_server(fake_media: Path) -> Iterator[FakeAPI]:
    api = FakeAPI(fake_media)
    yield api
    api.close()


@pytest.fixture
def fake_api(fake_server: FakeAPI) -> Iterator[FakeAPI]:
    """The session's fake server, with faults, catalogue and request log reset for each test."""
    fake_server.reset()
    fake_server.catalogue = []
    yield fake_server
    fake_server.reset()


@pytest.fixture
def stock_env(prefect_harness: None, fake_api: FakeAPI, monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeAPI]:
    """Every external service (OpenAI chat + TTS, Pexels, Pixabay, Depositphotos) aimed at the fake, fast retries."""
    env = {
        "OPENAI_API_KEY": OPENAI_KEY,
        "OPENAI_BASE_URL": f"{fake_api.url}/v1",
        "PEXELS_API_KEY": PEXELS_KEY,
        "PIXABAY_API_KEY": PIXABAY_KEY,
        "DEPOSITPHOTOS_API_KEY": DEPOSIT_KEY,
        "P2V_PEXELS_BASE_URL": f"{fake_api.url}/pexels",
        "P2V_PIXABAY_BASE_URL": f"{fake_api.url}/pixabay",
        "P2V_DEPOSITPHOTOS_BASE_URL": f"{fake_api.url}/depositphotos",
        "P2V_MEDIA_PROVIDERS": "pexels,pixabay,depositphotos,local",
        "P2V_HTTP_BACKOFF_S": "0.01",
        "P2V_HTTP_ATTEMPTS": "3",
        "P2V_EMBEDDER": "keywords",
        "P2V_X264_PRESET": "ultrafast",
        "P2V_IMAGE_GENERATION": "never",  # stock tests stay about stock; tests/flows/test_images_flow.py draws
    }
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    get_settings.cache_clear()
    fake_api.catalogue = [
        Item(1, "red fox snow", file="video-a.mp4"),
        Item(2, "fox snow hunting", file="video-b.mp4"),
        Item(3, "fox cubs playing", kind="image", file="image-c.jpg"),
    ]
    yield fake_api
    get_settings.cache_clear()


def fake_settings(api: FakeAPI, data_dir: Path, **overrides: object) -> Settings:
    """Settings pointing every provider at the fake server, with fast retries."""
    values: dict[str, object] = {
        "data_dir": data_dir,
        "media_dir": data_dir / "no-local-media",
        "OPENAI_API_KEY": OPENAI_KEY,
        "OPENAI_BASE_URL": f"{api.url}/v1",
        "PEXELS_API_KEY": PEXELS_KEY,
        "PIXABAY_API_KEY": PIXABAY_KEY,
        "DEPOSITPHOTOS_API_KEY": DEPOSIT_KEY,
        "pexels_base_url": f"{api.url}/pexels",
        "pixabay_base_url": f"{api.url}/pixabay",
        "depositphotos_base_url": f"{api.url}/depositphotos",
        "http_backoff_s": 0.01,
        "http_timeout_s": 2.0,
        "embedder": "keywords",
    }
    values.update(overrides)
    return Settings(_env_file=None, **values)  # type: ignore[arg-type]


@pytest.fixture
def fake_youtube():
    """A fresh fake YouTube API + OAuth server on loopback (tests/fakes/youtube.py)."""
    from tests.fakes.youtube import serve_fake_youtube

    with serve_fake_youtube() as fake:
        yield fake
