"""`p2v prompts label/unlabel/labels/render` and the option parsing of `commit --param/--var`.

Registered on `prompts_app` by `api.prompts_cli` (which owns the error handling: `register(app, friendly)`).
"""

import getpass
import json
from collections.abc import Callable
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from prompt_store.exceptions import InvalidPromptInput
from prompt_store.templates import parse_variable_spec, render

if TYPE_CHECKING:
    from prompt_store.store import PromptStore


def get_store() -> "PromptStore":
    """The process-wide store, imported on first use: `p2v --help` and other commands skip SQLAlchemy & co."""
    from prompt_store import get_store as process_store

    return process_store()


console = Console()


def _actor() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "cli"


def label(
    name: str,
    label_name: Annotated[str, typer.Argument(metavar="LABEL", help="production, staging or any name.")],
    version: int,
    reason: Annotated[str, typer.Option("--reason", "-m")] = "",
    author: Annotated[str | None, typer.Option("--author", help="Defaults to the OS user.")] = None,
) -> None:
    """Point LABEL of prompt NAME at VERSION (audited; production is the active version)."""
    move = get_store().move_label(name, label_name, version, actor=author or _actor(), reason=reason)
    console.print(f"[bold]{name}[/bold] {escape(label_name)}: {move.from_version or '-'} -> {move.to_version}")


def unlabel(
    name: str,
    label_name: Annotated[str, typer.Argument(metavar="LABEL", help="Any label but production.")],
    reason: Annotated[str, typer.Option("--reason", "-m")] = "",
    author: Annotated[str | None, typer.Option("--author", help="Defaults to the OS user.")] = None,
) -> None:
    """Delete LABEL of prompt NAME (audited as `unlabel`; production cannot be deleted)."""
    event = get_store().delete_label(name, label_name, actor=author or _actor(), reason=reason)
    console.print(f"[bold]{name}[/bold] {escape(label_name)}: removed (was at version {event.from_version})")


def labels(name: str) -> None:
    """List the labels of prompt NAME."""
    table = Table("label", "version", "moved by", "at", title=name)
    for info in get_store().labels(name):
        table.add_row(info.label, str(info.version), escape(info.updated_by), f"{info.updated_at:%Y-%m-%d %H:%M:%S}")
    console.print(table)


def render_prompt(
    name: str,
    label_name: Annotated[
        str, typer.Option("--label", help='A label, or an A/B split "production:80,staging:20" (with --run-key).')
    ] = "production",
    value: Annotated[list[str] | None, typer.Option("--set", help="NAME=VALUE for a template variable.")] = None,
    run_key: Annotated[
        str | None, typer.Option("--run-key", help="Picks a split's label, as a flow run id does.")
    ] = None,
) -> None:
    """Print the version LABEL points at with its variables filled in (the flow's own rendering)."""
    store = get_store()
    if "," in label_name or ":" in label_name:
        if run_key is None:
            raise InvalidPromptInput("run-key", "a split needs --run-key (the same key always gets the same label)")
        prompt = store.resolve_for_run(name, label_name, run_key)
        typer.echo(f"{prompt.label} (version {prompt.version})", err=True)  # stdout keeps just the prompt
    else:
        prompt = store.get_active_prompt(name, label_name)
    values = dict(_pair(item, "--set") for item in value or [])
    console.print(escape(render(prompt.text, prompt.variables, values)), highlight=False)


def register(app: typer.Typer, wrap: Callable[[Callable[..., Any]], Callable[..., Any]]) -> None:
    app.command("label")(wrap(label))
    app.command("unlabel")(wrap(unlabel))
    app.command("labels")(wrap(labels))
    app.command("render")(wrap(render_prompt))


def _merged_parameters(name: str, raw: str | None, pairs: list[str] | None) -> str | dict[str, Any] | None:
    """--params (a JSON object) as is; --param KEY=VALUE merged into the production version's parameters."""
    if not pairs:
        return raw
    if raw is not None:
        raise InvalidPromptInput("parameters", "give --params or --param, not both")
    merged = dict(get_store().show(name).parameters)
    for item in pairs:
        key, text = _pair(item, "--param")
        try:
            merged[key] = json.loads(text)
        except json.JSONDecodeError:
            merged[key] = text
    return merged


def _variables(specs: list[str] | None) -> dict[str, Any] | None:
    if not specs:
        return None
    return dict(parse_variable_spec(spec) for spec in specs)


def _pair(item: str, option: str) -> tuple[str, str]:
    key, sep, value = item.partition("=")
    if not sep or not key.strip():
        raise InvalidPromptInput(option.lstrip("-"), f"{item!r} is not KEY=VALUE")
    return key.strip(), value
