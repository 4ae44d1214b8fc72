"""The batch flow: a video for each prompt of a list, or for each queued user prompt; one failure stops no other."""

from pathlib import Path
from typing import Annotated, Any

from prefect import flow
from prefect.artifacts import create_table_artifact
from prefect.client.schemas.objects import FlowRun
from prefect.deployments import run_deployment
from prefect.runtime import flow_run
from prefect.states import State
from pydantic import Field

import prompt_store
from flows.prompt_to_video import prompt_to_video
from services.batch import ListQueue, PromptOutcome, PromptQueue, QueuedPrompt
from services.exceptions import StepError
from services.models import Aspect, LanguageTag, PublishTarget, SceneCount, TargetDuration
from tasks.resume import result_storage

MAX_BATCH = 100
POLL_INTERVAL_S = 2


def prompt_queue(prompts: list[str] | None) -> PromptQueue:
    """The prompts given as a parameter, or else the prompt store's queue of user prompts."""
    if prompts is not None:
        return ListQueue(prompts)
    return StoreQueue()


class StoreQueue:
    """The prompt store's queue of user prompts; a made video marks its prompt done through its lineage."""

    def take(self, limit: int) -> list[QueuedPrompt]:
        claimed = prompt_store.get_store().next_queued_user_prompts(limit)
        return [QueuedPrompt(prompt=row.text, user_prompt_id=str(row.id)) for row in claimed]

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
)
def batch_videos(
    prompts: list[str] | None = None,
    limit: Annotated[int, Field(ge=1, le=MAX_BATCH)] = 10,
    aspect: Aspect | None = None,
    scenes: SceneCount = None,
    duration_s: TargetDuration = None,
    language: LanguageTag = None,
    publish_target: PublishTarget = "local",
    output_dir: Path | None = None,
    deployment: str | None = None,
) -> list[PromptOutcome]:
    """Make a video for each prompt (at most `limit`), as subflows or as runs of `deployment` when given.

    Each prompt's outcome is reported in a table artifact; the batch fails at the end if any prompt failed.
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
    outcomes = []
    for item in queue.take(limit):
        outcome = _make_video(item, options, deployment)
        queue.finish(item, outcome)
        outcomes.append(outcome)
        print(f"{outcome.status}: {item.prompt[:60]!r} {outcome.url or outcome.error or ''}")
    _outcomes_artifact(outcomes)
    failed = [o for o in outcomes if o.status == "failed"]
    if failed:
        raise StepError("batch", f"{len(failed)} of {len(outcomes)} prompts failed: {failed[0].error}")
    return outcomes


def _make_video(item: QueuedPrompt, options: dict[str, Any], deployment: str | None) -> PromptOutcome:
    if deployment:
        run: FlowRun = run_deployment(
            deployment,
            parameters={"prompt": item.prompt, **options, **_queued(item)},
            poll_interval=POLL_INTERVAL_S,
        )
        return _outcome(item, run.state, str(run.id))
    state = prompt_to_video(prompt=item.prompt, **options, **_queued(item), return_state=True)
    return _outcome(item, state, str(state.state_details.flow_run_id))


def _queued(item: QueuedPrompt) -> dict[str, int]:
    """The flow parameter that ties a run to its queued user prompt, so it is not recorded twice."""
    return {"user_prompt_id": int(item.user_prompt_id)} if item.user_prompt_id else {}


def _outcome(item: QueuedPrompt, state: State | None, flow_run_id: str) -> PromptOutcome:
    if state is not None and state.is_completed():
        publication = state.result(raise_on_failure=False)
        url = getattr(publication, "url", None)
        return PromptOutcome(prompt=item.prompt, status="completed", flow_run_id=flow_run_id, url=url)
    error = f"{state.name}: {state.message}" if state is not None else "no final state"
    return PromptOutcome(prompt=item.prompt, status="failed", flow_run_id=flow_run_id, error=error)


def _outcomes_artifact(outcomes: list[PromptOutcome]) -> None:
    create_table_artifact(
        key="batch-outcomes",
        table=[o.model_dump(mode="json") for o in outcomes],
        description=f"{sum(o.status == 'completed' for o in outcomes)} of {len(outcomes)} videos made",
    )
