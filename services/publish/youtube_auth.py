"""OAuth for an installed app: authorize once, keep a refreshable token in a private file.

The token file holds the refresh token and the OAuth client secret: it is written with mode 0600 in a
folder outside the repository, and neither its content nor a token ever reaches a log line or an error.
"""

import json
import os
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from google.oauth2.credentials import Credentials

from services.exceptions import PublishRefused
from services.youtube_settings import READONLY_SCOPE, SCOPES, UPLOAD_SCOPE, YouTubeSettings

SCOPE_NEEDS = {
    UPLOAD_SCOPE: 'upload videos ("Manage your YouTube videos")',
    READONLY_SCOPE: 'find an earlier upload of the same video after a crash ("View your YouTube account")',
}


def load_credentials(settings: YouTubeSettings, *, token_info: dict[str, Any] | None = None) -> Credentials:
    """Credentials from `token_info` (e.g. a Prefect Secret block's JSON) or else the token file."""
    if token_info is None:
        path = settings.token_file.expanduser()
        if not path.is_file():
            raise PublishRefused(f"no YouTube token at {path}; run `p2v youtube auth` first")
        try:
            token_info = json.loads(path.read_text(encoding="utf-8"))
        except ValueError:
            raise PublishRefused(f"the YouTube token file {path} is not JSON; run `p2v youtube auth` again") from None
    if not isinstance(token_info, dict):
        raise PublishRefused("the YouTube token is not a JSON object; run `p2v youtube auth` again")
    missing = {"refresh_token", "client_id", "client_secret"} - token_info.keys()
    if missing:
        raise PublishRefused(f"the YouTube token lacks {', '.join(sorted(missing))}; run `p2v youtube auth` again")
    credentials = Credentials.from_authorized_user_info(token_info, scopes=list(SCOPES))
    if settings.token_uri:
        # google-auth always refreshes against Google's endpoint (a token file cannot redirect the refresh
        # token elsewhere); only our own settings may, e.g. for a fake server in tests.
        credentials = credentials.with_token_uri(settings.token_uri)
    return credentials


def save_token(credentials: Credentials, path: Path) -> Path:
    """Write the token JSON readable by its owner only (0600, folder 0700), atomically."""
    path = path.expanduser()
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    partial = path.with_name(f".{path.name}.{os.getpid()}.partial")
    fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        os.fchmod(handle.fileno(), 0o600)  # O_CREAT's mode does not apply to a leftover partial file
        handle.write(credentials.to_json())
    os.replace(partial, path)
    return path


def authorize(
    client_secrets: Path, *, open_browser: bool = True, port: int = 0, browser: str | None = None
) -> Credentials:
    """Run Google's installed-app flow: a browser consent page, then a redirect to a loopback port."""
    from google_auth_oauthlib.flow import InstalledAppFlow

    flow = InstalledAppFlow.from_client_secrets_file(str(client_secrets.expanduser()), scopes=list(SCOPES))
    # The user may untick a permission on the consent screen; oauthlib would then raise a bare "Scope has
    # changed" Warning. Relaxed, it returns the token and we say which permission is missing.
    with _relaxed_scope():
        credentials = flow.run_local_server(
            port=port, open_browser=open_browser, browser=browser, access_type="offline", prompt="consent"
        )
    missing = missing_scopes(credentials.granted_scopes)
    if missing:
        needs = "; ".join(f"{scope} (to {SCOPE_NEEDS[scope]})" for scope in missing)
        raise PublishRefused(
            f"Google did not grant {needs}. Run `p2v youtube auth` again and allow every permission on the "
            "consent screen; no token was saved."
        )
    if not credentials.refresh_token:
        raise PublishRefused("Google returned no refresh token; revoke the app's access and authorize again")
    return credentials


def missing_scopes(granted: Iterable[str] | str | None) -> list[str]:
    """The scopes we asked for that the token response's `scope` lacks (RFC 6749: absent means all granted)."""
    if granted is None:
        return []
    have = set(granted.split() if isinstance(granted, str) else granted)
    return [scope for scope in SCOPES if scope not in have]


@contextmanager
def _relaxed_scope() -> Iterator[None]:
    before = os.environ.get("OAUTHLIB_RELAX_TOKEN_SCOPE")
    os.environ["OAUTHLIB_RELAX_TOKEN_SCOPE"] = "1"
    try:
        yield
    finally:
        if before is None:
            os.environ.pop("OAUTHLIB_RELAX_TOKEN_SCOPE", None)
        else:
            os.environ["OAUTHLIB_RELAX_TOKEN_SCOPE"] = before
