"""The default database: no DATABASE_URL, so an embedded Postgres in the data folder, migrated on use."""

import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

import prompt_store
from prompt_store.db import make_engine
from prompt_store.exceptions import DatabaseUnavailable
from prompt_store.store import PromptStore
from services.settings import get_settings


@pytest.fixture
def embedded_default(minilm) -> Iterator[Path]:
    if os.environ.get("DATABASE_URL"):
        pytest.skip("DATABASE_URL is set: the embedded default is not used")
    data_dir = Path(tempfile.mkdtemp(prefix="p2v", dir="/tmp"))
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("P2V_DATA_DIR", str(data_dir))
        mp.setenv("P2V_EMBEDDING_MODEL", "local")
        get_settings.cache_clear()
        prompt_store.get_store.cache_clear()
        yield data_dir
        prompt_store.get_store().engine.dispose()
    get_settings.cache_clear()
    prompt_store.get_store.cache_clear()
    shutil.rmtree(data_dir, ignore_errors=True)  # the server stops when this test process exits


def test_embedded_database_is_started_and_migrated_on_first_use(embedded_default: Path) -> None:
    assert prompt_store.get_store().ensure_default_prompts() == ["storyboard.system"]
    active = prompt_store.get_store().get_active_prompt("storyboard.system")
    assert active.version == 1 and active.parameters == {"model": "gpt-4o-mini", "temperature": 0.7}
    assert (embedded_default / "pg" / "PG_VERSION").exists()
    # room for the HNSW index from the server's next start (it is not restarted under other processes)
    assert "shared_buffers = '512MB'" in (embedded_default / "pg" / "postgresql.auto.conf").read_text()


def test_unreachable_database_is_a_typed_error_without_the_password(minilm) -> None:
    engine = make_engine("postgresql://me:hunter2@127.0.0.1:1/nothing")
    with pytest.raises(DatabaseUnavailable) as info:
        PromptStore(engine, model=minilm.model).get_active_prompt("x")
    assert "hunter2" not in str(info.value)
