"""Recognisable fake keys and OAuth tokens, used by a whole run, appear nowhere the run leaves anything behind."""

import logging
from pathlib import Path

import pytest
from sqlalchemy import text

from flows.prompt_to_video import prompt_to_video
from services.settings import get_settings
from tests.fakes.openai_api import storyboard_json
from tests.fakes.stock_apis import ALL_KEYS, FakeAPI
from tests.fakes.youtube import CLIENT_SECRET, REFRESH_TOKEN, FakeYouTube
from tests.faults.conftest import files_under, run_records

API_TOKEN = "p2v-api-TOKEN-SECRET-0123456789-abcdef"
PROMPT = "Make a video about red foxes (secrets-marker-7f3a)"
SCENES = [("Red foxes live in the snow.", "red fox snow", 2.0), ("A fox hunts in winter.", "fox hunting snow", 2.0)]


def _database_rows() -> tuple[int, list[str]]:
    """Every row of every table in the prompt store database, as text; and how many tables were read."""
    from prompt_store.db import get_engine

    with get_engine().connect() as conn:
        tables = list(
            conn.execute(
                text(
                    "SELECT quote_ident(table_schema) || '.' || quote_ident(table_name) FROM information_schema.tables "
                    "WHERE table_type = 'BASE TABLE' AND table_schema NOT IN ('pg_catalog', 'information_schema')"
                )
            ).scalars()
        )
        rows = [row for table in tables for row in conn.execute(text(f"SELECT t::text FROM {table} t")).scalars()]
    return len(tables), rows


def test_no_key_or_token_is_left_in_logs_artifacts_runs_rows_or_files(
    stock_env: FakeAPI,
    fake_youtube: FakeYouTube,
    short_dir: Path,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG)
    data, out = short_dir / "d", short_dir / "out"
    token_file = fake_youtube.write_token_file(short_dir / "youtube-token.json")
    env = {"P2V_DATA_DIR": str(data), "P2V_OUTPUT_DIR": str(out), "P2V_API_TOKEN": API_TOKEN,
           "P2V_YOUTUBE_API_URL": fake_youtube.base_url, "P2V_YOUTUBE_TOKEN_URI": fake_youtube.token_uri,
           "P2V_YOUTUBE_TOKEN_FILE": str(token_file), "P2V_YOUTUBE_RETRY_BASE_S": "0.01"}  # fmt: skip
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    get_settings.cache_clear()
    fake_youtube.expire_tokens()  # the upload must refresh: the refresh token and client secret are used too
    stock_env.storyboards.append(storyboard_json(SCENES))

    state = prompt_to_video(prompt=PROMPT, scenes=2, duration_s=5, publish_target="youtube", return_state=True)

    assert state.is_completed(), state.message
    assert fake_youtube.completed_uploads == 1
    assert stock_env.requests("chat") and stock_env.requests("speech") and stock_env.requests("pexels")
    secrets = [*ALL_KEYS, API_TOKEN, REFRESH_TOKEN, CLIENT_SECRET, *fake_youtube.issued_tokens]
    assert len(fake_youtube.issued_tokens) >= 2, "the expired access token was refreshed"

    records = run_records(state.state_details.flow_run_id)
    table_count, rows = _database_rows()
    files = files_under(data, out)
    texts = {
        **{f"{kind}[{i}]": line for kind, lines in records.items() for i, line in enumerate(lines)},
        **{f"row[{i}]": row for i, row in enumerate(rows)},
        **{f"caplog[{i}]": r.getMessage() for i, r in enumerate(caplog.records)},
        "caplog-text": caplog.text,
    }
    leaks = [where for where, value in texts.items() for secret in secrets if secret in value]
    leaks += [str(f) for f in files for secret in secrets if secret.encode() in f.read_bytes()]
    assert leaks == []

    # the search saw the run's traces, so it cannot pass on empty inputs
    assert len(records["logs"]) >= 10 and len(records["artifacts"]) >= 3 and len(records["task_runs"]) >= 8
    assert table_count >= 4 and len(rows) >= 5 and any("secrets-marker-7f3a" in row for row in rows)
    assert PROMPT in records["flow_run"][0]
    assert len(files) >= 10 and any(f.name == "video.mp4" for f in files) and any("pg" in f.parts for f in files)
    assert len(caplog.records) >= 10
