"""State hooks: a failed video or batch run tells someone, through a Prefect notification block.

P2V_NOTIFY_BLOCK names a saved block ('slack-webhook/ops', 'custom-webhook/p2v', ...); otherwise
P2V_NOTIFY_WEBHOOK_URL gets a JSON POST {"subject": ..., "body": ...} through a CustomWebhookNotificationBlock.
With neither set the hook does nothing. A failing notification is logged, never raised: it must not hide the
run's own failure.
"""

import logging
from typing import Any

from prefect.blocks.core import Block
from prefect.blocks.notifications import CustomWebhookNotificationBlock
from prefect.client.orchestration import get_client
from prefect.client.schemas.filters import FlowRunFilter, FlowRunFilterId, TaskRunFilter, TaskRunFilterStateType
from prefect.client.schemas.objects import FlowRun, StateType
from prefect.states import State
from pydantic import BaseModel, SecretStr

from services.settings import Settings, get_settings

logger = logging.getLogger("p2v.notify")
MAX_MESSAGE_CHARS = 1000
FAILED_TASK_STATES = [StateType.FAILED, StateType.CRASHED]


class FailureNotice(BaseModel):
    """What a notification says about one failed run: no parameters, no settings, secrets scrubbed."""

    flow: str
    flow_run: str
    flow_run_id: str
    state: str
    failed_step: str
    message: str

    def subject(self) -> str:
        return f"prompt-to-video: {self.flow} run {self.flow_run} {self.state.lower()}"

    def body(self) -> str:
        return (
            f"Flow {self.flow}, run {self.flow_run} ({self.flow_run_id}) ended {self.state} "
            f"at step {self.failed_step}: {self.message}"
        )


def notify_failure(flow: Any, flow_run: FlowRun, state: State) -> None:
    """`on_failure`/`on_crashed` hook of the video and batch flows."""
    settings = get_settings()
    block = notification_block(settings)
    if block is None:
        return
    notice = failure_notice(flow.name, flow_run, state, settings)
    try:
        block.notify(body=notice.body(), subject=notice.subject())
    except Exception as exc:  # noqa: BLE001 - see module docstring
        logger.warning("failure notification for run %s not sent: %s", flow_run.name, type(exc).__name__)


def notification_block(settings: Settings) -> Any | None:
    """The configured notification block, or None when notifications are off."""
    if settings.notify_block:
        return Block.load(settings.notify_block)
    if settings.notify_webhook_url is None or not settings.notify_webhook_url.get_secret_value():
        return None
    return CustomWebhookNotificationBlock(
        name="p2v-failure",
        url=settings.notify_webhook_url.get_secret_value(),
        json_data={"subject": "{{subject}}", "body": "{{body}}"},
    )


def failure_notice(flow_name: str, flow_run: FlowRun, state: State, settings: Settings) -> FailureNotice:
    message = scrub(state.message or "", settings)[:MAX_MESSAGE_CHARS]
    return FailureNotice(
        flow=flow_name,
        flow_run=flow_run.name,
        flow_run_id=str(flow_run.id),
        state=state.name or str(state.type.value),
        failed_step=_failed_steps(flow_run) or "flow",
        message=message,
    )


def _failed_steps(flow_run: FlowRun) -> str:
    """The task runs of this flow run that failed or crashed, by name (the step the failure is in)."""
    try:
        with get_client(sync_client=True) as client:
            runs = client.read_task_runs(
                flow_run_filter=FlowRunFilter(id=FlowRunFilterId(any_=[flow_run.id])),
                task_run_filter=TaskRunFilter(state=dict(type=TaskRunFilterStateType(any_=FAILED_TASK_STATES))),
            )
    except Exception as exc:  # noqa: BLE001 - the notice still goes out, naming the flow
        logger.warning("failed steps of run %s not read: %s", flow_run.name, type(exc).__name__)
        return ""
    return ", ".join(sorted({run.name for run in runs}))


def scrub(text: str, settings: BaseModel) -> str:
    """`text` with the value of every secret setting (nested ones too) replaced by '***'."""
    for name in type(settings).model_fields:
        value = getattr(settings, name)
        if isinstance(value, BaseModel):
            text = scrub(text, value)
        elif isinstance(value, SecretStr) and len(value.get_secret_value()) >= 4:
            text = text.replace(value.get_secret_value(), "***")
    return text
