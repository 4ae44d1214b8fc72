"""What a run reads cannot be changed behind the store's back: the app's role cannot write the prompt tables,
alter them or their triggers; even the owner cannot make the `prompts` copy drift from its version."""

import logging
from collections.abc import Iterator

import psycopg
import pytest
from sqlalchemy import Engine
from sqlalchemy.engine import make_url

from prompt_store import migrate
from prompt_store.db import make_engine
from prompt_store.embeddings.local import MiniLMEmbedder
from prompt_store.store import PromptStore
from services.settings import Settings
from tests.prompt_store.runtime_role import runtime_dsn

V1, V2 = "Write the storyboard, version one.", "Write the storyboard, version two."


@pytest.fixture(scope="module")
def runtime(blank_url: str, engine: Engine) -> str:
    return runtime_dsn(blank_url)


@pytest.fixture(scope="module")
def runtime_store(runtime: str, minilm: MiniLMEmbedder, settings: Settings) -> Iterator[PromptStore]:
    engine = make_engine(runtime)
    yield PromptStore(engine, embedders={minilm.model: minilm}, settings=settings)
    engine.dispose()


@pytest.fixture(scope="module", autouse=True)
def _history(runtime_store: PromptStore) -> None:
    runtime_store.add_prompt("guarded", V1)
    runtime_store.commit("guarded", V2)
    runtime_store.move_label("guarded", "staging", 1)


def test_the_runtime_role_does_the_whole_workflow(runtime_store: PromptStore, caplog) -> None:
    with caplog.at_level(logging.WARNING):
        runtime_store.add_prompt("workflow", "Plan {{topic}}.", variables={"topic": {"type": "str"}}, tags=["a"])
        runtime_store.commit("workflow", "Plan {{topic}} well.", tags=["b"])
        runtime_store.move_label("workflow", "staging", 1)
        runtime_store.rollback("workflow", 1)
        request = runtime_store.record_user_prompt("a video about owls")
        runtime_store.record_lineage(request, prompt_versions={"workflow": 1}, prompt_labels={"workflow": "staging"})
    assert runtime_store.get_active_prompt("workflow").version == 1
    assert runtime_store.lineage(request).prompt_labels == {"workflow": "staging"}
    assert runtime_store.search("planning a topic", k=1)[0].name == "workflow"
    assert not migrate.is_privileged(runtime_store.engine)
    assert "owner" not in caplog.text


TAMPERING = [
    "UPDATE prompt_versions SET text = 'rewritten'",
    "DELETE FROM prompt_versions",
    "TRUNCATE prompt_versions CASCADE",
    "INSERT INTO prompt_versions (prompt_id, version, text, author) SELECT id, 99, 'x', 'me' FROM prompts",
    "UPDATE prompt_audit SET reason = 'hidden'",
    "DELETE FROM prompt_audit",
    "TRUNCATE prompt_audit",
    "INSERT INTO prompt_audit (prompt_id, action, to_version, actor) SELECT id, 'commit', 1, 'me' FROM prompts",
    "UPDATE prompts SET text = 'tampered'",
    "UPDATE prompts SET active_version = 1",
    "DELETE FROM prompts",
    "TRUNCATE prompts CASCADE",
    "INSERT INTO prompts (type, name, text, active_version, latest_version) VALUES ('system', 'x', 'x', 1, 1)",
    "UPDATE prompt_labels SET version = 1",
    "DELETE FROM prompt_labels",
    "TRUNCATE prompt_labels",
    "INSERT INTO prompt_labels (prompt_id, label, version, updated_by) SELECT id, 'evil', 1, 'me' FROM prompts",
    "UPDATE prompt_store_alembic_version SET version_num = '0001'",
    "ALTER TABLE prompt_versions DISABLE TRIGGER ALL",
    "ALTER TABLE prompts DISABLE TRIGGER prompts_match_production",
    "ALTER TABLE prompt_audit DISABLE TRIGGER prompt_audit_no_update_delete",
    "DROP TRIGGER prompt_versions_no_update_delete ON prompt_versions",
    "DROP TRIGGER prompts_match_production ON prompts",
    "DROP FUNCTION prompt_store_reject_change() CASCADE",
    "CREATE OR REPLACE FUNCTION prompt_store_check_copy() RETURNS trigger LANGUAGE sql AS 'SELECT NULL'",
    "ALTER TABLE prompts DROP COLUMN text",
    "ALTER TABLE prompts OWNER TO p2v_runtime",
    "SET session_replication_role = replica",
    "CREATE TABLE public.prompt_versions_copy (id int)",
    "GRANT UPDATE ON prompts TO p2v_runtime; UPDATE prompts SET text = 'tampered'",  # the GRANT only warns
]


@pytest.mark.parametrize("sql", TAMPERING)
def test_the_runtime_role_cannot_tamper(runtime: str, runtime_store: PromptStore, sql: str) -> None:
    with psycopg.connect(runtime) as conn:
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            conn.execute(sql)
    _assert_untouched(runtime_store)


def test_the_owner_cannot_make_the_copy_drift(engine: Engine, blank_url: str, runtime_store: PromptStore) -> None:
    """Even the owner's raw UPDATE of the copy is refused at COMMIT by the deferred check."""
    with psycopg.connect(_plain(blank_url), autocommit=True) as conn:
        with pytest.raises(psycopg.errors.RestrictViolation, match="change prompts only by a commit"):
            conn.execute("UPDATE prompts SET text = 'tampered' WHERE name = 'guarded'")
        with pytest.raises(psycopg.errors.RestrictViolation):
            conn.execute("UPDATE prompts SET active_version = 1, text = %s WHERE name = 'guarded'", (V1,))
    _assert_untouched(runtime_store)


def test_runs_read_the_version_row_not_the_copy(blank_url: str, runtime_store: PromptStore) -> None:
    """Had the copy been changed anyway (a superuser disabling the check), a run still gets the real version."""
    with psycopg.connect(_plain(blank_url)) as conn:
        conn.execute("ALTER TABLE prompts DISABLE TRIGGER prompts_match_production")
        conn.execute("UPDATE prompts SET text = 'tampered' WHERE name = 'guarded'")
        conn.execute("ALTER TABLE prompts ENABLE TRIGGER prompts_match_production")
        fresh = PromptStore(runtime_store.engine, embedders=runtime_store._embedders, settings=runtime_store.settings)
        got = fresh.get_active_prompt("guarded")
        conn.rollback()
    assert (got.version, got.text) == (2, V2)


def test_tables_of_later_migrations_are_usable_by_the_runtime_role(blank_url: str, runtime: str) -> None:
    """ALTER DEFAULT PRIVILEGES: a table the owner adds after 0008 gets DML (and its sequence) for p2v_runtime."""
    with psycopg.connect(_plain(blank_url), autocommit=True) as conn:
        conn.execute("CREATE TABLE later_feature (id bigserial PRIMARY KEY, note text NOT NULL)")
    with psycopg.connect(runtime, autocommit=True) as conn:
        row = conn.execute("INSERT INTO later_feature (note) VALUES ('a') RETURNING id").fetchone()
        conn.execute("UPDATE later_feature SET note = 'b' WHERE id = %s", row)
        assert conn.execute("SELECT note FROM later_feature").fetchall() == [("b",)]
        conn.execute("DELETE FROM later_feature")
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            conn.execute("ALTER TABLE later_feature ADD COLUMN x int")


def test_an_owner_connection_is_warned_about(store: PromptStore, caplog) -> None:
    migrate._warned.clear()
    fresh = PromptStore(store.engine, embedders=store._embedders, settings=store.settings)
    with caplog.at_level(logging.WARNING, logger="prompt_store.migrate"):
        fresh.list_prompts()
    assert "P2V_DATABASE_OWNER_URL" in caplog.text


def _assert_untouched(store: PromptStore) -> None:
    fresh = PromptStore(store.engine, embedders=store._embedders, settings=store.settings)
    active, staging = fresh.get_active_prompt("guarded"), fresh.get_active_prompt("guarded", "staging")
    assert (active.version, active.text, staging.version, staging.text) == (2, V2, 1, V1)
    assert [(v.version, v.text) for v in fresh.history("guarded")] == [(2, V2), (1, V1)]
    assert [(e.action, e.label, e.to_version) for e in fresh.audit_log("guarded")] == [
        ("create", "production", 1),
        ("commit", "production", 2),
        ("label", "staging", 1),
    ]


def _plain(url: str) -> str:
    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


def test_two_urls_migrate_as_the_owner_and_run_as_the_runtime_role(
    blank_url: str, runtime: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    import prompt_store
    from prompt_store import db
    from services.settings import get_settings

    monkeypatch.setenv("DATABASE_URL", runtime)
    monkeypatch.setenv("P2V_DATABASE_OWNER_URL", blank_url)
    monkeypatch.setenv("P2V_EMBEDDING_MODEL", "local")
    get_settings.cache_clear()
    prompt_store.get_store.cache_clear()
    try:
        assert prompt_store.upgrade_database() == "0010"
        assert migrate.is_privileged(db.get_owner_engine())
        assert not migrate.is_privileged(prompt_store.get_store().engine)
        assert prompt_store.get_store().get_active_prompt("guarded").text == V2
    finally:
        prompt_store.get_store().engine.dispose()
        db.get_owner_engine().dispose()
        get_settings.cache_clear()
        prompt_store.get_store.cache_clear()
