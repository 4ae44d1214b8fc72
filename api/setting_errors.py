"""Settings refused at start-up, as one line per setting: its P2V_ name and why, never its value (keys live there)."""

from pydantic import ValidationError


def setting_errors(exc: ValidationError) -> list[str]:
    lines = []
    for error in exc.errors():
        names = [f"P2V_{part}".upper() for part in error["loc"] if isinstance(part, str)]
        message = error["msg"].removeprefix("Value error, ")
        lines.append(f"Invalid setting {', '.join(names)}: {message}" if names else f"Invalid settings: {message}")
    return lines
