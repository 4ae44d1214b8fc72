"""The image step: one picture per scene that needs one, drawn by the OpenAI Images API (docs/images.md)."""

import time

from prefect import task
from prefect.cache_policies import INPUTS, TASK_SOURCE
from prefect.logging import get_run_logger

from services.media.openai_images import PROVIDER, DrawnImage, ImageRequest, OpenAIImages
from services.settings import get_settings
from tasks.limits import retry_unless_handled
from tasks.resume import IntactInputs, result_storage, step_timeout

IMAGES_TAG = PROVIDER
"""`prefect concurrency-limit create openai-images N` caps how many pictures are drawn at once."""


@task(
    name="generate_scene_image",
    task_run_name="generate-image-{request.scene_index}",
    retries=1,
    retry_delay_seconds=[10],
    retry_condition_fn=retry_unless_handled,
    tags=[IMAGES_TAG],
    timeout_seconds=step_timeout(),
    cache_policy=IntactInputs(base=INPUTS + TASK_SOURCE),
    persist_result=True,
    result_storage=result_storage(),
)
def generate_scene_image(request: ImageRequest) -> DrawnImage:
    """Draw one scene's picture; cached by the request (prompt, model, size, quality) while its file exists."""
    started = time.monotonic()
    drawn = OpenAIImages.from_settings(get_settings()).draw(request)
    asset = drawn.asset
    how = f"drew it ({drawn.total_tokens or '?'} tokens)" if drawn.made else "reused it from the image cache"
    get_run_logger().info(
        "scene %d: %s %dx%d, %s in %.1f s",
        request.scene_index, request.model, asset.width, asset.height, how, time.monotonic() - started,
    )  # fmt: skip
    return drawn
