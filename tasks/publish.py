import json
from pathlib import Path
from typing import Any
from urllib.parse import urlparse
from urllib.request import url2pathname

from prefect import task
from prefect.logging import get_run_logger

from prompt_store import get_ledger
from services.models import Publication, PublishTarget, RenderedVideo, Timeline
from services.publish import publish
from services.retention import collect
from services.settings import Settings, get_settings
from tasks.resume import retry_unless_permanent, step_timeout
from tasks.storage import StepStorage, step_storage


def _token_from_block(settings: Settings) -> dict[str, Any] | None:
    """The YouTube token from a Prefect Secret block, when one is configured instead of the token file."""
    if settings.youtube.token_block is None:
        return None
    from prefect.blocks.system import Secret

    value = Secret.load(settings.youtube.token_block).get()
    return value if isinstance(value, dict) else json.loads(value)


@task(
    name="publish_video",
    retries=2,
    retry_delay_seconds=[5, 30],
    retry_condition_fn=retry_unless_permanent,
    timeout_seconds=step_timeout(),
)
def publish_video(
    video: RenderedVideo, timeline: Timeline, target: PublishTarget = "local", output_dir: Path | None = None
) -> Publication:
    """Publish the rendered video to its target, once per video (reruns return the recorded publication)."""
    settings = get_settings()
    token_info = _token_from_block(settings) if target == "youtube" else None
    with step_storage(settings) as files:
        publication = publish(
            files.local(video),
            timeline,
            target=target,
            settings=settings,
            ledger=get_ledger,
            output_dir=output_dir,
            token_info=token_info,
        )
        _share_folder(files, publication.url)
    get_run_logger().info("published to %s: %s", publication.target, publication.url)
    _apply_retention(settings)
    return publication


def _share_folder(files: StepStorage, url: str) -> None:
    """A local publication's files also go to object storage (`published/<folder>/`), for the other machines."""
    if files.folder is None or not url.startswith("file:"):
        return
    folder = Path(url2pathname(urlparse(url).path)).parent
    for path in sorted(p for p in folder.iterdir() if p.is_file() and not p.name.startswith(".")):
        files.store.put(path, f"published/{folder.name}/{path.name}")


def _apply_retention(settings: Settings) -> None:
    """The retention policy after each publication (docs/operations.md); cleaning never fails a publication."""
    logger = get_run_logger()
    try:
        done = collect(settings)
    except OSError as exc:
        logger.warning("retention after publishing skipped: %s", exc)
        return
    if done.removed:
        logger.info("retention: freed %.1f MB in %d old item(s)", done.freed_bytes / 1e6, len(done.removed))
