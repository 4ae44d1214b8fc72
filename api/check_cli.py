"""`p2v check VIDEO_DIR`: measure a published video against the quality targets."""

from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from services.exceptions import P2VError
from services.quality import NotAVideoFolder, QualityReport, check_video_folder

console = Console()
errors = Console(stderr=True)


def check(
    video_dir: Annotated[Path, typer.Argument(help="A published video folder (video.mp4 + metadata.json).")],
    as_json: Annotated[bool, typer.Option("--json", help="Print the report as JSON instead of a table.")] = False,
) -> None:
    """Report length, pauses, loudness, fallbacks, upscaling, loop jumps and leaked instruction words.

    Exit code 0 when every target passes, 1 when one fails, 2 when VIDEO_DIR is not a video folder.
    """
    try:
        report = check_video_folder(video_dir)
    except NotAVideoFolder as exc:
        errors.print(f"[red]Not a video folder:[/] {exc}", soft_wrap=True)
        raise typer.Exit(2) from None
    except P2VError as exc:
        errors.print(f"[red]Check failed:[/] {exc}", soft_wrap=True)
        raise typer.Exit(1) from None
    if as_json:
        typer.echo(report.model_dump_json(indent=2))
    else:
        _print(report)
    raise typer.Exit(0 if report.passed else 1)


def _print(report: QualityReport) -> None:
    table = Table(title=f"Quality of {report.title or report.folder}")
    for column in ("check", "measured", "target", "result"):
        table.add_column(column)
    for target in report.targets:
        verdict = "[green]pass[/]" if target.passed else "[red]FAIL[/]"
        table.add_row(target.name, target.measured, target.target, verdict)
    upscale = report.upscale
    over = ", ".join(f"scene {s.scene} shot {s.shot}: {s.factor:.1f}x" for s in upscale.over_limit)
    largest = f"max {upscale.max_factor:.2f}x" if upscale.max_factor is not None else "unknown"
    table.add_row("upscale", largest + (f"; over 2x: {over}" if over else ""), "info", "")
    fallbacks = ", ".join(str(i) for i in report.fallback_scenes) or "none"
    table.add_row("generated cards", f"scenes {fallbacks}" if report.fallback_scenes else fallbacks, "info", "")
    console.print(table)
    console.print("[green]All targets pass.[/]" if report.passed else "[red]Some targets fail.[/]")
