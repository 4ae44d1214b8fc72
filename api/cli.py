"""The `p2v` command line: make a video from a prompt."""

import json
import logging
import os
from pathlib import Path
from typing import Annotated
from urllib.parse import urlparse
from urllib.request import url2pathname

import typer
from pydantic import ValidationError
from rich.console import Console
from rich.markup import escape

from api.check_cli import check
from api.gc_cli import app as gc_app
from api.prompts_cli import db_app, prompts_app
from api.queue_cli import queue_app
from api.serve_cli import app as serve_app
from api.setting_errors import setting_errors
from api.storage_cli import app as storage_app
from api.users_cli import users_app
from api.worker_cli import app as worker_app
from api.youtube_cli import youtube_app
from services.exceptions import InvalidRequest, P2VError
from services.models import MAX_DURATION_S, MAX_SCENES, MIN_DURATION_S, MIN_SCENES, PROMPT_MAX_CHARS, VideoRequest

os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
# The first start of the temporary server migrates its SQLite database; on a busy 2-core machine that can take
# longer than Prefect's default 20 s wait.
os.environ.setdefault("PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS", "180")

app = typer.Typer(help="Turn one text prompt into a finished video with a Prefect flow.", no_args_is_help=True)
console = Console()
errors = Console(stderr=True)


@app.callback()
def main() -> None:
    """prompt-to-video on Prefect."""
    from services.settings import get_settings

    try:
        get_settings()
    except ValidationError as exc:
        _fail_settings(exc)


app.add_typer(prompts_app, name="prompts")
app.add_typer(db_app, name="db")
app.add_typer(youtube_app, name="youtube")
app.add_typer(serve_app, name="serve")
app.add_typer(gc_app, name="gc")
app.add_typer(queue_app, name="queue")
app.add_typer(users_app, name="users")
app.add_typer(storage_app, name="storage")
app.add_typer(worker_app, name="worker")
app.command()(check)


@app.command()
def run(
    prompt: Annotated[str, typer.Argument(help=f"What the video is about (at most {PROMPT_MAX_CHARS} characters).")],
    aspect: Annotated[
        str | None, typer.Option(help="16:9, 9:16 or 1:1 (default: as the prompt asks, e.g. 'vertical', else 16:9).")
    ] = None,
    scenes: Annotated[int | None, typer.Option(help=f"Number of scenes ({MIN_SCENES}-{MAX_SCENES}).")] = None,
    duration: Annotated[
        float | None, typer.Option(help=f"Target duration in seconds ({MIN_DURATION_S:g}-{MAX_DURATION_S:g}).")
    ] = None,
    language: Annotated[str | None, typer.Option(help="Language code (en, ru, ...); detected if omitted.")] = None,
    out: Annotated[Path | None, typer.Option(help="Output folder (default: P2V_OUTPUT_DIR or ./output).")] = None,
    publish_to: Annotated[str, typer.Option(help="local, or youtube (after `p2v youtube auth`).")] = "local",
    captions: Annotated[
        str | None, typer.Option(help="subtitle or shorts (default: shorts for 9:16, else subtitle).")
    ] = None,
    music: Annotated[
        str | None, typer.Option(help="none, a mood (calm, upbeat, dramatic, playful) or an audio file/folder.")
    ] = None,
    voice: Annotated[
        str | None, typer.Option(help="auto, openai (needs a key), espeak or silent (default: P2V_VOICE).")
    ] = None,
    verbose: Annotated[bool, typer.Option("--verbose", "-v", help="Show Prefect's own log lines.")] = False,
    fresh: Annotated[
        bool, typer.Option("--fresh", help="Make a new video even if this prompt was made before (no cached steps).")
    ] = False,
    prompt_label: Annotated[
        str, typer.Option(help='System prompt label, or an A/B split such as "production:80,staging:20".')
    ] = "production",
) -> None:
    """Make a video from PROMPT and print where it is."""
    try:
        request = VideoRequest(
            prompt=prompt,
            aspect=aspect,
            scenes=scenes,
            duration_s=duration,
            language=language,
            publish_target=publish_to,  # type: ignore[arg-type]  # validated here
            captions=captions,  # type: ignore[arg-type]  # validated here
            music=music,
            voice=voice,  # type: ignore[arg-type]  # validated here
        )
    except ValidationError as exc:
        _fail_validation(exc)
    from prompt_store.labels import parse_split

    try:
        parse_split(prompt_label)
    except P2VError as exc:
        errors.print(f"[red]{exc}[/]")
        raise typer.Exit(2) from None
    if out is not None:
        _use_output_folder(out)
    from prompt_store import preload_embedder

    preload_embedder()  # overlaps the local model's load with Prefect's import and start-up
    from flows.prompt_to_video import prompt_to_video  # deferred: importing Prefect is slow
    from tasks.resume import ensure_result_storage

    ensure_result_storage()  # with P2V_STORAGE_URL: save the results block the steps write to (else a no-op)

    progress = _attach_progress(verbose)
    try:
        with progress:
            publication = prompt_to_video(**request.model_dump(), fresh=fresh, prompt_label=prompt_label)
    except (P2VError, Exception) as exc:  # noqa: B014 - typed errors and anything a step raised
        step = progress.failed_step or "flow"
        errors.print(f"[red]Failed at step {step}:[/] {exc}")
        raise typer.Exit(1) from None
    where = url2pathname(urlparse(publication.url).path) if publication.url.startswith("file:") else publication.url
    console.print(f"[green]Video ready:[/] {where}", soft_wrap=True)
    _print_length(Path(where).parent / "metadata.json")


@app.command()
def api(
    host: Annotated[str, typer.Option(help="Interface to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on.")] = 8000,
) -> None:
    """Serve the REST API (POST /api/process/, GET /api/tasks/<id>/; OpenAPI at /docs) and the web pages (/web/)."""
    import uvicorn

    from api.rest import create_app

    try:
        rest_app = create_app()
    except RuntimeError as exc:
        errors.print(f"[red]{exc}[/]")
        raise typer.Exit(2) from None
    uvicorn.run(rest_app, host=host, port=port)


def _print_length(metadata_path: Path) -> None:
    """Asked vs got length, from the published metadata (a local publication has it beside the video)."""
    if not metadata_path.is_file():
        return
    metadata = json.loads(metadata_path.read_text(encoding="utf-8"))
    asked = metadata.get("target_duration_s")
    console.print(f"Length: {metadata['duration_s']:.1f} s" + (f" (asked {asked:g} s)" if asked else ""))


def _use_output_folder(out: Path) -> None:
    """`--out` is the local user's own choice: checked writable now, then made this process's P2V_OUTPUT_DIR (a run's
    `output_dir` parameter must stay inside that folder)."""
    from services.publish.local import writable_folder
    from services.settings import get_settings

    try:
        os.environ["P2V_OUTPUT_DIR"] = str(writable_folder(out))
    except InvalidRequest as exc:
        errors.print(f"[red]Invalid {exc.field}:[/] {exc.message}")
        raise typer.Exit(2) from None
    get_settings.cache_clear()


def _fail_settings(exc: ValidationError) -> None:
    for line in setting_errors(exc):
        errors.print(escape(line), style="red")
    raise typer.Exit(2)


def _fail_validation(exc: ValidationError) -> None:
    for error in exc.errors():
        field = ".".join(str(part) for part in error["loc"]) or "input"
        message = error["msg"].removeprefix("Value error, ")
        errors.print(f"[red]Invalid {field}:[/] {message}")
    raise typer.Exit(2)


def _attach_progress(verbose: bool):  # noqa: ANN202
    from prefect.logging.configuration import setup_logging

    from api.progress import StepProgress

    setup_logging()
    if not verbose:
        for handler in logging.getLogger().handlers:
            handler.setLevel(logging.WARNING)
    progress = StepProgress(console)
    logging.getLogger("prefect.task_runs").addHandler(progress)
    logging.getLogger("prefect.flow_runs").addHandler(progress)
    return progress
