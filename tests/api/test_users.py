"""API users: tokens printed once and stored hashed, list without tokens, revoke and rotate, own runs only."""

import asyncio
import hashlib
from uuid import UUID

import pytest
from fastapi.testclient import TestClient
from prefect.client.orchestration import get_client
from prefect.client.schemas.objects import StateType
from prefect.states import Failed
from sqlalchemy import select
from typer.testing import CliRunner

from api.cli import app as p2v
from api.rest import create_app
from api.run_status import decisive_failure, scrub
from prompt_store.models import User
from prompt_store.users import get_user_tokens
from services.settings import Settings

ADMIN = "users-admin-token-0123456789abcdefgh"


@pytest.fixture(scope="module")
def client(unserved_deployment: str) -> TestClient:
    return TestClient(create_app(Settings(_env_file=None, api_token=ADMIN, api_deployment=unserved_deployment)))


def _cli(*args: str) -> str:
    result = CliRunner().invoke(p2v, list(args))
    assert result.exit_code == 0, result.output
    return result.output


def _status(client: TestClient, token: str) -> int:
    return client.get(f"/api/tasks/{UUID(int=11)}/", headers={"Authorization": f"Bearer {token}"}).status_code


def test_add_prints_the_token_once_and_stores_only_its_hash(client: TestClient) -> None:
    token = _cli("users", "add", "carol").strip().splitlines()[-1]
    assert len(token) >= 32
    with get_user_tokens().session() as s:
        row = s.scalars(select(User).where(User.username == "carol")).one()
    assert row.token_sha256 == hashlib.sha256(token.encode()).hexdigest() != token
    listed = _cli("users", "list") + _cli("users", "list", "--json")
    assert "carol" in listed and token not in listed and row.token_sha256 not in listed
    assert _status(client, token) == 404  # authenticated: an unknown run is 404, not 401
    refused = CliRunner().invoke(p2v, ["users", "add", "carol"])
    assert refused.exit_code == 1 and "rotate" in refused.output and token not in refused.output


def test_rotate_and_revoke_take_effect_at_once(client: TestClient) -> None:
    old = _cli("users", "add", "dave").strip().splitlines()[-1]
    new = _cli("users", "rotate", "dave").strip().splitlines()[-1]
    assert new != old and (_status(client, old), _status(client, new)) == (401, 404)
    _cli("users", "revoke", "dave")
    assert _status(client, new) == 401
    assert "none" in _cli("users", "list")
    assert CliRunner().invoke(p2v, ["users", "add", "Bad Name!"]).exit_code == 1


def test_a_user_sees_only_their_own_runs(client: TestClient, api_user_token) -> None:
    erin = {"Authorization": f"Bearer {api_user_token('erin')}"}
    admin = {"Authorization": f"Bearer {ADMIN}"}
    task_id = client.post("/api/process/", json={"prompt": "Erin's video", "scenes": 1}, headers=erin).json()["task_id"]
    assert client.get(f"/api/tasks/{task_id}/", headers=erin).json()["state"] == "SCHEDULED"
    assert client.get(f"/api/tasks/{task_id}/", headers=admin).status_code == 404
    assert client.get(f"/api/videos/{task_id}", headers=admin).status_code == 404

    async def outside_run() -> str:  # started on Prefect directly, not through the API
        async with get_client() as prefect:
            flow_id = await prefect.create_flow_from_name("prompt-to-video")
            run = await prefect.create_flow_run_from_deployment(
                (await prefect.read_deployment_by_name("prompt-to-video/unserved")).id,
                state=Failed(message="connect to postgresql://app:hunter2@db/x failed"),
            )
            assert run.flow_id == flow_id
            return str(run.id)

    other = asyncio.run(outside_run())
    assert client.get(f"/api/tasks/{other}/", headers=admin).status_code == 404
    assert client.get(f"/api/tasks/{other}/", headers=erin).status_code == 404


def test_the_error_shown_has_no_host_paths_or_secrets() -> None:
    message = "OSError: [Errno 20] Not a directory: '/srv/p2v/out/users/x/video.mp4' at postgresql://u:hunter2@db/x"
    shown = scrub(message + " token=abc123def", ["hunter2"])
    assert "Not a directory" in shown and "'video.mp4'" in shown
    assert "/srv" not in shown and "hunter2" not in shown and "abc123def" not in shown


def test_failed_step_is_the_task_that_failed_the_run() -> None:
    from prefect.client.schemas.objects import TaskRun

    def failed(name: str, message: str, minute: int) -> TaskRun:
        from datetime import UTC, datetime

        run = TaskRun(name=name, task_key=name, dynamic_key="0", flow_run_id=UUID(int=1))
        run.state = Failed(message=message)
        run.end_time = datetime(2026, 1, 1, 0, minute, tzinfo=UTC)
        return run

    tolerated = failed("search-media-0", "Task run encountered an exception ProviderError: pexels 500", 5)
    fatal = failed("publish_video-1", "Task run encountered an exception OSError: disk full", 3)
    flow_message = "Flow run encountered an exception: OSError: disk full"
    assert decisive_failure(flow_message, [fatal, tolerated]) is fatal
    assert decisive_failure("Flow run encountered an exception: KeyError: 'x'", [fatal, tolerated]) is None
    assert StateType.FAILED == fatal.state.type
