"""The deployments of prefect.yaml, run by process workers against a real local Prefect server."""

from pathlib import Path

from prefect.client.schemas.filters import (
    ArtifactFilter,
    ArtifactFilterFlowRunId,
    ArtifactFilterKey,
    FlowFilter,
    FlowFilterName,
    FlowRunFilter,
    FlowRunFilterParentFlowRunId,
)

from deployments.local_server import LocalPrefect
from services.ffmpeg import probe
from tests.ops.conftest import CONCURRENCY_LIMITS, SMALL_VIDEO, output_dir, run_deployment_cli

EXPECTED_DEPLOYMENTS = [
    "batch-videos/default",
    "batch-videos/nightly",
    "compose-video/compose",
    "prompt-to-video/default",
    "prompt-to-video/two-pools",
]


def test_deploy_all_registers_every_deployment_with_its_schedule(deployed: LocalPrefect, client) -> None:
    names = sorted(f"{client.read_flow(d.flow_id).name}/{d.name}" for d in client.read_deployments())
    assert names == EXPECTED_DEPLOYMENTS
    nightly = client.read_deployment_by_name("batch-videos/nightly")
    assert [(s.schedule.cron, s.schedule.timezone) for s in nightly.schedules] == [("0 6 * * *", "Europe/Berlin")]
    assert nightly.parameters["aspect"] == "9:16"
    limits = {limit.tag: limit.concurrency_limit for limit in client.read_concurrency_limits(limit=10, offset=0)}
    assert limits == CONCURRENCY_LIMITS


def test_default_deployment_makes_the_video_for_a_prompt_with_quotes(deployed: LocalPrefect, client) -> None:
    prompt = 'He said "hello" to the sea, and it\'s calm'
    run_id = run_deployment_cli(
        deployed, "prompt-to-video/default", "-p", f'prompt="{_json_escape(prompt)}"', *SMALL_VIDEO
    )
    run = client.read_flow_run(run_id)
    assert run.state.is_completed() and run.name == "video-he-said-hello-to-the-sea-and-it-s-calm"
    assert run.parameters["prompt"] == prompt
    publication = run.state.result()
    video = Path(publication.url.removeprefix("file://"))
    assert video.is_file() and video.parent.parent == output_dir(deployed)
    assert probe(video).width == 1080 and probe(video).duration_s > 4
    keys = {a.key for a in _artifacts(client, run.id)}
    assert {"storyboard", "chosen-media", "compose-progress", "video"} <= keys


def test_batch_makes_three_videos_and_reports_the_prompt_that_failed(deployed: LocalPrefect, client) -> None:
    prompts = '["Lighthouse in a storm", "A quiet library \\"after hours\\"", "Desert road at noon", "   "]'
    run_id = run_deployment_cli(
        deployed, "batch-videos/default", "-p", f"prompts={prompts}", *SMALL_VIDEO, expect_ok=False
    )
    run = client.read_flow_run(run_id)
    assert run.state.is_failed() and "1 of 4 prompts failed" in run.state.message
    [table] = _artifacts(client, run.id, key="batch-outcomes")
    rows = _table_rows(table.data)
    assert [r["status"] for r in rows] == ["completed", "completed", "completed", "failed"]
    assert all(Path(r["url"].removeprefix("file://")).is_file() for r in rows[:3])
    children = client.read_flow_runs(
        flow_run_filter=FlowRunFilter(parent_flow_run_id=FlowRunFilterParentFlowRunId(any_=[run.id]))
    )
    assert len(children) == 4


def test_two_pools_deployment_composes_on_the_compose_pool(deployed: LocalPrefect, client) -> None:
    run_id = run_deployment_cli(
        deployed, "prompt-to-video/two-pools", "-p", "prompt=Rainy harbour at night", *SMALL_VIDEO
    )
    run = client.read_flow_run(run_id)
    assert run.state.is_completed()
    composes = client.read_flow_runs(
        flow_filter=FlowFilter(name=FlowFilterName(any_=["compose-video"])),
        flow_run_filter=FlowRunFilter(parent_flow_run_id=FlowRunFilterParentFlowRunId(any_=[run.id])),
    )
    assert len(composes) == 1 and composes[0].state.is_completed()
    assert client.read_work_pool("p2v-compose").name == "p2v-compose"
    deployment = client.read_deployment(composes[0].deployment_id)
    assert deployment.work_pool_name == "p2v-compose"
    assert Path(run.state.result().url.removeprefix("file://")).is_file()


def _artifacts(client, flow_run_id, key: str | None = None) -> list:  # noqa: ANN001
    only = ArtifactFilter(
        flow_run_id=ArtifactFilterFlowRunId(any_=[flow_run_id]), key=ArtifactFilterKey(any_=[key]) if key else None
    )
    return client.read_artifacts(artifact_filter=only)


def _json_escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace('"', '\\"')


def _table_rows(data: str) -> list[dict]:
    import json

    return json.loads(data)


def test_batch_can_run_each_prompt_as_a_run_of_a_deployment(deployed: LocalPrefect, client) -> None:
    params = ["-p", 'prompts=["Harbour cranes at sunset"]', "-p", "deployment=prompt-to-video/default"]
    run = client.read_flow_run(run_deployment_cli(deployed, "batch-videos/default", *params, *SMALL_VIDEO))
    [outcome] = run.state.result()
    assert outcome.status == "completed" and Path(outcome.url.removeprefix("file://")).is_file()
    child = client.read_flow_run(outcome.flow_run_id)
    assert child.deployment_id == client.read_deployment_by_name("prompt-to-video/default").id
