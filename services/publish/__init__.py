"""Publishers, chosen by the run's `publish_target`."""

from collections.abc import Callable
from pathlib import Path

from services.publish.base import Publisher
from services.publish.local import LocalPublisher
from services.settings import Settings

__all__ = ["Publisher", "build_publisher"]

PUBLISHERS: dict[str, Callable[[Settings, Path | None], Publisher]] = {
    "local": lambda settings, output_dir: LocalPublisher(output_dir or settings.output_dir),
}


def build_publisher(target: str, settings: Settings, *, output_dir: Path | None = None) -> Publisher:
    return PUBLISHERS[target](settings, output_dir)
