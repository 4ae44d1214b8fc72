"""`p2v queue add "..."` and `p2v queue list`: prompts waiting for the nightly batch (batch-videos/nightly)."""

from typing import Annotated

import typer
from pydantic import ValidationError
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from api.prompts_cli import _user, friendly
from services.batch import QueueRequest
from services.models import MAX_DURATION_S, MAX_SCENES, MIN_DURATION_S, MIN_SCENES

queue_app = typer.Typer(help="Queue prompts for the batch run (the nightly), and list them.", no_args_is_help=True)
console = Console()
errors = Console(stderr=True)
LISTED = ["queued", "running", "failed"]


@queue_app.command("add")
@friendly
def add(
    prompt: Annotated[str, typer.Argument(help="What the video is about.")],
    aspect: Annotated[str | None, typer.Option(help="16:9, 9:16 or 1:1 (default: the batch's).")] = None,
    scenes: Annotated[int | None, typer.Option(help=f"Number of scenes ({MIN_SCENES}-{MAX_SCENES}).")] = None,
    duration: Annotated[
        float | None, typer.Option(help=f"Target duration in seconds ({MIN_DURATION_S:g}-{MAX_DURATION_S:g}).")
    ] = None,
    language: Annotated[str | None, typer.Option(help="Language code (en, de, ...); detected if omitted.")] = None,
) -> None:
    """Queue PROMPT for the next batch run; prints its id."""
    try:
        request = QueueRequest(prompt=prompt, aspect=aspect, scenes=scenes, duration_s=duration, language=language)
    except ValidationError as exc:
        for error in exc.errors():
            field = ".".join(str(part) for part in error["loc"]) or "input"
            errors.print(f"[red]Invalid {field}:[/] {escape(error['msg'].removeprefix('Value error, '))}")
        raise typer.Exit(2) from None
    from prompt_store import get_store

    queued = get_store().queue_user_prompt(
        request.prompt, language=request.language, metadata=request.options(), username=_user()
    )
    console.print(f"queued user prompt #{queued}; the next batch run (batch-videos/nightly) makes it")


@queue_app.command("list")
@friendly
def list_(
    all_: Annotated[bool, typer.Option("--all", help="Also the running and failed ones.")] = False,
    limit: Annotated[int, typer.Option(min=1, max=1000, help="At most this many rows.")] = 100,
) -> None:
    """The prompts waiting for a batch run, oldest first (taken in this order)."""
    from prompt_store import get_store

    rows = get_store().list_user_prompts(LISTED if all_ else ["queued"], limit=limit)
    if not rows:
        console.print("no queued prompts")
        return
    table = Table("id", "status", "by", "queued at", "options", "prompt")
    for row in rows:
        options = " ".join(f"{k}={v}" for k, v in row.metadata.items() if k in ("aspect", "scenes", "duration_s"))
        table.add_row(
            str(row.id),
            row.status,
            escape(row.username),
            f"{row.created_at:%Y-%m-%d %H:%M}",
            escape(options),
            escape(row.text),
        )
    console.print(table)
