"""`p2v prompts label/labels/render` and `commit --tag/--param/--var` against a real database."""

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
runner = CliRunner()


@pytest.fixture(scope="module", autouse=True)
def cli_env(blank_url: str, minilm: MiniLMEmbedder) -> Iterator[None]:
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("DATABASE_URL", blank_url)
        mp.setenv("P2V_EMBEDDING_MODEL", "local")
        mp.setenv("COLUMNS", "200")
        get_settings.cache_clear()
        prompt_store.get_store.cache_clear()
        p2v("db", "upgrade")
        yield
        db.get_engine().dispose()
    get_settings.cache_clear()
    prompt_store.get_store.cache_clear()


def p2v(*args: str, ok: bool = True) -> str:
    result = runner.invoke(app, list(args))
    assert (result.exit_code == 0) == ok, result.output
    return result.output


def test_labels_from_the_command_line() -> None:
    p2v("prompts", "add", "cli.ab", "--text", "first", "--author", "ana")
    p2v("prompts", "commit", "cli.ab", "--text", "second", "--author", "ana")
    assert "staging: - -> 1" in p2v("prompts", "label", "cli.ab", "staging", "1", "--author", "bo", "-m", "canary")
    out = p2v("prompts", "labels", "cli.ab")
    assert "production" in out and "staging" in out and "bo" in out
    assert p2v("prompts", "render", "cli.ab", "--label", "staging").strip() == "first"
    assert "already points at version 1" in p2v("prompts", "label", "cli.ab", "staging", "1", ok=False)
    assert "has no version 9" in p2v("prompts", "label", "cli.ab", "staging", "9", ok=False)


def test_commit_edits_tags_parameters_and_variables() -> None:
    p2v("prompts", "add", "cli.tpl", "--text", "About {{topic}}.", "--var", "topic", "--params", '{"temperature": 0.7}')
    out = p2v("prompts", "commit", "cli.tpl", "--tag", "x", "--param", "temperature=0.5", "--param", "model=m1")
    assert "v2 (production)" in out
    store = prompt_store.get_store()
    v2 = store.show("cli.tpl")
    assert (v2.text, v2.parameters, v2.metadata["tags"]) == (
        "About {{topic}}.",
        {"temperature": 0.5, "model": "m1"},
        ["x"],
    )
    p2v("prompts", "commit", "cli.tpl", "--text", "{{topic}} x{{n}}", "--var", "topic", "--var", "n:int=2")
    assert p2v("prompts", "render", "cli.tpl", "--set", "topic=owls").strip() == "owls x2"
    assert "variable 'topic' is required" in p2v("prompts", "render", "cli.tpl", ok=False)
    refused = p2v("prompts", "commit", "cli.tpl", "--text", "{{topic}} {{mood}} {{n}}", ok=False)
    assert "unknown variable '{{mood}}' at character 11" in refused and "Traceback" not in refused
    assert "temperature must be a number" in p2v("prompts", "commit", "cli.tpl", "--param", "temperature=9", ok=False)
    assert [v.version for v in store.history("cli.tpl")] == [3, 2, 1]


def test_unlabel_and_a_split_from_the_command_line() -> None:
    p2v("prompts", "add", "cli.split", "--text", "alpha", "--author", "ana")
    p2v("prompts", "commit", "cli.split", "--text", "beta", "--author", "ana")
    p2v("prompts", "label", "cli.split", "old", "1")
    spec = "production:50,old:50"
    rendered = {p2v("prompts", "render", "cli.split", "--label", spec, "--run-key", f"r{i}") for i in range(12)}
    assert {"old (version 1)\nalpha\n", "production (version 2)\nbeta\n"} == rendered
    assert "needs --run-key" in p2v("prompts", "render", "cli.split", "--label", spec, ok=False)

    assert "removed (was at version 1)" in p2v("prompts", "unlabel", "cli.split", "old", "-m", "done")
    assert "old" not in p2v("prompts", "labels", "cli.split")
    assert prompt_store.get_store().audit_log("cli.split")[-1].action == "unlabel"
    assert "has no label 'old'" in p2v("prompts", "unlabel", "cli.split", "old", ok=False)
    assert "production cannot be deleted" in p2v("prompts", "unlabel", "cli.split", "production", ok=False)
