"""Tags on flow runs started by the REST API: who asked (ownership) and that the API started it (admission)."""

from collections.abc import Iterable

API_TAG = "p2v-api"
USER_TAG_PREFIX = "p2v-user:"


def user_tag(username: str) -> str:
    return f"{USER_TAG_PREFIX}{username}"


def user_from_tags(tags: Iterable[str]) -> str | None:
    """The API user a run belongs to, or None for a run the API did not start."""
    tags = list(tags)
    users = [t.removeprefix(USER_TAG_PREFIX) for t in tags if t.startswith(USER_TAG_PREFIX)]
    return users[0] if len(users) == 1 and API_TAG in tags else None
