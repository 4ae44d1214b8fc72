"""The REST API under abuse: auth before the body, capped bodies, no echo, strict input, 503s, no redirects."""

import asyncio
import json
from uuid import UUID

import httpx
import pytest
from fastapi.testclient import TestClient
from prefect.client.orchestration import get_client
from prefect.settings import PREFECT_API_URL, temporary_settings

from api.rest import create_app
from services.settings import Settings
from tests.api.conftest import cancel_api_runs

ADMIN = "boundary-admin-token-0123456789abcdef"
AUTH = {"Authorization": f"Bearer {ADMIN}", "Content-Type": "application/json"}


@pytest.fixture(scope="module")
def client(unserved_deployment: str) -> TestClient:
    return TestClient(create_app(Settings(_env_file=None, api_token=ADMIN, api_deployment=unserved_deployment)))


def _runs() -> int:
    async def count() -> int:
        async with get_client() as prefect:
            return await prefect.count_flow_runs()

    return asyncio.run(count())


def test_a_short_admin_token_is_refused_and_none_is_fine() -> None:
    with pytest.raises(RuntimeError, match="shorter than 32"):
        create_app(Settings(_env_file=None, api_token="short-token-0123456789"))
    create_app(Settings(_env_file=None, api_token=None))  # user tokens only


@pytest.mark.parametrize("body", [b"{not json", b"x" * 200_000])
def test_no_token_is_401_whatever_the_body(client: TestClient, body: bytes) -> None:
    answer = client.post("/api/process/", content=body, headers={"Content-Type": "application/json"})
    assert answer.status_code == 401 and answer.headers["WWW-Authenticate"] == "Bearer"


def test_bodies_past_the_cap_get_413_declared_or_streamed(client: TestClient) -> None:
    before = _runs()
    big = json.dumps({"prompt": "y" * 100_000}).encode()
    declared = client.post("/api/process/", content=big, headers=AUTH)
    streamed = client.post("/api/process/", content=(big[i : i + 4096] for i in range(0, len(big), 4096)), headers=AUTH)
    assert declared.status_code == streamed.status_code == 413
    assert "y" * 20 not in declared.text + streamed.text
    assert _runs() == before


def test_a_refused_field_is_named_with_a_short_excerpt_only(client: TestClient) -> None:
    answer = client.post("/api/process/", json={"prompt": "y" * 3000}, headers=AUTH)
    assert answer.status_code == 422
    (error,) = answer.json()["detail"]
    assert error["loc"] == ["body", "prompt"] and "2000" in error["msg"]
    assert len(error["input"]) <= 80 and len(answer.content) < 600


def test_malformed_json_is_400_as_the_openapi_says(client: TestClient) -> None:
    answer = client.post("/api/process/", content=b'{"prompt": "a"', headers=AUTH)
    assert answer.status_code == 400 and "not valid JSON" in answer.json()["detail"]
    assert client.post("/api/process/", content=b'{"prompt": "\xff"}', headers=AUTH).status_code == 400
    documented = client.get("/openapi.json").json()["paths"]["/api/process/"]["post"]["responses"]
    assert {"400", "401", "413", "422", "429", "503"} <= set(documented)


@pytest.mark.parametrize(
    "raw",
    [
        '{"prompt": "ok", "scenes": true}',
        '{"prompt": "ok", "scenes": "3"}',
        '{"prompt": "ok", "scenes": 2.5}',
        '{"prompt": "ok", "duration_s": "8"}',
        '{"prompt": "ok", "duration_s": NaN}',
        '{"prompt": "ok", "duration_s": Infinity}',
        '{"prompt": "ok", "duration_s": -Infinity}',
        '{"prompt": "ok", "duration_s": 1e999}',
        '{"prompt": "ok \\ud800"}',
        '{"prompt": "ok", "language": "\\udfff"}',
        '{"prompt": "ok", "\\ud800": 1}',
    ],
)
def test_odd_types_and_numbers_are_422_never_500(client: TestClient, raw: str) -> None:
    before = _runs()
    answer = client.post("/api/process/", content=raw.encode(), headers=AUTH)
    assert answer.status_code == 422, answer.text
    assert answer.json()["detail"][0]["loc"][0] == "body"
    assert _runs() == before


def test_json_numbers_of_the_right_kind_are_accepted(client: TestClient) -> None:
    for body in ({"prompt": "ok", "scenes": 1, "duration_s": 8}, {"prompt": "ok", "scenes": 1.0, "duration_s": 8.5}):
        answer = client.post("/api/process/", json=body, headers=AUTH)
        assert answer.status_code == 202, answer.text
        cancel_api_runs()


def test_the_slashless_path_is_served_never_redirected(client: TestClient) -> None:
    for path in ("/api/process", f"/api/tasks/{UUID(int=3)}"):
        method = client.post if "process" in path else client.get
        answer = method(path, headers={**AUTH, "Host": "evil.example"}, follow_redirects=False)
        assert answer.status_code in (404, 422) and "location" not in answer.headers


def test_prefect_unreachable_is_503_with_retry_after(unserved_deployment: str) -> None:
    app = create_app(Settings(_env_file=None, api_token=ADMIN, api_deployment=unserved_deployment))

    async def ask() -> list[httpx.Response]:
        transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
        async with httpx.AsyncClient(transport=transport, base_url="http://api", headers=AUTH) as api:
            return [
                await api.post("/api/process/", json={"prompt": "ok", "scenes": 1}),
                await api.get(f"/api/tasks/{UUID(int=5)}/"),
            ]

    with temporary_settings({PREFECT_API_URL: "http://127.0.0.1:9/api"}):
        answers = asyncio.run(ask())
    for answer in answers:
        assert answer.status_code == 503, answer.text
        assert int(answer.headers["Retry-After"]) > 0 and "Traceback" not in answer.text
