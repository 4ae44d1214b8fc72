"""`p2v youtube auth/status`: the installed-app flow against the fake's token endpoint, a private token file."""

import json
import stat
import threading
import webbrowser
from pathlib import Path
from urllib.parse import parse_qs, urlencode, urlsplit

import httpx
import pytest
import typer
from typer.testing import CliRunner

from api.youtube_cli import youtube_app
from tests.fakes.youtube import AUTH_CODE, CLIENT_ID, CLIENT_SECRET, REFRESH_TOKEN, FakeYouTube

runner = CliRunner(env={"COLUMNS": "500"})  # rich wraps at the terminal width: wide, so no test depends on it
app = typer.Typer()
app.add_typer(youtube_app, name="youtube")


def said(result) -> str:  # noqa: ANN001 - a click Result
    """The output with rich's line wrapping undone: assertions hold at any terminal width and path length."""
    return " ".join(result.output.split())


class ConsentingBrowser(webbrowser.BaseBrowser):
    """Plays the user who clicks "Allow": sends Google's redirect with a code to the flow's loopback server."""

    def __init__(self) -> None:
        super().__init__("consenting")
        self.opened: list[str] = []

    def open(self, url: str, new: int = 0, autoraise: bool = True) -> bool:
        self.opened.append(url)
        query = {k: v[0] for k, v in parse_qs(urlsplit(url).query).items()}
        redirect = f"{query['redirect_uri']}?{urlencode({'state': query['state'], 'code': AUTH_CODE})}"
        threading.Thread(target=httpx.get, args=(redirect,), daemon=True).start()
        return True


@pytest.fixture
def client_secrets(fake_youtube: FakeYouTube, tmp_path: Path) -> Path:
    installed = {
        "client_id": CLIENT_ID,
        "client_secret": CLIENT_SECRET,
        "auth_uri": fake_youtube.base_url + "auth",
        "token_uri": fake_youtube.token_uri,
        "redirect_uris": ["http://localhost"],
    }
    path = tmp_path / "client.json"
    path.write_text(json.dumps({"installed": installed}), encoding="utf-8")
    return path


def test_auth_stores_a_private_refreshable_token(client_secrets, tmp_path, monkeypatch, fake_youtube) -> None:
    monkeypatch.setenv("OAUTHLIB_INSECURE_TRANSPORT", "1")  # the fake token endpoint is plain http on loopback
    browser = ConsentingBrowser()
    webbrowser.register("p2v-consenting", None, browser)
    token_file = tmp_path / "private" / "token.json"
    args = ["youtube", "auth", "--client-secrets", str(client_secrets), "--token-file", str(token_file)]
    result = runner.invoke(app, [*args, "--browser", "p2v-consenting"])

    assert result.exit_code == 0, result.output
    assert "Authorized" in said(result) and len(browser.opened) == 1
    assert "youtube.upload" in parse_qs(urlsplit(browser.opened[0]).query)["scope"][0]
    assert stat.S_IMODE(token_file.stat().st_mode) == 0o600
    assert stat.S_IMODE(token_file.parent.stat().st_mode) == 0o700
    assert json.loads(token_file.read_text())["refresh_token"] == REFRESH_TOKEN

    status = runner.invoke(app, ["youtube", "status", "--token-file", str(token_file)])
    assert status.exit_code == 0 and "Refresh token: present" in said(status)
    for secret in fake_youtube.secrets():
        assert secret not in result.output + status.output


def test_auth_names_the_scope_the_user_did_not_grant(client_secrets, tmp_path, monkeypatch, fake_youtube) -> None:
    monkeypatch.setenv("OAUTHLIB_INSECURE_TRANSPORT", "1")
    fake_youtube.granted_scopes = ("https://www.googleapis.com/auth/youtube.upload",)  # readonly was unticked
    webbrowser.register("p2v-consenting-partly", None, ConsentingBrowser())
    token_file = tmp_path / "private" / "token.json"
    args = ["youtube", "auth", "--client-secrets", str(client_secrets), "--token-file", str(token_file)]
    result = runner.invoke(app, [*args, "--browser", "p2v-consenting-partly"])

    said = " ".join(result.output.split()).partition("Authorization failed")[2].partition("Please visit")[0]
    assert result.exit_code == 1 and said
    assert "did not grant https://www.googleapis.com/auth/youtube.readonly" in said
    assert "youtube.upload" not in said, "only the missing scope is named"
    assert "p2v youtube auth" in said and not token_file.exists()


def test_auth_without_a_client_file_explains_where_to_get_one(tmp_path) -> None:
    result = runner.invoke(app, ["youtube", "auth", "--client-secrets", str(tmp_path / "missing.json")])
    assert result.exit_code == 1 and "Desktop app" in said(result)


def test_status_without_a_token_says_how_to_authorize(tmp_path) -> None:
    result = runner.invoke(app, ["youtube", "status", "--token-file", str(tmp_path / "none.json")])
    assert result.exit_code == 1 and "Run `p2v youtube auth`" in said(result)


def test_run_refuses_an_unknown_publish_target() -> None:
    from api.cli import app as p2v

    result = runner.invoke(p2v, ["run", "a video about rivers", "--publish-to", "vimeo"])
    assert result.exit_code == 2 and "publish_target" in result.output
