"""A new release's default prompt reaches installations that never changed the old one (own module: a fresh
database without the current default)."""

from prompt_store.defaults import DEFAULT_PROMPTS
from prompt_store.store import PromptStore


def test_an_untouched_earlier_default_moves_to_the_current_text_and_a_changed_one_stays(store: PromptStore) -> None:
    [default] = [d for d in DEFAULT_PROMPTS if d.earlier_texts]
    store.add_prompt(default.name, default.earlier_texts[0], prompt_type="system", author="system")
    store.ensure_default_prompts()
    updated = store.get_active_prompt(default.name)
    assert (updated.version, updated.text) == (2, default.text)
    assert store.history(default.name)[0].message == "default prompt updated"  # newest first

    store.rollback(default.name, to_version=1, actor="me", reason="the old text suits us")
    store.ensure_default_prompts()
    assert store.get_active_prompt(default.name).version == 1, "a rollback to the earlier default is respected"
