"""API users and their tokens: a token is shown once and only its SHA-256 is stored."""

import hashlib
import hmac
import re
import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime

from pydantic import BaseModel
from sqlalchemy import Engine, func, select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.orm import Session

from prompt_store import migrate
from prompt_store.exceptions import InvalidPromptInput, PromptStoreError
from prompt_store.models import User

USERNAME_PATTERN = re.compile(r"^[a-z0-9][a-z0-9_.-]{0,62}$")
TOKEN_PREFIX = "p2v_"


class UserNotFound(PromptStoreError):
    def __init__(self, username: str) -> None:
        super().__init__(f"no user named {username!r}")
        self.username = username


class UserHasToken(PromptStoreError):
    def __init__(self, username: str) -> None:
        super().__init__(f"user {username!r} already has a token; use `p2v users rotate {username}`")
        self.username = username


class UserInfo(BaseModel):
    """What `p2v users list` shows: never the token, not even its hash."""

    username: str
    created_at: datetime
    active: bool
    token_created_at: datetime | None
    revoked_at: datetime | None


def new_token() -> str:
    """256 bits from the OS's CSPRNG, URL-safe, with a recognisable prefix (for secret scanners)."""
    return TOKEN_PREFIX + secrets.token_urlsafe(32)


def token_digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8", "surrogatepass")).hexdigest()


def check_username(username: str) -> str:
    if not USERNAME_PATTERN.fullmatch(username):
        raise InvalidPromptInput("username", "use 1-63 of a-z, 0-9, '_', '.', '-', starting with a letter or digit")
    return username


def add_user(username: str, *, session: Session) -> str:
    """Create `username` (or give an existing user without a token one); returns the token."""
    check_username(username)
    session.execute(insert(User).values(username=username).on_conflict_do_nothing(index_elements=["username"]))
    user = _locked(username, session=session)
    if user.token_sha256 is not None:
        raise UserHasToken(username)
    return _issue(user)


def rotate_token(username: str, *, session: Session) -> str:
    """A new token for an existing user (a revoked one is re-enabled); the old token stops working."""
    return _issue(_locked(username, session=session))


def revoke_user(username: str, *, session: Session) -> None:
    """The user's token stops working at once; their rows (user prompts) stay."""
    user = _locked(username, session=session)
    user.token_sha256 = None
    user.revoked_at = func.now()


def list_users(*, session: Session) -> list[UserInfo]:
    rows = session.scalars(select(User).order_by(User.username)).all()
    return [
        UserInfo(
            username=u.username,
            created_at=u.created_at,
            active=u.token_sha256 is not None,
            token_created_at=u.token_created_at,
            revoked_at=u.revoked_at,
        )
        for u in rows
    ]


def authenticate(token: str, *, session: Session) -> str | None:
    """The username whose active token this is, else None."""
    digest = token_digest(token)
    found = session.execute(select(User.username, User.token_sha256).where(User.token_sha256 == digest)).first()
    if found is None or found.token_sha256 is None:
        return None
    return found.username if hmac.compare_digest(found.token_sha256, digest) else None


def _locked(username: str, *, session: Session) -> User:
    user = session.scalars(select(User).where(User.username == username).with_for_update()).one_or_none()
    if user is None:
        raise UserNotFound(username)
    return user


def _issue(user: User) -> str:
    token = new_token()
    user.token_sha256 = token_digest(token)
    user.token_created_at = func.now()
    user.revoked_at = None
    return token


class UserTokens:
    """The user operations, each in its own transaction, over one database."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self._checked = False

    @contextmanager
    def session(self) -> Iterator[Session]:
        if not self._checked:
            migrate.check_schema(self.engine)
            self._checked = True
        with Session(self.engine, expire_on_commit=False) as session, session.begin():
            yield session

    def add(self, username: str) -> str:
        with self.session() as s:
            return add_user(username, session=s)

    def rotate(self, username: str) -> str:
        with self.session() as s:
            return rotate_token(username, session=s)

    def revoke(self, username: str) -> None:
        with self.session() as s:
            revoke_user(username, session=s)

    def list_all(self) -> list[UserInfo]:
        with self.session() as s:
            return list_users(session=s)

    def authenticate(self, token: str) -> str | None:
        with self.session() as s:
            return authenticate(token, session=s)


def get_user_tokens() -> UserTokens:
    """The users of the configured database (the embedded one is migrated on first use)."""
    from prompt_store.api import get_store

    return UserTokens(get_store().engine)
