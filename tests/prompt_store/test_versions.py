"""Versions, rollback, audit, diff, the active-prompt cache and input validation on a real Postgres."""

import pytest
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from prompt_store import STORYBOARD_SYSTEM
from prompt_store.exceptions import (
    AlreadyActive,
    InvalidPromptInput,
    PromptAlreadyExists,
    PromptNotFound,
    VersionNotFound,
)
from prompt_store.models import PromptAudit, PromptEmbedding, PromptVersion
from prompt_store.store import PromptStore
from services.settings import Settings


def _count(engine: Engine, model: type) -> int:
    with Session(engine) as s:
        return s.scalar(select(func.count()).select_from(model)) or 0


def test_add_commit_show_history(store: PromptStore) -> None:
    store.add_prompt("greet", "Say hello.", prompt_type="template", parameters='{"temperature": 0.2}', tags=["a"])
    v2 = store.commit("greet", "Say hello warmly.", author="ana", message="warmer")

    assert v2.version == 2 and v2.is_active and v2.parameters == {"temperature": 0.2}
    assert store.show("greet").text == "Say hello warmly."
    assert store.show("greet", version=1).text == "Say hello."
    assert [v.version for v in store.history("greet")] == [2, 1]
    assert store.get_active_prompt("greet").version == 2


def test_new_versions_are_embedded(store: PromptStore, engine: Engine) -> None:
    store.add_prompt("embedded", "A prompt about rivers.")
    with Session(engine) as s:
        dims = s.scalars(
            select(func.vector_dims(PromptEmbedding.embedding))
            .join(PromptVersion)
            .where(PromptVersion.text.like("%rivers%"))
        ).all()
    assert dims == [384]


def test_rollback_is_audited_and_rewrites_nothing(store: PromptStore) -> None:
    store.add_prompt("roll", "first", parameters={"model": "m1", "temperature": 0.1})
    store.commit("roll", "second", parameters={"model": "m2", "temperature": 0.1}, message="try m2")
    before = [v.model_dump() for v in store.history("roll")]

    event = store.rollback("roll", 1, actor="ops", reason="m2 is worse")

    assert (event.from_version, event.to_version, event.action) == (2, 1, "rollback")
    active = store.get_active_prompt("roll")
    assert (active.version, active.text, active.parameters["model"]) == (1, "first", "m1")
    after = [v.model_dump() for v in store.history("roll")]
    assert [{**v, "is_active": None} for v in after] == [{**v, "is_active": None} for v in before]
    log = store.audit_log("roll")
    assert [(e.action, e.from_version, e.to_version, e.actor) for e in log] == [
        ("create", None, 1, "cli"),
        ("commit", 1, 2, "cli"),
        ("rollback", 2, 1, "ops"),
    ]
    assert log[-1].reason == "m2 is worse"
    assert store.commit("roll", "third").version == 3  # numbering continues after a rollback


def test_diff_text_and_parameters(store: PromptStore) -> None:
    store.add_prompt("diffed", "line one\nline two\n", parameters={"temperature": 0.5, "model": "a"})
    store.commit("diffed", "line one\nline 2\n", parameters={"temperature": 0.9, "max_tokens": 10})

    d = store.diff("diffed", 1, 2)

    assert "-line two" in d.text_diff and "+line 2" in d.text_diff and " line one" in d.text_diff
    assert d.parameter_changes == {"max_tokens": (None, 10), "model": ("a", None), "temperature": (0.5, 0.9)}
    assert store.diff("diffed", 2, 2).text_diff == ""


def test_cache_is_invalidated_by_local_writes_and_expires(engine: Engine, store: PromptStore, minilm) -> None:
    store.add_prompt("cached", "v1")
    assert store.get_active_prompt("cached").version == 1
    store.commit("cached", "v2")
    assert store.get_active_prompt("cached").version == 2  # local write dropped the entry

    now = [1000.0]
    settings = Settings(_env_file=None, embedding_model=minilm.model, prompt_cache_ttl_s=5)
    other = PromptStore(engine, embedders={minilm.model: minilm}, settings=settings)  # "another process"
    reader = PromptStore(engine, embedders={minilm.model: minilm}, settings=settings, clock=lambda: now[0])
    assert reader.get_active_prompt("cached").version == 2
    other.rollback("cached", 1)
    now[0] += 4.9
    assert reader.get_active_prompt("cached").version == 2  # still cached: another process wrote
    now[0] += 0.2
    assert reader.get_active_prompt("cached").version == 1


def test_ensure_default_prompts_is_idempotent(store: PromptStore) -> None:
    assert store.ensure_default_prompts() == [STORYBOARD_SYSTEM]
    assert store.ensure_default_prompts() == []
    active = store.get_active_prompt(STORYBOARD_SYSTEM)
    assert active.version == 1 and active.parameters == {"model": "gpt-4o-mini", "temperature": 0.7}
    assert store.list_prompts(prompt_type="system", tag="storyboard")[0].name == STORYBOARD_SYSTEM


@pytest.mark.parametrize(
    ("call", "error"),
    [
        (lambda s: s.add_prompt("", "text"), InvalidPromptInput),
        (lambda s: s.add_prompt("Bad Name", "text"), InvalidPromptInput),
        (lambda s: s.add_prompt("ok.name", "   "), InvalidPromptInput),
        (lambda s: s.add_prompt("ok.name", "a\x00b"), InvalidPromptInput),
        (lambda s: s.add_prompt("ok.name", "text", prompt_type="poem"), InvalidPromptInput),
        (lambda s: s.add_prompt("ok.name", "text", parameters="{not json"), InvalidPromptInput),
        (lambda s: s.add_prompt("ok.name", "text", parameters="[1, 2]"), InvalidPromptInput),
        (lambda s: s.add_prompt("ok.name", "text", parameters={"temperature": "hot"}), InvalidPromptInput),
        (lambda s: s.add_prompt("ok.name", "text", parameters={"x": "a\x00"}), InvalidPromptInput),
        (lambda s: s.add_prompt("ok.name", "text", tags=[""]), InvalidPromptInput),
        (lambda s: s.add_prompt("greet", "again"), PromptAlreadyExists),
        (lambda s: s.commit("missing", "text"), PromptNotFound),
        (lambda s: s.commit("greet", ""), InvalidPromptInput),
        (lambda s: s.show("greet", version=99), VersionNotFound),
        (lambda s: s.rollback("greet", 99), VersionNotFound),
        (lambda s: s.rollback("greet", 2), AlreadyActive),
        (lambda s: s.diff("greet", 1, 42), VersionNotFound),
        (lambda s: s.get_active_prompt("missing"), PromptNotFound),
    ],
)
def test_bad_input_raises_and_writes_nothing(store: PromptStore, engine: Engine, call, error) -> None:
    counts = [_count(engine, m) for m in (PromptVersion, PromptAudit, PromptEmbedding)]
    with pytest.raises(error):
        call(store)
    assert [_count(engine, m) for m in (PromptVersion, PromptAudit, PromptEmbedding)] == counts
