"""Typed errors raised by services; `api/` turns them into friendly messages."""


class P2VError(Exception):
    """Base of every error this project raises on purpose."""


class InvalidRequest(P2VError):
    """A run parameter failed validation; `field` names it."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}")
        self.field = field
        self.message = message


class StepError(P2VError):
    """A pipeline step failed; the message names the step."""

    def __init__(self, step: str, message: str) -> None:
        super().__init__(f"[{step}] {message}")
        self.step = step


class ComposeError(StepError):
    """ffmpeg failed or timed out; carries its exit code and last stderr lines."""

    def __init__(self, message: str, *, returncode: int | None, stderr_tail: str) -> None:
        detail = f"{message} (exit code {returncode})" if returncode is not None else message
        if stderr_tail:
            detail += f"\nffmpeg said:\n{stderr_tail}"
        super().__init__("compose", detail)
        self.returncode = returncode
        self.stderr_tail = stderr_tail


class MediaError(StepError):
    """A media file could not be read or generated."""

    def __init__(self, message: str) -> None:
        super().__init__("media", message)


class PublishError(StepError):
    """Publishing failed."""

    def __init__(self, message: str) -> None:
        super().__init__("publish", message)


class QueueUnavailable(P2VError):
    """The batch was asked to drain a prompt queue that is not configured."""
