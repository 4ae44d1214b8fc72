"""A progress artifact in the Prefect UI, moved along by a plain callable that services/ can call."""

from uuid import UUID

from prefect.artifacts import create_progress_artifact, update_progress_artifact
from prefect.logging import get_run_logger

STEP_PERCENT = 5.0


class ProgressArtifact:
    """Callable `(fraction) -> None` that updates one progress artifact, at most every STEP_PERCENT points.

    Failing to update the artifact only logs a warning: the UI is a courtesy, the render must not fail for it.
    """

    def __init__(self, key: str, description: str) -> None:
        self.shown = 0.0
        self.artifact_id: UUID | None = None
        try:
            self.artifact_id = create_progress_artifact(progress=0.0, key=key, description=description)
        except Exception as exc:  # noqa: BLE001 - see class docstring
            get_run_logger().warning("progress artifact not created: %s", exc)

    def __call__(self, fraction: float) -> None:
        percent = round(max(0.0, min(1.0, fraction)) * 100, 1)
        if self.artifact_id is None or (percent - self.shown < STEP_PERCENT and percent < 100):
            return
        if percent <= self.shown:
            return
        try:
            update_progress_artifact(artifact_id=self.artifact_id, progress=percent)
            self.shown = percent
        except Exception as exc:  # noqa: BLE001 - see class docstring
            get_run_logger().warning("progress artifact not updated: %s", exc)
