"""Admission control: a bound on API runs in flight, global and per user, race-safe, 429 with Retry-After."""

import asyncio
import time

import httpx
import pytest
from prefect.client.orchestration import get_client
from prefect.states import Completed

from api.admission import FULL_MEMO_S
from api.rest import create_app
from services.settings import Settings
from tests.api.conftest import cancel_api_runs

ADMIN = "admission-admin-token-0123456789abcdef"
AUTH = {"Authorization": f"Bearer {ADMIN}"}
BODY = {"prompt": "Create a video about admission", "scenes": 1, "duration_s": 5}


def _app(deployment: str, **limits: int):
    return create_app(Settings(_env_file=None, api_token=ADMIN, api_deployment=deployment, **limits))


async def _post_many(app, count: int) -> list[httpx.Response]:
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://api", headers=AUTH, timeout=60) as client:
        return await asyncio.gather(*(client.post("/api/process/", json=BODY) for _ in range(count)))


@pytest.fixture(autouse=True)
def free_slots(unserved_deployment: str):
    cancel_api_runs()
    yield
    cancel_api_runs()


def test_concurrent_posts_never_take_more_than_the_last_slot(unserved_deployment: str) -> None:
    answers = asyncio.run(_post_many(_app(unserved_deployment, api_max_runs=3, api_max_runs_per_user=3), 10))

    codes = sorted(a.status_code for a in answers)
    assert codes == [202] * 3 + [429] * 7, [a.text for a in answers]
    refused = [a for a in answers if a.status_code == 429]
    assert all(int(a.headers["Retry-After"]) > 0 and "in flight" in a.json()["detail"] for a in refused)


def test_a_finished_run_frees_its_slot(unserved_deployment: str) -> None:
    app = _app(unserved_deployment, api_max_runs=1, api_max_runs_per_user=1)
    first, second = asyncio.run(_post_many(app, 1))[0], asyncio.run(_post_many(app, 1))[0]
    assert (first.status_code, second.status_code) == (202, 429)

    async def finish() -> None:
        async with get_client() as client:
            await client.set_flow_run_state(first.json()["task_id"], Completed(), force=True)

    asyncio.run(finish())
    time.sleep(FULL_MEMO_S)  # a full API refuses from memory that long before it asks Prefect again
    assert asyncio.run(_post_many(app, 1))[0].status_code == 202


def test_the_per_user_bound_leaves_room_for_others(unserved_deployment: str, api_user_token) -> None:
    app = _app(unserved_deployment, api_max_runs=10, api_max_runs_per_user=1)
    assert sorted(a.status_code for a in asyncio.run(_post_many(app, 2))) == [202, 429]

    async def as_other_user() -> httpx.Response:
        transport = httpx.ASGITransport(app=app)
        headers = {"Authorization": f"Bearer {api_user_token('bob')}"}
        async with httpx.AsyncClient(transport=transport, base_url="http://api", headers=headers) as client:
            return await client.post("/api/process/", json=BODY)

    other = asyncio.run(as_other_user())
    assert other.status_code == 202, other.text
    assert "you have 1 runs in flight" in asyncio.run(_post_many(app, 1))[0].json()["detail"]
