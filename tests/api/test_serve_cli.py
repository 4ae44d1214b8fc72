import typer
from typer.testing import CliRunner

from api import serve_cli


def _run() -> None:
    """Stand-in for `p2v run`: with two commands typer keeps the sub-command names."""


def test_serve_mounts_as_a_p2v_subcommand() -> None:
    p2v = typer.Typer()
    p2v.command("run")(_run)
    p2v.add_typer(serve_cli.app, name="serve")
    result = CliRunner(env={"COLUMNS": "500"}).invoke(p2v, ["serve", "--help"])
    assert result.exit_code == 0 and "--limit" in result.stdout and "--no-schedules" in result.stdout


def test_serve_runs_two_flow_runs_at_once_unless_told() -> None:
    import inspect

    from deployments.serve import serve_all

    assert inspect.signature(serve_cli.serve).parameters["limit"].default == 2
    assert inspect.signature(serve_all).parameters["limit"].default == 2
    result = CliRunner().invoke(serve_cli.app, ["--limit", "0"])
    assert result.exit_code == 2  # at least one run at once
