"""Compose as its own flow, so it can run on its own work pool (a bigger machine) via `run_deployment`."""

from prefect import flow
from prefect.runtime import flow_run

from flows.deployment_runs import run_named
from services.exceptions import StepError
from services.models import RenderedVideo, Timeline
from services.publish.local import slugify
from services.settings import get_settings
from tasks.compose import compose_video
from tasks.compose_segments import join_segments, plan_segments, render_segment, render_sound, write_extras
from tasks.resume import result_storage
from tasks.segment_workers import check_workers_serving, render_on_task_workers


def _run_name() -> str:
    timeline = flow_run.parameters.get("timeline") or {}
    title = timeline.get("title", "") if isinstance(timeline, dict) else getattr(timeline, "title", "")
    return f"compose-{slugify(str(title), max_len=48)}"


@flow(name="compose-video", flow_run_name=_run_name, persist_result=True, result_storage=result_storage())
def compose_video_flow(timeline: Timeline) -> RenderedVideo:
    """Render one timeline; deployed as `compose-video/compose` on the compose work pool."""
    return compose_here(timeline)


def compose_here(timeline: Timeline) -> RenderedVideo:
    """In this flow run: in segments when P2V_COMPOSE_SEGMENTS is on, else by the one-graph compose_video task."""
    return compose_in_segments(timeline) if get_settings().compose_segments else compose_video(timeline)


def compose_in_segments(timeline: Timeline) -> RenderedVideo:
    """Segments mapped over the task runner while the sound and the extras render beside them, then one join."""
    if get_settings().segment_runner == "task-workers":
        return compose_on_task_workers(timeline)
    plan = plan_segments(timeline)
    sound = render_sound.submit(timeline)
    extras = write_extras.submit(timeline)
    segments = render_segment.map(plan.jobs)
    return join_segments.submit(timeline, segments, sound, extras).result()


def compose_on_task_workers(timeline: Timeline) -> RenderedVideo:
    """Segments and the sound as background task runs on `p2v worker segments` processes (any machine), the extras
    beside them here, then the join here."""
    check_workers_serving()
    plan = plan_segments(timeline)
    extras = write_extras.submit(timeline)
    segments, sound = render_on_task_workers(timeline, plan)
    return join_segments.submit(timeline, segments, sound, extras).result()


def compose(timeline: Timeline) -> RenderedVideo:
    """Compose in this flow run, or as a run of P2V_COMPOSE_DEPLOYMENT when that is set.

    The deployment's worker must reach the same storage: P2V_STORAGE_URL (object storage), or a shared volume.
    """
    deployment = get_settings().compose_deployment
    if not deployment:
        return compose_here(timeline)
    name = f"compose-{slugify(timeline.title, max_len=48)}"
    run = run_named(deployment, {"timeline": timeline.model_dump(mode="json")}, name)
    state = run.state
    if state is None or not state.is_completed():
        detail = f"{state.name}: {state.message}" if state else "no state"
        raise StepError("compose", f"compose deployment {deployment!r} run {run.name} ended {detail}")
    return state.result()
