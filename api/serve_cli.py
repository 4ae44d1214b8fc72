"""`p2v serve`: the project's deployments served from one process, for users without work pools.

Mounted on the main CLI as `p2v serve`.
"""

from typing import Annotated

import typer

DEFAULT_LIMIT = 2  # a run's ffmpeg wants about a core and ~1 GB: 50 at once starved the machine (issue 15)

app = typer.Typer(help="Serve the prompt-to-video deployments from this process.")


@app.callback(invoke_without_command=True)
def serve(
    limit: Annotated[
        int, typer.Option(min=1, help="Most flow runs at once; more wait, scheduled, until one finishes.")
    ] = DEFAULT_LIMIT,
    schedules: Annotated[bool, typer.Option(help="Keep the cron schedules of prefect.yaml.")] = True,
) -> None:
    """Register the deployments of prefect.yaml and run their flow runs here until Ctrl-C."""
    from deployments.serve import DeployedElsewhere, serve_all  # deferred: importing Prefect is slow
    from tasks.resume import ensure_result_storage

    ensure_result_storage()  # with P2V_STORAGE_URL: the results block the served runs write to (else a no-op)
    try:
        serve_all(limit=limit, schedules=schedules)
    except DeployedElsewhere as exc:
        typer.echo(str(exc), err=True)
        raise typer.Exit(1) from None


if __name__ == "__main__":
    app()
