"""Input checks run before any write, so bad input raises InvalidPromptInput and nothing is stored."""

import json
import math
import re
import unicodedata
from typing import Any, get_args

from pydantic import TypeAdapter, ValidationError

from prompt_store.exceptions import InvalidPromptInput
from prompt_store.schemas import PromptType
from services.models import LanguageTag

NAME_PATTERN = re.compile(r"^[a-z0-9][a-z0-9._-]{0,99}$")
TEXT_MAX_CHARS = 100_000
ACTOR_MAX_CHARS = 100
_TYPES: tuple[str, ...] = get_args(PromptType)
_LANGUAGE: TypeAdapter[str | None] = TypeAdapter(LanguageTag)


def check_name(name: str) -> str:
    if not isinstance(name, str) or not NAME_PATTERN.match(name):
        raise InvalidPromptInput(
            "name", f"{name!r} is not a prompt name: use 1-100 of a-z 0-9 . _ - (e.g. storyboard.system)"
        )
    return name


def check_text(text: str, field: str = "text") -> str:
    if "\x00" in text:
        raise InvalidPromptInput(field, "contains a NUL byte")
    if any(unicodedata.category(ch) == "Cs" for ch in text):
        raise InvalidPromptInput(field, "is not valid Unicode text")
    if not text.strip():
        raise InvalidPromptInput(field, "is empty")
    if len(text) > TEXT_MAX_CHARS:
        raise InvalidPromptInput(field, f"is longer than {TEXT_MAX_CHARS} characters")
    return text


def check_type(prompt_type: str) -> str:
    if prompt_type not in _TYPES:
        raise InvalidPromptInput("type", f"{prompt_type!r} is not one of {', '.join(_TYPES)}")
    return prompt_type


def check_tags(tags: list[str] | None) -> list[str]:
    cleaned: list[str] = []
    for tag in tags or []:
        if not isinstance(tag, str) or not tag.strip() or "\x00" in tag or len(tag) > 50:
            raise InvalidPromptInput("tags", f"{tag!r} is not a tag (1-50 characters, no NUL)")
        if tag.strip() not in cleaned:
            cleaned.append(tag.strip())
    return cleaned


def check_actor(actor: str) -> str:
    if not actor or "\x00" in actor or len(actor) > ACTOR_MAX_CHARS:
        raise InvalidPromptInput("author", f"{actor!r} is not a user name (1-100 characters)")
    return actor


def check_message(message: str) -> str:
    if "\x00" in message:
        raise InvalidPromptInput("message", "contains a NUL byte")
    return message


def check_language(language: str | None) -> str | None:
    try:
        return _LANGUAGE.validate_python(language)
    except ValidationError as exc:
        raise InvalidPromptInput("language", exc.errors()[0]["msg"]) from None


def check_metadata(metadata: dict[str, Any] | None) -> dict[str, Any]:
    """Free-form run metadata: any JSON object without NUL bytes."""
    if metadata is None:
        return {}
    if not isinstance(metadata, dict):
        raise InvalidPromptInput("metadata", "must be a JSON object")
    try:
        encoded = json.dumps(metadata, allow_nan=False, default=str)
    except (TypeError, ValueError) as exc:
        raise InvalidPromptInput("metadata", f"cannot be stored as JSON ({exc})") from None
    if "\\u0000" in encoded:
        raise InvalidPromptInput("metadata", "contains a NUL byte")
    return json.loads(encoded)


def parse_parameters(raw: str | dict[str, Any] | None) -> dict[str, Any]:
    """Parameters as a JSON object; known keys (model, temperature, max_tokens) are type-checked."""
    if raw is None:
        return {}
    if isinstance(raw, str):
        try:
            raw = json.loads(raw)
        except json.JSONDecodeError as exc:
            raise InvalidPromptInput("parameters", f"is not valid JSON ({exc.msg})") from None
    if not isinstance(raw, dict):
        raise InvalidPromptInput("parameters", 'must be a JSON object such as {"temperature": 0.7}')
    _check_known_parameters(raw)
    try:
        encoded = json.dumps(raw, allow_nan=False)
    except (TypeError, ValueError) as exc:
        raise InvalidPromptInput("parameters", f"cannot be stored as JSON ({exc})") from None
    if "\\u0000" in encoded:
        raise InvalidPromptInput("parameters", "contains a NUL byte")
    return raw


def _check_known_parameters(params: dict[str, Any]) -> None:
    if "model" in params and not (isinstance(params["model"], str) and params["model"].strip()):
        raise InvalidPromptInput("parameters", "model must be a non-empty string")
    if "temperature" in params:
        value = params["temperature"]
        if isinstance(value, bool) or not isinstance(value, int | float) or not 0 <= value <= 2:
            raise InvalidPromptInput("parameters", "temperature must be a number from 0 to 2")
        if isinstance(value, float) and not math.isfinite(value):
            raise InvalidPromptInput("parameters", "temperature must be finite")
    if "max_tokens" in params:
        value = params["max_tokens"]
        if isinstance(value, bool) or not isinstance(value, int) or value < 1:
            raise InvalidPromptInput("parameters", "max_tokens must be a positive integer")
