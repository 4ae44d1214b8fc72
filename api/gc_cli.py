"""`p2v gc`: apply the retention policy (services/retention.py, docs/operations.md) now and say what it freed.

Mounted on the main CLI as `p2v gc`. Safe while runs are active: files used within P2V_RETENTION_GRACE_S stay.
"""

from typing import Annotated

import typer
from rich.console import Console

from services.retention import Collection, collect, retained_folders
from services.settings import get_settings
from services.storage.parameters_gc import ParametersCollection, collect_parameters

app = typer.Typer(help="Delete old renders, narration, generated images and result records.")
console = Console()


@app.callback(invoke_without_command=True)
def gc(
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Only list what would be deleted.")] = False,
) -> None:
    """Delete what the retention policy says is no longer needed (P2V_RETENTION_DAYS, P2V_WORK_MAX_BYTES)."""
    settings = get_settings()
    done = collect(settings, dry_run=dry_run)
    if done.skipped_busy:
        console.print("Another collection is running; nothing done.")
        raise typer.Exit(1)
    _report(done, list(retained_folders(settings)))
    _report_parameters(collect_parameters(settings, dry_run=dry_run))


def _report(done: Collection, kinds: list[str]) -> None:
    verb = "Would free" if done.dry_run else "Freed"
    for unit in done.removed if done.dry_run else []:
        console.print(f"  {unit.kind}: {unit.paths[0]} ({_size(unit.size)})", soft_wrap=True)
    counts = ", ".join(f"{kind} {sum(u.kind == kind for u in done.removed)}" for kind in kinds)
    console.print(f"{verb} {_size(done.freed_bytes)} of {_size(done.bytes_before)} ({counts}).", soft_wrap=True)
    recent = f"{done.kept_recent} over a cap but used within the grace period"
    console.print(f"Kept {done.kept + done.kept_recent} item(s) ({recent}).", soft_wrap=True)


def _report_parameters(done: ParametersCollection | None) -> None:
    """The bucket's parameter objects of background task runs (services/storage/parameters_gc.py)."""
    if done is not None:
        verb = "would remove" if done.dry_run else "removed"
        removed = f"{len(done.removed)} background-run parameter object(s) ({_size(done.freed_bytes)})"
        console.print(f"Bucket: {verb} {removed}, kept {done.kept}.", soft_wrap=True)


def _size(size: int) -> str:
    return f"{size / 1e6:.1f} MB" if size >= 100_000 else f"{size / 1e3:.1f} KB"


if __name__ == "__main__":
    app()
