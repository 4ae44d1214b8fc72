"""Prompt templates: `{{name}}` placeholders with typed variables declared in the version's metadata.

A version declares its variables (type, required, default); a commit is refused when the text has a placeholder
that is not declared, a declared variable the text never uses, or an unclosed `{{`, naming the character position.
`render` is the one function that fills a template; the flow calls it through `tasks.prompts.load_system_prompt`.
Single braces are plain text (JSON examples in a prompt stay as they are). A literal `{{` is written `\\{{`: the
backslash marks it as text and is dropped by `render` (`\\{{topic}}` renders as `{{topic}}`); a lone `}}` is text.
"""

import re
from collections.abc import Mapping
from typing import Any, Literal, NamedTuple

from pydantic import BaseModel, ConfigDict, StrictBool, StrictFloat, StrictInt, TypeAdapter, ValidationError

from prompt_store.exceptions import TemplateError

VariableType = Literal["str", "int", "float", "bool"]
NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]{0,63}$")
_ADAPTERS: dict[str, TypeAdapter[Any]] = {
    "str": TypeAdapter(str),
    "int": TypeAdapter(int),
    "float": TypeAdapter(float),
    "bool": TypeAdapter(bool),
}
_STRICT: dict[str, TypeAdapter[Any]] = {
    "str": TypeAdapter(str),
    "int": TypeAdapter(StrictInt),
    "float": TypeAdapter(StrictFloat | StrictInt),
    "bool": TypeAdapter(StrictBool),
}


class TemplateVariable(BaseModel):
    """One declared variable; a variable with a default is optional."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    type: VariableType = "str"
    required: bool = True
    default: str | int | float | bool | None = None
    description: str = ""


class Placeholder(NamedTuple):
    name: str
    position: int


Variables = dict[str, TemplateVariable]


def placeholders(text: str) -> list[Placeholder]:
    """Every `{{ name }}` in order; raises TemplateError at the first malformed one."""
    return _scan(text)[0]


def _scan(text: str) -> tuple[list[Placeholder], list[int]]:
    """The placeholders, and the positions of the backslashes that escape a literal `{{`."""
    found: list[Placeholder] = []
    escapes: list[int] = []
    pos = 0
    while (start := text.find("{{", pos)) != -1:
        if start > 0 and text[start - 1] == "\\":
            escapes.append(start - 1)
            pos = start + 2
            continue
        end = text.find("}}", start + 2)
        inner = text[start + 2 : end] if end != -1 else ""
        if end == -1 or "{{" in inner:
            raise TemplateError(
                f"unclosed placeholder '{{{{' {_where(text, start)} (write \\{{{{ for text)", position=start
            )
        name = inner.strip()
        if not NAME.match(name):
            raise TemplateError(
                f"'{{{{{inner}}}}}' {_where(text, start)} is not a variable name (letters, digits, _)",
                position=start,
            )
        found.append(Placeholder(name, start))
        pos = end + 2
    return found, escapes


def parse_variables(raw: Mapping[str, Any] | None) -> Variables:
    """Declarations from a version's metadata (`{"topic": {"type": "str", "default": "cats"}}`), checked."""
    variables: Variables = {}
    for name, spec in (raw or {}).items():
        if not NAME.match(name):
            raise TemplateError(f"{name!r} is not a variable name (letters, digits, _)", field="variables")
        try:
            variable = TemplateVariable.model_validate(spec)
        except ValidationError as exc:
            raise TemplateError(f"{name}: {exc.errors()[0]['msg']}", field="variables") from None
        if variable.default is not None:
            _check_value(name, variable, variable.default, strict=True)
            variable = variable.model_copy(update={"required": False})
        variables[name] = variable
    return variables


def parse_variable_spec(spec: str) -> tuple[str, TemplateVariable]:
    """`name[:type][=default]` from the command line; a default makes the variable optional."""
    head, has_default, default = spec.partition("=")
    name, _, type_name = head.partition(":")
    type_name = type_name.strip() or "str"
    if type_name not in _ADAPTERS:
        raise TemplateError(f"{spec!r}: type must be one of {', '.join(_ADAPTERS)}", field="variables")
    variable = TemplateVariable(type=type_name, required=not has_default)  # type: ignore[arg-type]
    if has_default:
        value = _check_value(name.strip(), variable, default, strict=False)
        variable = variable.model_copy(update={"default": value})
    return name.strip(), variable


def validate(text: str, variables: Variables) -> None:
    """Refuse unknown placeholders (with their position) and declared variables the text does not use."""
    used = placeholders(text)
    for placeholder in used:
        if placeholder.name not in variables:
            raise TemplateError(
                f"unknown variable '{{{{{placeholder.name}}}}}' {_where(text, placeholder.position)}: "
                "declare it (p2v prompts commit --var NAME:TYPE)",
                position=placeholder.position,
            )
    unused = sorted(set(variables) - {p.name for p in used})
    if unused:
        raise TemplateError(f"declared but not used in the text: {', '.join(unused)}", field="variables")


def render(text: str, variables: Variables, values: Mapping[str, Any]) -> str:
    """Fill every placeholder from `values` (None or absent: the default); undeclared names are ignored."""
    filled: dict[str, str] = {}
    for name, variable in variables.items():
        value = values.get(name)
        value = variable.default if value is None else value  # a request's unset field (None) takes the default
        if value is None and variable.required:
            raise TemplateError(f"variable {name!r} is required", field="variables")
        filled[name] = "" if value is None else _format(_check_value(name, variable, value, strict=False))
    found, escapes = _scan(text)
    cuts = [(p.position, text.index("}}", p.position) + 2, filled[p.name]) for p in found]
    cuts += [(at, at + 1, "") for at in escapes]  # the escaping backslash goes, the `{{` stays
    parts: list[str] = []
    pos = 0
    for start, end, replacement in sorted(cuts):
        parts += [text[pos:start], replacement]
        pos = end
    return "".join(parts) + text[pos:]


def to_metadata(variables: Variables) -> dict[str, Any]:
    return {name: v.model_dump(exclude_defaults=True) or {"type": "str"} for name, v in variables.items()}


def _check_value(name: str, variable: TemplateVariable, value: Any, *, strict: bool) -> Any:
    adapter = (_STRICT if strict else _ADAPTERS)[variable.type]
    if variable.type == "str" and not strict and isinstance(value, int | float) and not isinstance(value, bool):
        value = str(value)
    try:
        return adapter.validate_python(value)
    except ValidationError:
        raise TemplateError(f"{name}: {value!r} is not a {variable.type}", field="variables") from None


def _format(value: Any) -> str:
    return ("true" if value else "false") if isinstance(value, bool) else str(value)


def _where(text: str, position: int) -> str:
    line = text.count("\n", 0, position) + 1
    column = position - (text.rfind("\n", 0, position) + 1) + 1
    return f"at character {position + 1} (line {line}, column {column})"
