"""Labels: audited, concurrency-safe moves; production is the active version; A/B splits per run."""

import threading
from collections import Counter

import psycopg
import pytest
from sqlalchemy.engine import make_url

from prompt_store import migrate
from prompt_store.db import make_engine
from prompt_store.exceptions import (
    AlreadyActive,
    InvalidPromptInput,
    LabelAlreadyThere,
    LabelNotFound,
    PromptNotFound,
    VersionNotFound,
)
from prompt_store.labels import choose_label, parse_split
from prompt_store.store import PromptStore


@pytest.fixture(scope="module", autouse=True)
def _versions(store: PromptStore) -> None:
    store.add_prompt("ab", "Version one.")
    for n in (2, 3, 4):
        store.commit("ab", f"Version {n}.")


def test_a_label_move_is_audited_and_leaves_production_alone(store: PromptStore) -> None:
    move = store.move_label("ab", "staging", 2, actor="ana", reason="try v2")
    assert (move.from_version, move.to_version, move.actor) == (None, 2, "ana")
    assert store.move_label("ab", "staging", 3, actor="bo").from_version == 2
    assert store.get_active_prompt("ab", "staging").text == "Version 3."
    assert store.get_active_prompt("ab").version == 4
    assert {i.label: i.version for i in store.labels("ab")} == {"production": 4, "staging": 3}
    last = store.audit_log("ab")[-1]
    assert (last.action, last.label, last.from_version, last.to_version, last.actor) == ("label", "staging", 2, 3, "bo")


def test_moving_production_is_a_rollback(store: PromptStore) -> None:
    store.move_label("ab", "production", 1, actor="ops")
    assert store.get_active_prompt("ab").text == "Version one."
    assert store.show("ab").version == 1 and store.list_prompts()[0].text == "Version one."
    with pytest.raises(AlreadyActive):
        store.rollback("ab", 1)
    store.rollback("ab", 4)


def test_bad_moves_are_refused_and_write_nothing(store: PromptStore) -> None:
    before = len(store.audit_log("ab"))
    with pytest.raises(LabelAlreadyThere):
        store.move_label("ab", "production", 4)
    with pytest.raises(VersionNotFound):
        store.move_label("ab", "staging", 99)
    with pytest.raises(PromptNotFound):
        store.move_label("nope", "staging", 1)
    with pytest.raises(InvalidPromptInput, match="label"):
        store.move_label("ab", "Not A Label", 1)
    with pytest.raises(LabelNotFound):
        store.get_active_prompt("ab", "canary")
    assert len(store.audit_log("ab")) == before


def test_a_commit_can_target_another_label(store: PromptStore) -> None:
    store.add_prompt("staged", "live text")
    v2 = store.commit("staged", "candidate text", label="staging")
    assert not v2.is_active
    assert store.get_active_prompt("staged").text == "live text"
    assert store.get_active_prompt("staged", "staging").text == "candidate text"


def test_concurrent_moves_form_one_unbroken_chain(store: PromptStore) -> None:
    """Under the row lock every audit row starts where the previous one ended."""
    store.move_label("ab", "race", 1)

    def mover(seed: int) -> None:
        for i in range(6):
            try:
                store.move_label("ab", "race", (seed + i) % 4 + 1, actor=f"t{seed}")
            except LabelAlreadyThere:
                pass

    threads = [threading.Thread(target=mover, args=(seed,)) for seed in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    moves = [e for e in store.audit_log("ab") if e.label == "race"]
    assert len(moves) > 6
    assert all(b.from_version == a.to_version for a, b in zip(moves, moves[1:], strict=False))
    assert store.get_active_prompt("ab", "race").version == moves[-1].to_version


def test_split_is_deterministic_per_run_and_follows_the_weights() -> None:
    split = parse_split("production:80,staging:20")
    assert {choose_label(split, "run-42", "p") for _ in range(20)} == {choose_label(split, "run-42", "p")}
    shares = Counter(choose_label(split, f"run-{i}", "storyboard.system") for i in range(4000))
    assert 0.77 < shares["production"] / 4000 < 0.83
    three = Counter(choose_label(parse_split("a:1,b:1,c:2"), f"r{i}", "p") for i in range(4000))
    assert 0.22 < three["a"] / 4000 < 0.28 and 0.47 < three["c"] / 4000 < 0.53
    assert choose_label(parse_split("staging"), "any", "p") == "staging"
    assert {choose_label(parse_split("a:0,b:5"), f"r{i}", "p") for i in range(200)} == {"b"}


@pytest.mark.parametrize("spec", ["", "production:x", "a:1,a:2", "a:0", "a:-1", "Bad:1", "a:inf"])
def test_bad_splits_are_refused(spec: str) -> None:
    with pytest.raises(InvalidPromptInput):
        parse_split(spec)


def test_a_run_resolves_its_split_and_the_lineage_records_the_label(store: PromptStore) -> None:
    store.move_label("ab", "staging", 2)
    picked = {run: store.resolve_for_run("ab", "production:50,staging:50", run) for run in ("r1", "r2", "r3", "r4")}
    assert {p.label for p in picked.values()} == {"production", "staging"}
    assert all(p.version == (4 if p.label == "production" else 2) for p in picked.values())
    request = store.record_user_prompt("a request")
    chosen = picked["r1"]
    store.record_lineage(request, prompt_versions={"ab": chosen.version}, prompt_labels={"ab": chosen.label})
    lineage = store.lineage(request)
    assert lineage.prompt_versions == {"ab": chosen.version} and lineage.prompt_labels == {"ab": chosen.label}


def test_an_existing_install_gets_production_at_its_active_version(server_url: str, minilm) -> None:
    """Upgrading from 0005: the active version (after a rollback) becomes the production label."""
    admin = make_url(server_url).set(drivername="postgresql").render_as_string(hide_password=False)
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute("DROP DATABASE IF EXISTS t_from_0005 WITH (FORCE)")
        conn.execute("CREATE DATABASE t_from_0005")
    url = make_url(server_url).set(database="t_from_0005").render_as_string(hide_password=False)
    engine = make_engine(url)
    try:
        migrate.upgrade(engine, "0005")
        with psycopg.connect(make_url(url).set(drivername="postgresql").render_as_string(False)) as conn:
            conn.execute(
                "INSERT INTO prompts (id, type, name, text, active_version, latest_version) "
                "VALUES (1, 'system', 'old', 'one', 1, 1);"
                "INSERT INTO prompt_versions (prompt_id, version, text, author) VALUES (1, 1, 'one', 'me');"
                "SELECT commit_prompt_version('old', 'two', NULL, 'me', '', 'm', '[1,0]');"
                "UPDATE prompts SET active_version = 1, text = 'one' WHERE id = 1"
            )
        assert migrate.upgrade(engine) == "0010"
        store = PromptStore(engine, embedders={minilm.model: minilm}, model=minilm.model)
        assert (store.get_active_prompt("old").version, store.get_active_prompt("old").text) == (1, "one")
        assert store.commit("old", "three").version == 3
        assert [e.label for e in store.audit_log("old")] == ["production", "production"]
    finally:
        engine.dispose()
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute("DROP DATABASE t_from_0005 WITH (FORCE)")


def test_search_rows_show_the_labels_of_their_version(store: PromptStore) -> None:
    store.add_prompt("labelled.search", "Narrate a calm walk through a bamboo forest at dawn.")
    store.commit("labelled.search", "Narrate a calm walk through a bamboo forest at dusk.", label="staging")
    rows = store.search("bamboo forest walk", mode="fulltext", all_versions=True)
    labels = {row.version: row.labels for row in rows if row.name == "labelled.search"}
    assert labels == {1: ["production"], 2: ["staging"]}
    [grouped] = [row for row in store.search("bamboo forest walk", mode="fulltext") if row.name == "labelled.search"]
    assert (grouped.version, grouped.labels) == (1, ["production"])
