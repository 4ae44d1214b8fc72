"""Between media search and merge: scenes that stock footage does not fit get a picture drawn (docs/images.md).

P2V_IMAGE_GENERATION picks the scenes (never / fallback: best stock below P2V_IMAGE_MIN_STOCK_SCORE / always).
A drawn picture becomes the scene's only candidate, so the timeline shows it (with the Ken Burns motion of stills).
A scene whose drawing fails keeps its stock candidates, else gets the title card; the `generated-images` artifact
says which, and why, and how many pictures were paid for.
"""

from typing import Literal

from prefect.artifacts import create_table_artifact
from prefect.futures import PrefectFuture
from prefect.logging import get_run_logger
from pydantic import BaseModel

from flows.artifacts import escape_markdown
from services.media.image_prompt import video_style
from services.media.openai_images import DrawnImage, ImageRequest, image_mode, image_request, scenes_to_draw
from services.models import MediaAsset, Storyboard
from services.settings import Settings, get_settings
from tasks.images import generate_scene_image

Fallbacks = list[tuple[int, str]]


class ImageOutcome(BaseModel):
    """One scene's drawing, as the artifact shows it."""

    scene: int
    status: Literal["made", "reused", "failed"]
    stands_in: Literal["image", "stock", "card"]
    reason: str = ""
    tokens: int | None = None


def draw_scenes(
    storyboard: Storyboard, candidates: list[list[MediaAsset]], fallbacks: Fallbacks
) -> tuple[list[list[MediaAsset]], Fallbacks]:
    """The candidates with drawn pictures in place of weak or missing stock, and the card fallbacks that remain."""
    settings = get_settings()
    best = [max((a.score for a in found), default=None) for found in candidates]
    wanted = scenes_to_draw(best, image_mode(settings), settings.image_min_stock_score)
    if not wanted:
        return candidates, fallbacks
    requests = _requests(storyboard, wanted, settings)
    futures = generate_scene_image.map(requests)
    candidates = [list(found) for found in candidates]
    reasons = dict(fallbacks)
    outcomes = []
    for position, request, future in zip(wanted, requests, futures, strict=True):
        outcome = _settle(request, future, has_stock=bool(candidates[position]))
        outcomes.append(outcome)
        if outcome.stands_in == "image":
            candidates[position] = [future.result().asset]
            reasons.pop(request.scene_index, None)
        elif outcome.stands_in == "card":
            earlier = reasons.get(request.scene_index, "no candidate fits the scene")
            reasons[request.scene_index] = f"{earlier}; image generation failed: {outcome.reason}"
    images_artifact(outcomes, requests[0])
    return candidates, sorted(reasons.items())


def _requests(storyboard: Storyboard, positions: list[int], settings: Settings) -> list[ImageRequest]:
    style = video_style(storyboard)
    return [
        image_request(storyboard.scenes[i], aspect=storyboard.aspect, style=style, model=settings.image_model,
                      quality=settings.image_quality, size=settings.image_size)
        for i in positions
    ]  # fmt: skip


def _settle(request: ImageRequest, future: PrefectFuture, *, has_stock: bool) -> ImageOutcome:
    drawn = future.result(raise_on_failure=False)
    if isinstance(drawn, DrawnImage):
        reused = not drawn.made or future.state.name == "Cached"
        tokens = None if reused else drawn.total_tokens
        return ImageOutcome(scene=request.scene_index, status="reused" if reused else "made", stands_in="image",
                            tokens=tokens)  # fmt: skip
    stands_in: Literal["stock", "card"] = "stock" if has_stock else "card"
    get_run_logger().warning(
        "scene %d: image generation failed (%s); %s stands in", request.scene_index, drawn,
        "the best stock footage" if has_stock else "a title card",
    )  # fmt: skip
    return ImageOutcome(scene=request.scene_index, status="failed", stands_in=stands_in, reason=str(drawn))


def images_artifact(outcomes: list[ImageOutcome], sample: ImageRequest) -> None:
    """The spend (pictures paid for, reused, failed) and per scene what was shown and why."""
    made = sum(o.status == "made" for o in outcomes)
    reused = sum(o.status == "reused" for o in outcomes)
    failed = [o for o in outcomes if o.status == "failed"]
    get_run_logger().info("images: %d made (paid), %d reused from the cache, %d failed", made, reused, len(failed))
    create_table_artifact(
        key="generated-images",
        table=[
            {
                "scene": o.scene,
                "image": o.status,
                "shown": o.stands_in,
                "tokens": o.tokens,
                "why": escape_markdown(o.reason),
            }
            for o in outcomes
        ],
        description=f"{made} image(s) made with {sample.model} ({sample.size}, quality {sample.quality}), "
        f"{reused} reused from the cache, {len(failed)} failed"
        + (": scenes " + ", ".join(f"{o.scene} ({o.stands_in})" for o in failed) if failed else ""),
    )
