"""Prompt writes over HTTP (commit, label move, label delete) and reads by label or A/B split, on a real server."""

from collections.abc import Iterator

import httpx
import pytest

from prompt_store.schemas import AuditEvent
from prompt_store.store import PromptStore
from tests.prompt_store.test_search_rest import TOKEN, Served

BASE = "/api/prompts/tone.rest"


@pytest.fixture(scope="module")
def served(store: PromptStore) -> Iterator[Served]:
    store.add_prompt("tone.rest", "Write in a calm, friendly tone.", prompt_type="system", tags=["tone"])
    server = Served(store)
    yield server
    server.stop()


@pytest.fixture
def http(served: Served) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=served.url, headers={"Authorization": f"Bearer {TOKEN}"}, timeout=60) as client:
        yield client


def test_commit_as_the_authenticated_user(http: httpx.Client, store: PromptStore) -> None:
    body = {"text": "Write about {{topic}} in a calm tone.", "variables": {"topic": {"type": "str"}}, "message": "tpl"}
    created = http.post(f"{BASE}/versions", json=body)
    assert created.status_code == 201, created.text
    assert created.json()["version"] == 2 and created.json()["author"] == "admin"
    assert created.headers["Location"] == f"{BASE}?version=2"
    assert store.show("tone.rest").version == 2 and _last_audit(store).actor == "admin"

    tags_only = http.post(f"{BASE}/versions", json={"tags": ["tone", "calm"], "label": "staging"})
    assert tags_only.status_code == 201 and tags_only.json()["text"] == body["text"]
    assert store.show("tone.rest").version == 2  # staging moved, production did not


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"text": "Hello {{nobody}}"}, "text"),
        ({"text": "Hello {{unclosed"}, "text"),
        ({"text": "x", "surprise": 1}, "surprise"),
        ({"label": "Not A Label"}, "label"),
    ],
)
def test_a_refused_commit_is_422_without_echo_and_writes_nothing(
    http: httpx.Client, store: PromptStore, body: dict, field: str
) -> None:
    before = len(store.history("tone.rest"))
    refused = http.post(f"{BASE}/versions", json=body)
    assert refused.status_code == 422, refused.text
    assert refused.json()["detail"][0]["loc"][-1] == field
    assert "Traceback" not in refused.text and len(store.history("tone.rest")) == before


def test_label_move_delete_and_reads_by_label(http: httpx.Client, store: PromptStore) -> None:
    moved = http.put(f"{BASE}/labels/canary", json={"version": 1, "reason": "try the old one"})
    assert moved.status_code == 200 and moved.json()["from_version"] is None and moved.json()["actor"] == "admin"
    assert http.put(f"{BASE}/labels/canary", json={"version": 1}).status_code == 409
    assert http.put(f"{BASE}/labels/canary", json={"version": 99}).status_code == 404
    assert {(lab["label"], lab["version"]) for lab in http.get(f"{BASE}/labels").json()} >= {("canary", 1)}

    by_label = http.get(BASE, params={"label": "canary"})
    assert by_label.status_code == 200 and by_label.json()["version"] == 1
    assert by_label.headers["Cache-Control"] == "no-cache"
    assert (
        http.get(BASE, params={"label": "canary"}, headers={"If-None-Match": by_label.headers["ETag"]}).status_code
        == 304
    )
    assert http.get(BASE, params={"version": 1}).headers["ETag"] == by_label.headers["ETag"]
    assert http.get(BASE, params={"label": "canary", "version": 1}).json()["version"] == 1  # it points there
    assert http.get(BASE, params={"label": "canary", "version": 2}).status_code == 404  # it does not
    assert http.put(f"{BASE}/labels/canary", json={"version": 2**31}).status_code == 422  # not a Postgres integer

    deleted = http.delete(f"{BASE}/labels/canary", params={"reason": "done"})
    assert deleted.status_code == 200 and deleted.json()["action"] == "unlabel" and deleted.json()["from_version"] == 1
    assert _last_audit(store).action == "unlabel"
    assert http.get(BASE, params={"label": "canary"}).status_code == 404
    assert http.delete(f"{BASE}/labels/canary").status_code == 404
    assert http.delete(f"{BASE}/labels/production").status_code == 422
    assert store.show("tone.rest").version == 2


def test_a_split_is_resolved_per_run_key(http: httpx.Client, store: PromptStore) -> None:
    store.move_label("tone.rest", "b-side", 1, actor="test")
    spec = "production:50,b-side:50"
    assert http.get(BASE, params={"label": spec}).status_code == 422  # which run? no run_key
    versions = {k: http.get(BASE, params={"label": spec, "run_key": f"run-{k}"}).json()["version"] for k in range(16)}
    assert set(versions.values()) == {1, 2}
    for key, version in versions.items():
        expected = store.resolve_for_run("tone.rest", spec, f"run-{key}").version
        assert version == expected


def test_writes_need_a_token(served: Served) -> None:
    assert httpx.post(f"{served.url}{BASE}/versions", json={"text": "x"}).status_code == 401
    assert httpx.delete(f"{served.url}{BASE}/labels/b-side").status_code == 401


def _last_audit(store: PromptStore) -> AuditEvent:
    return store.audit_log("tone.rest")[-1]  # oldest first
