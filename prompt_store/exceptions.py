"""Typed errors of the prompt store; `api/prompts_cli.py` turns them into friendly messages."""

from services.exceptions import InvalidRequest, P2VError


class PromptStoreError(P2VError):
    """Base of every error the prompt store raises on purpose."""


class InvalidPromptInput(InvalidRequest, PromptStoreError):
    """A name, text, type, tag or parameters value was rejected before anything was written."""


class PromptNotFound(PromptStoreError):
    def __init__(self, name: str) -> None:
        super().__init__(f"no prompt named {name!r}")
        self.name = name


class PromptAlreadyExists(PromptStoreError):
    def __init__(self, name: str) -> None:
        super().__init__(f"a prompt named {name!r} already exists; commit a new version instead")
        self.name = name


class VersionNotFound(PromptStoreError):
    def __init__(self, name: str, version: int) -> None:
        super().__init__(f"prompt {name!r} has no version {version}")
        self.name = name
        self.version = version


class AlreadyActive(PromptStoreError):
    def __init__(self, name: str, version: int) -> None:
        super().__init__(f"version {version} of {name!r} is already the active version")
        self.name = name
        self.version = version


class UserPromptNotFound(PromptStoreError):
    def __init__(self, key: str) -> None:
        super().__init__(f"no user prompt or run matches {key!r}")
        self.key = key


class SchemaOutOfDate(PromptStoreError):
    """The database schema is missing, older or newer than this code expects."""

    def __init__(self, current: str | None, expected: str) -> None:
        if current is None:
            hint = "the database has no prompt-store schema yet; run `p2v db upgrade`"
        else:
            hint = (
                f"the database schema is at revision {current}, this code needs {expected}; "
                "run `p2v db upgrade` (or upgrade the package if the database is newer)"
            )
        super().__init__(hint)
        self.current = current
        self.expected = expected


class DatabaseUnavailable(PromptStoreError):
    """The database could not be reached; the message names the cause, never the password."""

    def __init__(self, cause: str) -> None:
        super().__init__(f"cannot reach the prompt-store database: {cause}")


class EmbeddingError(PromptStoreError):
    """An embedding model failed; the message never carries an API key."""

    def __init__(self, model: str, message: str) -> None:
        super().__init__(f"embedding with {model!r} failed: {message}")
        self.model = model


class EmbeddingKeyRefused(EmbeddingError):
    """The embedding service refused the API key (401/403): retrying cannot help."""


class UnknownEmbeddingModel(PromptStoreError):
    def __init__(self, model: str, known: list[str]) -> None:
        super().__init__(f"unknown embedding model {model!r}; known: {', '.join(known)}")
        self.model = model


class LabelNotFound(PromptStoreError):
    def __init__(self, name: str, label: str) -> None:
        super().__init__(f"prompt {name!r} has no label {label!r}")
        self.name = name
        self.label = label


class LabelAlreadyThere(PromptStoreError):
    def __init__(self, name: str, label: str, version: int) -> None:
        super().__init__(f"label {label!r} of {name!r} already points at version {version}")
        self.name = name
        self.label = label
        self.version = version


class TemplateError(InvalidPromptInput):
    """A placeholder or variable was rejected; `position` is the 0-based character offset in the text, if any."""

    def __init__(self, message: str, *, position: int | None = None, field: str = "text") -> None:
        super().__init__(field, message)
        self.position = position
