"""The pages' boundary without a browser: login and cookies, CSRF, the cookie kept off the REST API, and the Make
form refusing bad input with the REST API's own messages."""

import asyncio
import html
import json
import re
from uuid import UUID

import pytest
from fastapi.testclient import TestClient
from prefect.client.orchestration import get_client

from api.rest import create_app
from prompt_store.users import UserHasToken, get_user_tokens
from services.settings import Settings

pytestmark = pytest.mark.usefixtures("prefect_harness")
UNKNOWN = UUID(int=20)


@pytest.fixture(scope="module")
def token() -> str:
    users = get_user_tokens()
    try:
        return users.add("webcarol")
    except UserHasToken:
        return users.rotate("webcarol")


def _client(base_url: str = "http://testserver") -> TestClient:
    return TestClient(create_app(Settings(_env_file=None)), base_url=base_url, follow_redirects=False)


def _signed_in(token: str, base_url: str = "http://testserver") -> TestClient:
    client = _client(base_url)
    client.get("/web/login")
    answer = client.post("/web/login", data={"token": token, "csrf_token": client.cookies["p2v_csrf"]})
    assert answer.status_code == 303, answer.text
    return client


def _flow_runs() -> int:
    async def count() -> int:
        async with get_client() as prefect:
            return len(await prefect.read_flow_runs())

    return asyncio.run(count())


def test_pages_send_strangers_to_the_login_form_and_only_to_this_site_after_it(token: str) -> None:
    client = _client()
    assert client.get("/web/library").headers["location"] == "/web/login?next=/web/library"
    client.get("/web/login")
    csrf = client.cookies["p2v_csrf"]
    answer = client.post("/web/login", data={"token": token, "csrf_token": csrf, "next": "//evil.example/web"})
    assert answer.headers["location"] == "/web/"
    cookie = answer.headers["set-cookie"]
    assert "HttpOnly" in cookie and "SameSite=strict" in cookie and "Secure" not in cookie
    page = client.get("/web/library")
    assert page.status_code == 200 and "default-src 'self'" in page.headers["content-security-policy"]
    assert token not in page.text


def test_over_https_the_cookies_are_secure(token: str) -> None:
    client = _client("https://testserver")
    page = client.get("/web/login")
    assert "Secure" in page.headers["set-cookie"]
    answer = client.post("/web/login", data={"token": token, "csrf_token": client.cookies["p2v_csrf"]})
    assert "Secure" in answer.headers["set-cookie"] and "HttpOnly" in answer.headers["set-cookie"]


def test_the_session_cookie_opens_pages_and_the_video_file_but_no_other_api_route(token: str) -> None:
    client = _signed_in(token)
    assert client.get(f"/api/tasks/{UNKNOWN}/").status_code == 401
    before = _flow_runs()
    assert client.post("/api/process/", json={"prompt": "Create a video about AI"}).status_code == 401
    assert client.get("/api/queue/").status_code == 401
    assert client.get(f"/api/videos/{UNKNOWN}").status_code == 404  # signed in: an unknown video, not 401
    assert _flow_runs() == before
    bearer = {"Authorization": f"Bearer {token}"}
    assert _client().get(f"/api/tasks/{UNKNOWN}/", headers=bearer).status_code == 404  # bearer auth unchanged


@pytest.mark.parametrize(
    "headers, csrf",
    [({}, None), ({}, "x" * 43), ({"Origin": "http://evil.example"}, "cookie")],
    ids=["no-token", "wrong-token", "other-origin"],
)
def test_a_form_without_its_csrf_token_or_from_another_site_is_refused(token: str, headers: dict, csrf) -> None:
    client = _signed_in(token)
    before = _flow_runs()
    data = {"prompt": "Create a video about AI"}
    if csrf is not None:
        data["csrf_token"] = client.cookies["p2v_csrf"] if csrf == "cookie" else csrf
    answer = client.post("/web/make", data=data, headers=headers)
    assert answer.status_code == 403 and "another site" in answer.text
    assert _flow_runs() == before


@pytest.mark.parametrize(
    "form, field",
    [
        ({"prompt": "   "}, "prompt"),
        ({"prompt": "ok", "scenes": "2.5"}, "scenes"),
        ({"prompt": "ok", "duration_s": "nan"}, "duration_s"),
        ({"prompt": "ok", "language": "english!"}, "language"),
        ({"prompt": "ok", "music": "/etc/passwd"}, "music"),
        ({"prompt": "ok", "aspect": "4:3"}, "aspect"),
        ({"prompt": "ok", "voice": "robot"}, "voice"),
    ],
)
def test_the_make_form_refuses_what_the_api_refuses_with_the_same_message(token: str, form: dict, field: str) -> None:
    client = _signed_in(token)
    before = _flow_runs()
    page = client.post("/web/make", data={**form, "csrf_token": client.cookies["p2v_csrf"]})
    assert page.status_code == 422
    shown = re.search(rf'<p id="{field}-error" class="error">([^<]*)</p>', page.text)
    body = {k: (float(v) if k in ("scenes", "duration_s") else v) for k, v in form.items()}
    headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
    api = client.post("/api/process/", content=json.dumps(body), headers=headers)  # NaN as Python's json writes it
    assert api.status_code == 422
    messages = [error["msg"] for error in api.json()["detail"] if error["loc"][1] == field]
    assert shown is not None and messages and html.unescape(shown.group(1)) == messages[0]
    assert f'id="{field}" ' in page.text and 'aria-invalid="true"' in page.text
    assert _flow_runs() == before


def test_sign_out_ends_the_session(token: str) -> None:
    client = _signed_in(token)
    answer = client.post("/web/logout", data={"csrf_token": client.cookies["p2v_csrf"]})
    assert answer.status_code == 303 and 'p2v_session=""' in answer.headers["set-cookie"]
    assert client.get("/web/library").status_code == 303


def test_what_a_user_typed_is_shown_as_text_never_as_markup(token: str) -> None:
    client = _signed_in(token)
    prompt = '</textarea><script>alert("x")</script>'
    page = client.post("/web/make", data={"prompt": prompt, "scenes": "99", "csrf_token": client.cookies["p2v_csrf"]})
    assert page.status_code == 422
    assert "<script>" not in page.text and "&lt;/textarea&gt;&lt;script&gt;" in page.text
