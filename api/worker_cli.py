"""`p2v worker segments`: a Prefect task worker rendering the segments and sound tracks of any video.

Compose runs with P2V_SEGMENT_RUNNER=task-workers submit them as background task runs; every machine running this
command with the same P2V_STORAGE_URL and PREFECT_API_URL takes some. Mounted on the main CLI as `p2v worker`.
"""

import asyncio
import contextlib
import signal
from typing import Annotated, Any

import typer
from pydantic import ValidationError

from api.setting_errors import setting_errors

app = typer.Typer(help="Background workers of the compose step.")


@app.callback()
def main() -> None:
    """Workers taking background task runs from the Prefect API."""


@app.command()
def segments(
    limit: Annotated[
        int | None,
        typer.Option(min=1, help="Most segment or sound renders at once (default: P2V_COMPOSE_WORKERS)."),
    ] = None,
) -> None:
    """Render segments and sound tracks for compose runs on any machine, until Ctrl-C or SIGTERM."""
    from services.settings import get_settings

    try:
        settings = get_settings()
    except ValidationError as exc:
        typer.echo("\n".join(setting_errors(exc)), err=True)
        raise typer.Exit(1) from None
    if settings.storage_url is None:
        typer.echo("p2v worker segments needs P2V_STORAGE_URL=s3://bucket/prefix, as the compose runs use", err=True)
        raise typer.Exit(1)
    from tasks.resume import ensure_result_storage

    ensure_result_storage()
    asyncio.run(_serve(limit or settings.compose_workers))
    typer.echo("segment worker stopped")


async def _serve(limit: int) -> None:
    """Serve until a signal, then take no more runs, hand back those taken but not started, and let the running ones
    finish (their results are stored)."""
    from tasks.segment_task_worker import HandingBackTaskWorker
    from tasks.segment_workers import scheduling_storage, served_steps

    with scheduling_storage():
        worker = HandingBackTaskWorker(*served_steps(), limit=limit)
        async with worker:
            subscription = asyncio.create_task(worker.astart())
            await asyncio.sleep(0)  # astart installs Prefect's SIGTERM handler (which exits mid-run); ours replaces it
            stop = _stop_on_signals()
            typer.echo(f"serving render_segment and render_sound, {limit} at once; Ctrl-C stops")
            await asyncio.wait([subscription, asyncio.create_task(stop.wait())], return_when=asyncio.FIRST_COMPLETED)
            subscription.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await subscription
            for run in await worker.stop_taking():
                typer.echo(f"stopping: handed back {run}, taken but not started, for another worker")
            _report_running(worker)


def _stop_on_signals() -> asyncio.Event:
    stop, loop = asyncio.Event(), asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signum, stop.set)
    return stop


def _report_running(worker: Any) -> None:
    running = worker.current_tasks or 0
    if running:
        typer.echo(f"stopping: taking no more runs, waiting for {running} running render(s)")


if __name__ == "__main__":
    app()
