"""`p2v youtube ...`: authorize uploads once, and check the stored token (never printing it)."""

import json
import stat
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.markup import escape

from services.exceptions import P2VError
from services.settings import get_settings

youtube_app = typer.Typer(
    help="Publish to YouTube: authorize this machine once, then `p2v run --publish-to youtube`.",
    no_args_is_help=True,
)
console = Console()
errors = Console(stderr=True)
_CLIENT_HELP = (
    "In the Google Cloud console, enable the YouTube Data API v3, create an OAuth client ID of type "
    "'Desktop app', download its JSON and save it there (or pass --client-secrets)."
)


@youtube_app.command()
def auth(
    client_secrets: Annotated[
        Path | None, typer.Option(help="OAuth client JSON (default: P2V_YOUTUBE_CLIENT_SECRETS_FILE).")
    ] = None,
    token_file: Annotated[
        Path | None, typer.Option(help="Where to store the token (default: P2V_YOUTUBE_TOKEN_FILE).")
    ] = None,
    open_browser: Annotated[bool, typer.Option("--open-browser/--no-browser", help="Open the consent page.")] = True,
    browser: Annotated[str | None, typer.Option(help="Browser to open (a Python `webbrowser` name).")] = None,
    port: Annotated[int, typer.Option(help="Loopback port for Google's redirect (0: any free port).")] = 0,
) -> None:
    """Authorize p2v to upload to your channel; stores a refreshable token readable only by you."""
    from services.publish.youtube_auth import authorize, save_token  # the `youtube` extra

    settings = get_settings().youtube
    secrets = (client_secrets or settings.client_secrets_file).expanduser()
    if not secrets.is_file():
        errors.print(f"[red]No OAuth client file at {escape(str(secrets))}.[/] {_CLIENT_HELP}")
        raise typer.Exit(1)
    try:
        credentials = authorize(secrets, open_browser=open_browser, browser=browser, port=port)
        path = save_token(credentials, token_file or settings.token_file)
    except P2VError as exc:
        errors.print(f"[red]Authorization failed:[/] {escape(str(exc))}")
        raise typer.Exit(1) from None
    console.print(f"[green]Authorized.[/] Refreshable token saved to {escape(str(path))} (mode 0600).", soft_wrap=True)


@youtube_app.command()
def status(
    token_file: Annotated[Path | None, typer.Option(help="Token file (default: P2V_YOUTUBE_TOKEN_FILE).")] = None,
) -> None:
    """Show where the token is and whether uploads can use it; the token itself is never shown."""
    settings = get_settings().youtube
    if settings.token_block and token_file is None:
        console.print(f"Token comes from the Prefect Secret block {escape(settings.token_block)!r}.")
        return
    path = (token_file or settings.token_file).expanduser()
    if not path.is_file():
        errors.print(f"[yellow]No token at {escape(str(path))}.[/] Run `p2v youtube auth`.")
        raise typer.Exit(1)
    try:
        info = json.loads(path.read_text(encoding="utf-8"))
    except ValueError:
        errors.print(f"[red]{escape(str(path))} is not JSON.[/] Run `p2v youtube auth` again.")
        raise typer.Exit(1) from None
    mode = stat.S_IMODE(path.stat().st_mode)
    console.print(f"Token file: {escape(str(path))} (mode {mode:04o})", soft_wrap=True)
    console.print(f"Refresh token: {'present' if info.get('refresh_token') else '[red]missing[/]'}")
    console.print(f"Scopes: {', '.join(info.get('scopes') or []) or 'unknown'}", soft_wrap=True)
    if mode & 0o077:
        errors.print("[yellow]Warning:[/] other users can read this file; run `chmod 600` on it.")
