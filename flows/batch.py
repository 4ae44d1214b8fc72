"""The batch flow: a video for each prompt of a list, or for each queued user prompt, several at once.

Each video is a task run of `make_video` that runs the video flow as a subflow, or starts a run of a video
deployment and waits for it: with `deployment` set, the videos run on the pool's workers (two workers on
p2v-process make two videos at once), bounded by `max_parallel` and by the pool's and the tags' own limits.
One failure stops no other; the batch fails at the end, listing each outcome.
"""

from typing import Annotated, Any

from prefect import flow, task
from prefect.artifacts import create_table_artifact
from prefect.cache_policies import NO_CACHE
from prefect.exceptions import ObjectNotFound, PrefectHTTPStatusError
from prefect.futures import PrefectFuture, as_completed
from prefect.logging import get_run_logger
from prefect.runtime import flow_run
from prefect.states import State
from pydantic import Field

import prompt_store
from flows.deployment_runs import run_named
from flows.hooks import notify_failure
from flows.prompt_to_video import prompt_to_video
from services.batch import ListQueue, PromptOutcome, PromptQueue, QueuedPrompt
from services.exceptions import StepError
from services.models import Aspect, LanguageTag, OutputFolder, PublishTarget, SceneCount, TargetDuration
from tasks.resume import result_storage, step_timeout

MAX_BATCH = 100
MAX_PARALLEL = 16
VIDEO_TIMEOUT_STEPS = 4  # a video's time limit, in step time limits: it runs several steps


def prompt_queue(prompts: list[str] | None) -> PromptQueue:
    """The prompts given as a parameter, or else the prompt store's queue of user prompts."""
    if prompts is not None:
        return ListQueue(prompts)
    return StoreQueue()


class StoreQueue:
    """The prompt store's queue of user prompts; a made video marks its prompt done through its lineage."""

    def take(self, limit: int) -> list[QueuedPrompt]:
        claimed = prompt_store.get_store().next_queued_user_prompts(limit)
        return [QueuedPrompt.from_store(row.id, row.text, row.language, row.metadata) for row in claimed]

    def finish(self, item: QueuedPrompt, outcome: PromptOutcome) -> None:
        if outcome.status == "failed" and item.user_prompt_id is not None:
            prompt_store.get_store().set_user_prompt_status(int(item.user_prompt_id), "failed")


def _run_name() -> str:
    prompts = flow_run.parameters.get("prompts")
    if prompts is not None:
        return f"batch-{len(prompts)}-prompts"
    return f"batch-queue-up-to-{flow_run.parameters.get('limit', '')}"


@flow(
    name="batch-videos",
    flow_run_name=_run_name,
    log_prints=True,
    persist_result=True,
    result_storage=result_storage(),
    on_failure=[notify_failure],
    on_crashed=[notify_failure],
)
def batch_videos(
    prompts: list[str] | None = None,
    limit: Annotated[int, Field(ge=1, le=MAX_BATCH)] = 10,
    max_parallel: Annotated[int, Field(ge=1, le=MAX_PARALLEL)] = 2,
    aspect: Aspect | None = None,
    scenes: SceneCount = None,
    duration_s: TargetDuration = None,
    language: LanguageTag = None,
    publish_target: PublishTarget = "local",
    output_dir: OutputFolder = None,
    deployment: str | None = None,
) -> list[PromptOutcome]:
    """Make a video for each prompt (at most `limit`), up to `max_parallel` at once.

    Each prompt's outcome is reported in a table artifact; the batch fails at the end if any prompt failed.

    Args:
        prompts: The prompts to make videos of. Empty: the queued user prompts (`p2v queue add`), oldest first.
        limit: At most this many videos in this run.
        max_parallel: Videos in progress at once; a pool's concurrency limit can hold them back further.
        aspect: Frame for every video (16:9, 9:16 or 1:1); a queued prompt's own choice wins.
        scenes: Scene count for every video; a queued prompt's own choice wins.
        duration_s: Target length in seconds; a queued prompt's own choice wins.
        language: Narration language code; a queued prompt's own choice wins.
        publish_target: local or youtube.
        output_dir: A folder inside P2V_OUTPUT_DIR to publish into. Empty: P2V_OUTPUT_DIR itself.
        deployment: Run each video as a run of this deployment (e.g. prompt-to-video/default), on its pool's
            workers. Empty: each video is a subflow in this run's process.
    """
    options = {
        "aspect": aspect,
        "scenes": scenes,
        "duration_s": duration_s,
        "language": language,
        "publish_target": publish_target,
        "output_dir": str(output_dir) if output_dir else None,
    }
    queue = prompt_queue(prompts)
    items = queue.take(limit)
    where = f"as runs of {deployment}" if deployment else "as subflows of this run"
    print(f"batch: {len(items)} prompts, up to {max_parallel} at once, {where}")
    outcomes = _fan_out(items, options, deployment, max_parallel)
    for item, outcome in zip(items, outcomes, strict=True):
        queue.finish(item, outcome)
    _outcomes_artifact(outcomes)
    failed = [o for o in outcomes if o.status == "failed"]
    print(f"batch: {len(outcomes) - len(failed)} of {len(outcomes)} videos made")
    if failed:
        raise StepError("batch", f"{len(failed)} of {len(outcomes)} prompts failed: {failed[0].error}")
    return outcomes


def _fan_out(
    items: list[QueuedPrompt], options: dict[str, Any], deployment: str | None, max_parallel: int
) -> list[PromptOutcome]:
    """Submit one `make_video` per item, never more than `max_parallel` unfinished; outcomes in item order."""
    futures: list[PrefectFuture[PromptOutcome]] = []
    in_flight: list[PrefectFuture[PromptOutcome]] = []
    for item in items:
        if len(in_flight) >= max_parallel:
            in_flight.remove(next(as_completed(in_flight)))
        future = make_video.submit(item, {**options, **item.options}, deployment)
        futures.append(future)
        in_flight.append(future)
    return [_settled(item, future) for item, future in zip(items, futures, strict=True)]


def _settled(item: QueuedPrompt, future: PrefectFuture[PromptOutcome]) -> PromptOutcome:
    outcome = future.result(raise_on_failure=False)
    if isinstance(outcome, PromptOutcome):
        return outcome
    return PromptOutcome(prompt=item.prompt, status="failed", error=f"make_video: {outcome}")


@task(
    name="make_video",
    task_run_name="{item.run_name}",
    cache_policy=NO_CACHE,
    timeout_seconds=step_timeout() * VIDEO_TIMEOUT_STEPS,
)
def make_video(item: QueuedPrompt, options: dict[str, Any], deployment: str | None) -> PromptOutcome:
    """One video of the batch, as a subflow or a run of `deployment`; a failure becomes a failed outcome."""
    parameters = {"prompt": item.prompt, **options, **_queued(item)}
    if deployment:
        outcome = _deployment_video(item, parameters, deployment)
    else:
        state = prompt_to_video(**parameters, return_state=True)
        outcome = _outcome(item, state, str(state.state_details.flow_run_id))
    print(f"{outcome.status}: {item.prompt[:60]!r} {outcome.url or outcome.error or ''}")
    return outcome


def _deployment_video(item: QueuedPrompt, parameters: dict[str, Any], deployment: str) -> PromptOutcome:
    """A run of `deployment`; one the server refuses (a parameter its schema rejects) is a failed outcome."""
    try:
        run = run_named(deployment, {k: v for k, v in parameters.items() if v is not None}, item.run_name)
    except ObjectNotFound:
        return _refused(item, f"deployment {deployment!r} is not on the Prefect server")
    except PrefectHTTPStatusError as exc:
        return _refused(item, f"{deployment} refused the run: {_detail(exc)}")
    return _outcome(item, run.state, str(run.id))


def _refused(item: QueuedPrompt, error: str) -> PromptOutcome:
    get_run_logger().warning("video %s not started: %s", item.run_name, error)
    return PromptOutcome(prompt=item.prompt, status="failed", error=error)


def _detail(exc: PrefectHTTPStatusError) -> str:
    try:
        return str(exc.response.json().get("detail", exc.response.status_code))
    except ValueError:
        return str(exc.response.status_code)


def _queued(item: QueuedPrompt) -> dict[str, int]:
    """The flow parameter that ties a run to its queued user prompt, so it is not recorded twice."""
    return {"user_prompt_id": int(item.user_prompt_id)} if item.user_prompt_id else {}


def _outcome(item: QueuedPrompt, state: State | None, flow_run_id: str) -> PromptOutcome:
    if state is not None and state.is_completed():
        publication = state.result(raise_on_failure=False)
        url = getattr(publication, "url", None)
        return PromptOutcome(prompt=item.prompt, status="completed", flow_run_id=flow_run_id, url=url)
    error = f"{state.name}: {state.message}" if state is not None else "no final state"
    get_run_logger().warning("video %s failed: %s", item.run_name, error)
    return PromptOutcome(prompt=item.prompt, status="failed", flow_run_id=flow_run_id, error=error)


def _outcomes_artifact(outcomes: list[PromptOutcome]) -> None:
    create_table_artifact(
        key="batch-outcomes",
        table=[o.model_dump(mode="json") for o in outcomes],
        description=f"{sum(o.status == 'completed' for o in outcomes)} of {len(outcomes)} videos made",
    )
