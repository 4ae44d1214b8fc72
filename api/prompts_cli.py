"""`p2v prompts ...` and `p2v db ...`: the prompt store's CLI. Typed errors become friendly messages here."""

import functools
import getpass
import sys
from collections.abc import Callable
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any, TypeVar, cast

import typer
from rich.console import Console
from rich.markup import escape
from rich.syntax import Syntax
from rich.table import Table

from api import prompt_labels_cli
from api.prompt_labels_cli import _merged_parameters, _variables, get_store
from prompt_store.schemas import SearchMode
from services.exceptions import P2VError

prompts_app = typer.Typer(help="Versioned prompts: add, commit, roll back, diff and search.", no_args_is_help=True)
db_app = typer.Typer(help="The prompt store's database.", no_args_is_help=True)
console = Console()
err_console = Console(stderr=True)
F = TypeVar("F", bound=Callable[..., Any])


class Mode(StrEnum):
    semantic = "semantic"
    fulltext = "fulltext"
    text = "text"  # alias of fulltext
    hybrid = "hybrid"


def friendly(command: F) -> F:
    """Print our typed errors as one red line and exit 1; anything else is a bug and keeps its traceback."""

    @functools.wraps(command)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return command(*args, **kwargs)
        except P2VError as exc:
            err_console.print(f"[red]error:[/red] {escape(str(exc))}")
            raise typer.Exit(1) from None

    return wrapper  # type: ignore[return-value]


def _user() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "cli"


def _read_text(text: str | None, file: Path | None) -> str:
    if text is not None and file is not None:
        raise typer.BadParameter("give --text or --file, not both")
    if file is not None:
        return sys.stdin.read() if str(file) == "-" else file.read_text(encoding="utf-8")
    if text is None:
        raise typer.BadParameter("give the prompt with --text or --file (- for stdin)")
    return text


TextOpt = Annotated[str | None, typer.Option("--text", "-t", help="The prompt text.")]
FileOpt = Annotated[Path | None, typer.Option("--file", "-f", help="Read the text from a file (- for stdin).")]
ParamsOpt = Annotated[str | None, typer.Option("--params", "-p", help='JSON object, e.g. {"temperature": 0.7}')]
MessageOpt = Annotated[str, typer.Option("--message", "-m", help="Why this change.")]
AuthorOpt = Annotated[str | None, typer.Option("--author", help="Defaults to the OS user.")]
TagsOpt = Annotated[list[str] | None, typer.Option("--tag", help="Replace the tags (repeat for several).")]
ParamOpt = Annotated[
    list[str] | None, typer.Option("--param", help="KEY=VALUE, merged into the current parameters (JSON values).")
]
VarOpt = Annotated[
    list[str] | None,
    typer.Option("--var", help="Template variable NAME[:str|int|float|bool][=DEFAULT]; replaces the declared ones."),
]


@prompts_app.command("add")
@friendly
def add(
    name: str,
    text: TextOpt = None,
    file: FileOpt = None,
    params: ParamsOpt = None,
    prompt_type: Annotated[str, typer.Option("--type", help="system | template | tool | user")] = "system",
    tag: Annotated[list[str] | None, typer.Option("--tag", help="Repeat for several tags.")] = None,
    message: MessageOpt = "created",
    author: AuthorOpt = None,
    var: VarOpt = None,
) -> None:
    """Create a prompt; version 1 becomes active (labelled production)."""
    v = get_store().add_prompt(
        name,
        _read_text(text, file),
        prompt_type=prompt_type,
        parameters=params,
        tags=tag or [],
        variables=_variables(var),
        author=author or _user(),
        message=message,
    )
    console.print(f"created [bold]{v.name}[/bold] v{v.version}")


@prompts_app.command("commit")
@friendly
def commit(
    name: str,
    text: TextOpt = None,
    file: FileOpt = None,
    params: ParamsOpt = None,
    message: MessageOpt = "",
    author: AuthorOpt = None,
    tag: TagsOpt = None,
    param: ParamOpt = None,
    var: VarOpt = None,
    label: Annotated[str, typer.Option("--label", help="Label to point at the new version.")] = "production",
) -> None:
    """Add a new version and point LABEL at it (production: active). Without --text/--file the text is kept, so
    `--tag`, `--param` and `--var` alone edit tags, parameters or variables as a new version."""
    body = None if text is None and file is None else _read_text(text, file)
    v = get_store().commit(
        name,
        body,
        parameters=_merged_parameters(name, params, param),
        tags=tag,
        variables=_variables(var),
        author=author or _user(),
        message=message,
        label=label,
    )
    console.print(f"committed [bold]{v.name}[/bold] v{v.version} ({escape(label)})")


@prompts_app.command("show")
@friendly
def show(name: str, version: Annotated[int | None, typer.Option("--version", "-v")] = None) -> None:
    """Print a version (the active one by default)."""
    v = get_store().show(name, version)
    state = "active" if v.is_active else "inactive"
    console.print(
        f"[bold]{v.name}[/bold] v{v.version} ({state}) by {escape(v.author)} at {v.created_at:%Y-%m-%d %H:%M}"
    )
    console.print(f"parameters: {escape(str(v.parameters))}")
    console.print(escape(v.text), highlight=False)


@prompts_app.command("history")
@friendly
def history(name: str) -> None:
    """List versions and every move of the active version."""
    table = Table("version", "", "author", "created", "message", title=name)
    for v in get_store().history(name):
        table.add_row(
            str(v.version),
            "*" if v.is_active else "",
            escape(v.author),
            f"{v.created_at:%Y-%m-%d %H:%M:%S}",
            escape(v.message),
        )
    console.print(table)
    audit = Table("when", "action", "from", "to", "who", "why", title="active-version log")
    for e in get_store().audit_log(name):
        audit.add_row(
            f"{e.created_at:%Y-%m-%d %H:%M:%S}",
            e.action,
            str(e.from_version or ""),
            str(e.to_version),
            escape(e.actor),
            escape(e.reason),
        )
    console.print(audit)


@prompts_app.command("diff")
@friendly
def diff(name: str, a: int, b: int) -> None:
    """Show what changed from version A to version B (text and parameters)."""
    d = get_store().diff(name, a, b)
    if d.text_diff:
        console.print(Syntax(d.text_diff, "diff", theme="ansi_dark", word_wrap=True))
    for key, (old, new) in d.parameter_changes.items():
        console.print(f"parameter {escape(key)}: {escape(repr(old))} -> {escape(repr(new))}")
    if not d.text_diff and not d.parameter_changes:
        console.print("no differences")


@prompts_app.command("rollback")
@friendly
def rollback(
    name: str,
    to: Annotated[int, typer.Option("--to", help="Version to make active.")],
    reason: Annotated[str, typer.Option("--reason", "-m")] = "",
    author: AuthorOpt = None,
) -> None:
    """Make an existing version active again (audited; no version is rewritten)."""
    e = get_store().rollback(name, to, actor=author or _user(), reason=reason)
    console.print(f"[bold]{name}[/bold]: active version {e.from_version} -> {e.to_version}")


@prompts_app.command("list")
@friendly
def list_(
    prompt_type: Annotated[str | None, typer.Option("--type")] = None,
    tag: Annotated[str | None, typer.Option("--tag")] = None,
) -> None:
    """List prompts with their active version."""
    table = Table("name", "type", "active", "latest", "tags", "updated")
    for p in get_store().list_prompts(prompt_type=prompt_type, tag=tag):
        table.add_row(
            p.name,
            p.type,
            str(p.active_version),
            str(p.latest_version),
            ", ".join(p.tags),
            f"{p.updated_at:%Y-%m-%d %H:%M}",
        )
    console.print(table)


@prompts_app.command("search")
@friendly
def search(
    query: str,
    mode: Annotated[Mode, typer.Option("--mode")] = Mode.hybrid,
    prompt_type: Annotated[str | None, typer.Option("--type")] = None,
    tag: Annotated[list[str] | None, typer.Option("--tag")] = None,
    k: Annotated[int, typer.Option("--k", min=1, max=100)] = 10,
    model: Annotated[str | None, typer.Option("--model")] = None,
    all_versions: Annotated[bool, typer.Option("--all-versions", help="One row per matching version.")] = False,
) -> None:
    """Find prompts by meaning, words and name (hybrid), one row per prompt; * marks the active version."""
    chosen: SearchMode = "fulltext" if mode is Mode.text else cast(SearchMode, mode.value)
    hits = get_store().search(
        query, mode=chosen, k=k, prompt_type=prompt_type, tags=tag, model=model, all_versions=all_versions
    )
    table = Table("score", "prompt", "version", "active", "type", "text")
    for h in hits:
        table.add_row(
            f"{h.score:.3f}",
            h.name,
            f"{h.version}{'*' if h.is_active else ''}",
            str(h.active_version),
            h.type,
            escape(h.text[:80].replace("\n", " ")),
        )
    console.print(table if hits else "no results")


@prompts_app.command("similar")
@friendly
def similar(text: str, k: Annotated[int, typer.Option("--k", min=1, max=100)] = 5) -> None:
    """Earlier user prompts closest in meaning to TEXT."""
    for h in get_store().similar_user_prompts(text, k=k):
        console.print(f"{h.score:.3f}  #{h.id} {escape(h.username)}: {escape(h.text[:100])}")


@prompts_app.command("reindex")
@friendly
def reindex(model: Annotated[str | None, typer.Option("--model", help="e.g. local, openai")] = None) -> None:
    """Embed every version and user prompt with MODEL (re-running replaces the vectors)."""
    console.print(f"embedded {get_store().reindex(model)} rows")


@prompts_app.command("seed")
@friendly
def seed() -> None:
    """Create the built-in prompts that are missing (e.g. storyboard.system)."""
    created = get_store().ensure_default_prompts()
    console.print(f"created: {', '.join(created)}" if created else "all default prompts exist")


@prompts_app.command("lineage")
@friendly
def lineage(key: str) -> None:
    """Show which prompt versions and user prompt produced a video (by video path, flow run id or id)."""
    ln = get_store().lineage(key)
    console.print(f"user prompt #{ln.user_prompt_id} by {escape(ln.username)} ({ln.status}): {escape(ln.text)}")
    console.print(
        f"flow run: {ln.flow_run_id or '-'}  video: {escape(ln.video_path or '-')}  "
        f"published: {escape(ln.publication_url or '-')}"
    )
    for name, version in ln.prompt_versions.items():
        console.print(f"  {name} v{version}")


@db_app.command("upgrade")
@friendly
def upgrade(revision: Annotated[str, typer.Option("--revision")] = "head") -> None:
    """Run the prompt store's migrations on the configured database."""
    from prompt_store import upgrade_database

    console.print(f"prompt store schema at revision {upgrade_database(revision)}")


prompt_labels_cli.register(prompts_app, friendly)
