"""Every smooth-pan atlas of a one-graph render built before its picture graph starts (render.py).

Built inside the one graph, a still's phase atlas and the filters that made it (scale, the `perspective` pass and
its lookup table, `tile`) stay in memory until the render ends: ~48 MB per 1080p still. Built here, each in its own
short ffmpeg process (AtlasStore), several at once, the graph only reads each atlas back as one raw frame: the same
pixels, so the same video.
"""

import os
import re
from collections import Counter
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path

from services.compose.atlas import AtlasStore, atlas_key
from services.compose.kenburns import Motion, Shot
from services.compose.plan import RenderPlan
from services.compose.visuals import pan_shots
from services.exceptions import ComposeError

_INPUT_FAULT = re.compile(r"\[(?:in|ist|vist|dec)#0")
"""ffmpeg's tag of a message about the build's only input, the still."""
SINGLE_THREADED = ("-filter_threads", "1", "-filter_complex_threads", "1")


def pan_atlas_shots(plan: RenderPlan, motion: Motion) -> dict[str, tuple[int, Shot]]:
    """(scene index, shot) of the first still needing each distinct phase atlas, by atlas key; none unless panning."""
    if motion != "pan":
        return {}
    shots: dict[str, tuple[int, Shot]] = {}
    for scene in plan.scenes:
        for shot in pan_shots(scene, plan):
            shots.setdefault(atlas_key(shot, width=plan.width, height=plan.height), (scene.index, shot))
    return shots


def prebuild_atlases(
    plan: RenderPlan, motion: Motion, folder: Path, *, timeout_s: float, workers: int | None = None
) -> dict[str, Path]:
    """Build the render's phase atlases into `folder`, `workers` at once (default: one per core); files by key.

    With several builds at once each runs single-threaded: the cores are shared out by process, not by slice.
    The first failure cancels the builds not yet started and is raised naming the scene.
    """
    shots = pan_atlas_shots(plan, motion)
    if not shots:
        return {}
    count = max(1, min(len(shots), workers or os.cpu_count() or 1))
    store = AtlasStore(folder, Counter(), timeout_s=timeout_s, global_args=list(SINGLE_THREADED) if count > 1 else [])
    pool = ThreadPoolExecutor(max_workers=count, thread_name_prefix="atlas")
    try:
        futures: dict[str, Future[Path]] = {
            key: pool.submit(_build, store, index, shot, plan) for key, (index, shot) in shots.items()
        }
        return {key: future.result() for key, future in futures.items()}
    finally:
        pool.shutdown(wait=True, cancel_futures=True)


def _build(store: AtlasStore, index: int, shot: Shot, plan: RenderPlan) -> Path:
    try:
        return store.build(shot, width=plan.width, height=plan.height)
    except ComposeError as exc:
        if exc.returncode is None:
            name, limit = Path(shot.path).name, store.timeout_s
            problem = f"rendering the video: the pan of scene {index} ({name}) ran past its {limit:g} s timeout"
        elif shot.path in exc.stderr_tail or _INPUT_FAULT.search(exc.stderr_tail):
            problem = f"rendering the video failed: scene {index} cannot be decoded from {shot.path}"
        else:
            problem = f"rendering the video failed: the pan of scene {index} could not be prepared from {shot.path}"
        raise ComposeError(problem, returncode=exc.returncode, stderr_tail=exc.stderr_tail) from exc
