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


class ProviderError(P2VError):
    """An external service (OpenAI, Pexels, ...) failed; `status` is its HTTP status when it answered.

    Messages name the provider and never carry a key, a request URL or a request header.
    """

    retryable = True

    def __init__(self, provider: str, message: str, *, status: int | None = None) -> None:
        prefix = f"{provider}: HTTP {status}" if status is not None else provider
        super().__init__(f"{prefix}: {message}")
        self.provider = provider
        self.status = status
        self.reason = message


class ProviderAuthError(ProviderError):
    """The provider refused our credentials (401/403, or its own 'bad key' answer): retrying cannot help."""

    retryable = False


class ProviderForbidden(ProviderAuthError):
    """403: the provider (or an edge in front of it) refused this request or client, not necessarily the key."""


class ProviderRequestRefused(ProviderError):
    """The provider rejected the request itself (other 4xx): retrying the same request cannot help."""

    retryable = False


class ProviderResponseError(ProviderError):
    """The provider answered 2xx with a body we cannot use (malformed JSON, unexpected shape)."""


class MediaSearchFailed(StepError):
    """Every provider that was asked for a scene failed; the scene falls back to a generated visual."""

    def __init__(self, scene_index: int, failures: list[str]) -> None:
        super().__init__("search_media", f"scene {scene_index}: every provider failed: " + "; ".join(failures))
        self.scene_index = scene_index
        self.failures = failures


class NarrationError(StepError):
    """Speech synthesis failed for a scene."""

    def __init__(self, message: str) -> None:
        super().__init__("narration", message)


class PublishRefused(PublishError):
    """The target refused the publication (quota, credentials, policy): retrying cannot help."""


class PlannerStopped(StepError):
    """The model stopped before a usable answer (output token limit, content filter, refusal): retrying as-is
    would bill the same call again, so Prefect must not retry it."""

    def __init__(self, step: str, reason: str, message: str) -> None:
        super().__init__(step, message)
        self.reason = reason


class UnlicensedMedia(PublishError):
    """The timeline holds stock previews that were never licensed; they may go into drafts, never be published."""
