"""`p2v users ...`: API users and their tokens. A token is printed once, when made; only its hash is stored."""

from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from api.prompts_cli import friendly
from prompt_store.users import UserTokens, get_user_tokens

users_app = typer.Typer(help="REST API users and their tokens.", no_args_is_help=True)
console = Console()
Name = Annotated[str, typer.Argument(help="User name: 1-63 of a-z, 0-9, '_', '.', '-'.")]


def _users() -> UserTokens:
    return get_user_tokens()


def _print_token(token: str, what: str) -> None:
    console.print(f"{what}. The token is shown only now; keep it secret:", soft_wrap=True)
    print(token)  # plain stdout, no markup or wrapping: scripts read it with $(p2v users add NAME | tail -1)


@users_app.command("add")
@friendly
def add(name: Name) -> None:
    """Create a user and print their API token (once)."""
    _print_token(_users().add(name), f"User {name} added")


@users_app.command("rotate")
@friendly
def rotate(name: Name) -> None:
    """Give a user a new token (printed once); the old one stops working at once."""
    _print_token(_users().rotate(name), f"New token for {name}")


@users_app.command("revoke")
@friendly
def revoke(name: Name) -> None:
    """Stop a user's token from working (their records stay; `rotate` gives them a new one)."""
    _users().revoke(name)
    console.print(f"Token of {name} revoked.")


@users_app.command("list")
@friendly
def list_users(
    json_output: Annotated[bool, typer.Option("--json", help="Print JSON instead of a table.")] = False,
) -> None:
    """Users, whether their token is active, and when it was made or revoked (never the token)."""
    users = _users().list_all()
    if json_output:
        print("[" + ",".join(u.model_dump_json() for u in users) + "]")
        return
    table = Table("user", "token", "token made", "revoked")
    for u in users:
        made = f"{u.token_created_at:%Y-%m-%d %H:%M}" if u.token_created_at else ""
        revoked = f"{u.revoked_at:%Y-%m-%d %H:%M}" if u.revoked_at else ""
        table.add_row(u.username, "active" if u.active else "none", made, revoked)
    console.print(table)
