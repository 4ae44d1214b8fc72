"""The `p2v prompts` / `p2v db` commands against a real database given by DATABASE_URL."""

from collections.abc import Iterator

import pytest
import typer
from typer.testing import CliRunner

import prompt_store
from api.prompts_cli import db_app, prompts_app
from prompt_store import db
from prompt_store.embeddings.local import MiniLMEmbedder
from services.settings import get_settings

app = typer.Typer()
app.add_typer(prompts_app, name="prompts")
app.add_typer(db_app, name="db")
runner = CliRunner(env={"COLUMNS": "500"})  # rich wraps at the terminal width: wide, so no test depends on it


@pytest.fixture(scope="module", autouse=True)
def cli_env(blank_url: str, minilm: MiniLMEmbedder) -> Iterator[None]:
    """Point the process-wide store at this module's (unmigrated) database."""
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("DATABASE_URL", blank_url)
        mp.setenv("P2V_EMBEDDING_MODEL", "local")
        mp.delenv("OPENAI_API_KEY", raising=False)
        get_settings.cache_clear()
        prompt_store.get_store.cache_clear()
        yield
        db.get_engine().dispose()
    get_settings.cache_clear()
    prompt_store.get_store.cache_clear()


def p2v(*args: str, ok: bool = True) -> str:
    result = runner.invoke(app, list(args))
    assert (result.exit_code == 0) == ok, result.output
    return result.output


def test_unmigrated_database_gets_a_friendly_error_then_upgrade_fixes_it() -> None:
    out = p2v("prompts", "list", ok=False)
    assert "p2v db upgrade" in out and "Traceback" not in out
    prompt_store.get_store.cache_clear()
    assert "revision 0010" in p2v("db", "upgrade")
    assert "revision 0010" in p2v("db", "upgrade")  # idempotent


def test_version_workflow() -> None:
    p2v(
        "prompts",
        "add",
        "cli.demo",
        "--text",
        "Describe a calm lake.",
        "--type",
        "template",
        "--params",
        '{"temperature": 0.3}',
        "--tag",
        "demo",
    )
    assert "v2" in p2v("prompts", "commit", "cli.demo", "--text", "Describe a stormy lake.", "-m", "drama")
    assert "stormy" in p2v("prompts", "show", "cli.demo")
    assert "calm" in p2v("prompts", "show", "cli.demo", "--version", "1")
    out = p2v("prompts", "diff", "cli.demo", "1", "2")
    assert "-Describe a calm lake." in out and "+Describe a stormy lake." in out
    assert "2 -> 1" in p2v("prompts", "rollback", "cli.demo", "--to", "1", "--reason", "too dark")
    out = p2v("prompts", "history", "cli.demo")
    assert "rollback" in out and "too dark" in out
    assert "cli.demo" in p2v("prompts", "list", "--tag", "demo")
    assert "cli.demo" in p2v("prompts", "search", "peaceful water", "--mode", "hybrid")
    assert "cli.demo" in p2v("prompts", "search", "lake", "--mode", "text", "--type", "template")
    assert "embedded" in p2v("prompts", "reindex", "--model", "local")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("prompts", "show", "nope"), "no prompt named 'nope'"),
        (("prompts", "rollback", "cli.demo", "--to", "1"), "already the active version"),
        (("prompts", "rollback", "cli.demo", "--to", "7"), "has no version 7"),
        (("prompts", "add", "x", "--text", "t", "--params", "{bad"), "not valid JSON"),
        (("prompts", "add", "x", "--text", "t", "--type", "poem"), "not one of"),
        (("prompts", "add", "x", "--text", ""), "is empty"),
        (("prompts", "reindex", "--model", "word2vec"), "unknown embedding model"),
    ],
)
def test_errors_are_friendly(args: tuple[str, ...], message: str) -> None:
    out = p2v(*args, ok=False)
    assert message in out and "Traceback" not in out


def test_seed_and_lineage() -> None:
    assert "storyboard.system" in p2v("prompts", "seed")
    assert "all default prompts exist" in p2v("prompts", "seed")
    up = prompt_store.get_store().record_user_prompt("owls at night", language="en", metadata={})
    prompt_store.get_store().record_lineage(
        up,
        flow_run_id="run-9",
        video_path="/v/owls.mp4",
        publication_url=None,
        prompt_versions={"storyboard.system": 1},
    )
    out = p2v("prompts", "lineage", "/v/owls.mp4")
    assert "owls at night" in out and "storyboard.system v1" in out and "run-9" in out
    assert "owls" in p2v("prompts", "similar", "nocturnal birds")
