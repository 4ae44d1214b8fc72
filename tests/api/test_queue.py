"""`p2v queue add/list` and POST/GET /api/queue/: prompts queued for the batch, with their own choices."""

from fastapi.testclient import TestClient
from typer.testing import CliRunner

from api.cli import app
from api.rest import create_app
from flows.batch import StoreQueue
from services.settings import Settings

TOKEN = "test-token-0123456789-abcdefghijklmnop"
AUTH = {"Authorization": f"Bearer {TOKEN}"}
runner = CliRunner()


def test_queued_prompts_are_listed_and_the_batch_takes_them_with_their_options() -> None:
    added = runner.invoke(app, ["queue", "add", "Otters [holding] hands", "--aspect", "9:16", "--scenes", "3"])
    assert added.exit_code == 0, added.output
    queued_id = int(added.output.split("#")[1].split(";")[0])
    rest = TestClient(create_app(Settings(api_token=TOKEN)))
    posted = rest.post("/api/queue/", json={"prompt": "Tea harvest in Assam", "duration_s": 20}, headers=AUTH)
    assert posted.status_code == 201, posted.text
    assert posted.json()["options"] == {"duration_s": 20.0}

    listed = runner.invoke(app, ["queue", "list"], env={"COLUMNS": "200"})
    assert listed.exit_code == 0 and "Otters [holding] hands" in listed.output and "aspect=9:16" in listed.output
    over_rest = rest.get("/api/queue/", headers=AUTH).json()
    ids = [row["id"] for row in over_rest]
    assert ids[-1] == posted.json()["id"] and queued_id not in ids  # the caller's own, not the CLI user's

    taken = {item.user_prompt_id: item for item in StoreQueue().take(100)}
    assert taken[str(queued_id)].options == {"aspect": "9:16", "scenes": 3}
    assert taken[str(posted.json()["id"])].options == {"duration_s": 20.0}
    assert runner.invoke(app, ["queue", "list"]).output.strip() == "no queued prompts"


def test_bad_input_is_refused_before_anything_is_queued() -> None:
    refused = runner.invoke(app, ["queue", "add", "Volcano", "--aspect", "4:3"])
    assert refused.exit_code == 2 and "Invalid aspect" in refused.output
    rest = TestClient(create_app(Settings(api_token=TOKEN)))
    before = rest.get("/api/queue/", headers=AUTH).json()
    assert rest.post("/api/queue/", json={"prompt": "   "}, headers=AUTH).status_code == 422
    assert rest.post("/api/queue/", json={"prompt": "ok"}).status_code == 401
    assert rest.get("/api/queue/", headers=AUTH).json() == before
