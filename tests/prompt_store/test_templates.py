"""Templates: variables declared per version, checked at commit with positions, rendered by one function."""

import re

import pytest

from prompt_store.exceptions import TemplateError
from prompt_store.store import PromptStore
from prompt_store.templates import parse_variable_spec, parse_variables, placeholders, render, validate

TOPIC = {"topic": {"type": "str"}, "scenes": {"type": "int", "default": 4}}


def test_placeholders_and_their_positions() -> None:
    assert placeholders('Say {"json": 1} about {{topic}} in {{ scenes }}.') == [("topic", 22), ("scenes", 35)]


@pytest.mark.parametrize(
    ("text", "message", "position"),
    [
        ("About {{topic", "unclosed placeholder '{{' at character 7 (line 1, column 7)", 6),
        ("a\nb {{x {{y}}", "unclosed placeholder '{{' at character 5 (line 2, column 3)", 4),
        ("Hi {{two words}}", "'{{two words}}' at character 4 (line 1, column 4) is not a variable name", 3),
        ("Hi {{}}", "is not a variable name", 3),
    ],
)
def test_malformed_placeholders_are_refused_with_the_position(text: str, message: str, position: int) -> None:
    with pytest.raises(TemplateError, match=message.replace("(", r"\(").replace(")", r"\)")) as info:
        placeholders(text)
    assert info.value.position == position


def test_validation_against_the_declared_variables() -> None:
    declared = parse_variables(TOPIC)
    validate("{{topic}} x{{scenes}}", declared)
    with pytest.raises(TemplateError, match=r"unknown variable '\{\{mood\}\}' at character 11") as info:
        validate("{{topic}} {{mood}} {{scenes}}", declared)
    assert info.value.position == 10
    with pytest.raises(TemplateError, match="declared but not used in the text: scenes"):
        validate("{{topic}}", declared)
    with pytest.raises(TemplateError, match="scenes: 'four' is not a int"):
        parse_variables({"scenes": {"type": "int", "default": "four"}})
    with pytest.raises(TemplateError, match="variables"):
        parse_variables({"x": {"type": "date"}})


def test_render_fills_defaults_converts_types_and_ignores_extra_values() -> None:
    declared = parse_variables({**TOPIC, "loud": {"type": "bool", "required": False}})
    text = 'JSON {"a": 1}: {{topic}} in {{scenes}} scenes{{loud}}'
    assert render(text, declared, {"topic": "owls", "other": 1}) == 'JSON {"a": 1}: owls in 4 scenes'
    assert render(text, declared, {"topic": 7, "scenes": "6", "loud": True}) == 'JSON {"a": 1}: 7 in 6 scenes' + "true"
    with pytest.raises(TemplateError, match="variable 'topic' is required"):
        render(text, declared, {})
    with pytest.raises(TemplateError, match="scenes: 'many' is not a int"):
        render(text, declared, {"topic": "x", "scenes": "many"})


def test_a_backslash_makes_double_braces_literal_text() -> None:
    declared = parse_variables({"topic": {"type": "str"}})
    text = "Mustache shows \\{{name}} and \\{{ unclosed; }} alone stays; about {{topic}}."
    assert placeholders(text) == [("topic", text.index("{{topic"))]
    validate(text, declared)  # the escaped ones are neither unknown variables nor unclosed
    rendered = render(text, declared, {"topic": "owls"})
    assert rendered == "Mustache shows {{name}} and {{ unclosed; }} alone stays; about owls."
    assert render("\\{{topic}}{{topic}}", declared, {"topic": "x"}) == "{{topic}}x"
    with pytest.raises(TemplateError, match=re.escape("(write \\{{ for text)")):
        placeholders("a {{ b")


def test_variable_specs_from_the_command_line() -> None:
    assert parse_variable_spec("topic") == ("topic", parse_variables({"topic": {}})["topic"])
    name, variable = parse_variable_spec("scenes:int=5")
    assert (name, variable.type, variable.default, variable.required) == ("scenes", "int", 5, False)
    with pytest.raises(TemplateError, match="type must be one of"):
        parse_variable_spec("x:date")
    with pytest.raises(TemplateError, match="is not a int"):
        parse_variable_spec("x:int=five")


def test_a_bad_template_is_refused_at_commit_and_nothing_is_written(store: PromptStore) -> None:
    store.add_prompt("tpl", "Plan a video about {{topic}}.", variables={"topic": {"type": "str"}})
    with pytest.raises(TemplateError, match="unknown variable '{{mood}}' at character 31"):
        store.commit("tpl", "Plan a video about {{topic}}, {{mood}}.")
    with pytest.raises(TemplateError, match="unclosed placeholder"):
        store.add_prompt("tpl2", "About {{topic")
    with pytest.raises(TemplateError, match="unknown variable"):
        store.add_prompt("tpl3", "About {{topic}}")
    assert [v.version for v in store.history("tpl")] == [1]
    assert [p.name for p in store.list_prompts()] == ["tpl"]


def test_variables_are_kept_across_commits_and_render_the_active_version(store: PromptStore) -> None:
    store.commit("tpl", "Plan a short video about {{topic}}.")
    active = store.get_active_prompt("tpl")
    assert active.version == 2 and set(active.variables) == {"topic"}
    assert render(active.text, active.variables, {"topic": "bees"}) == "Plan a short video about bees."
    v3 = store.commit("tpl", "{{topic}} in {{n}} scenes", variables={"topic": {}, "n": {"type": "int", "default": 3}})
    assert store.show("tpl").metadata["variables"] == {
        "topic": {"type": "str"},
        "n": {"type": "int", "required": False, "default": 3},
    }
    assert v3.version == 3
    assert render(store.get_active_prompt("tpl").text, store.get_active_prompt("tpl").variables, {"topic": "a"}) == (
        "a in 3 scenes"
    )


def test_tags_and_parameters_change_by_committing_a_new_version(store: PromptStore) -> None:
    store.add_prompt("tuned", "Be brief.", parameters={"temperature": 0.7}, tags=["old"])
    v2 = store.commit("tuned", tags=["new", "short"], parameters={"temperature": 0.5}, message="retune")
    assert (v2.version, v2.text, v2.parameters) == (2, "Be brief.", {"temperature": 0.5})
    info = next(p for p in store.list_prompts() if p.name == "tuned")
    assert info.tags == ["new", "short"] and info.active_version == 2
    assert store.show("tuned", 1).metadata["tags"] == ["old"]
    assert store.show("tuned").metadata["tags"] == ["new", "short"]
    assert store.diff("tuned", 1, 2).parameter_changes == {"temperature": (0.7, 0.5)}
