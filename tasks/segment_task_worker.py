"""Prefect's TaskWorker, made to give back on stop the runs it has taken but not started.

The server pushes a background task run to a subscribed worker, which acknowledges it at once and only then waits
for a free slot of its limit. A run held that way when the worker stops is lost: the server has dropped it from its
queue, its state is still Scheduled, no other worker gets it, and the compose run waits until P2V_TASK_TIMEOUT_S.
(A run pushed but not yet acknowledged is safe: the server queues it again when the subscription closes.)

`stop_taking` closes the subscription at once, so the server stops counting this worker and re-queues what it had
pushed, and proposes each held run's Scheduled state again: the server enqueues a deferred run on every transition
into Scheduled (its `EnqueueScheduledTasks` rule), with the same parameters id, for any worker to take.
"""

import contextlib
from typing import Any
from uuid import UUID

import httpx
from prefect import Task
from prefect.client.orchestration import get_client
from prefect.client.schemas.objects import TaskRun
from prefect.client.schemas.responses import SetStateStatus
from prefect.client.subscriptions import Subscription
from prefect.exceptions import PrefectHTTPStatusError
from prefect.settings import get_current_settings
from prefect.states import Scheduled
from prefect.task_worker import TaskWorker, logger


class HandingBackTaskWorker(TaskWorker):
    """A TaskWorker that knows which delivered runs wait for a slot (`held`) and can hand them back."""

    def __init__(self, *tasks: Task[..., Any], limit: int) -> None:
        super().__init__(*tasks, limit=limit)
        self.held: dict[UUID, str] = {}
        self._subscription: Subscription[TaskRun] | None = None

    async def _subscribe_to_task_scheduling(self) -> None:
        """Prefect's loop (task_worker.py), keeping the subscription and the runs waiting for a slot."""
        base_url = get_current_settings().api.url
        if base_url is None:
            raise ValueError("PREFECT_API_URL must be set to use a task worker")
        self._subscription = Subscription(
            model=TaskRun,
            path="/task_runs/subscriptions/scheduled",
            keys=self.task_keys,
            client_id=self.client_id,
            base_url=base_url,
        )
        async for task_run in self._subscription:
            logger.info(f"Received task run: {task_run.id} - {task_run.name}")
            self.held[task_run.id] = task_run.name
            acquired = await self._acquire_token(task_run.id)
            del self.held[task_run.id]
            if acquired and self._runs_task_group is not None:
                self._runs_task_group.start_soon(self._safe_submit_scheduled_task_run, task_run)

    async def stop_taking(self) -> list[str]:
        """After the subscription's asyncio task is cancelled: close it, hand back the held runs ('name id' each)."""
        if self._subscription is not None:
            with contextlib.suppress(RuntimeError):  # never connected
                await self._subscription.websocket.close()
        handed = []
        for run_id, name in list(self.held.items()):
            try:
                if await hand_back(run_id):
                    handed.append(f"{name} {run_id}")
            except (httpx.HTTPError, PrefectHTTPStatusError) as exc:
                logger.warning(f"could not hand back {name} {run_id} ({type(exc).__name__}): it waits for the timeout")
        self.held.clear()
        return handed


async def hand_back(run_id: UUID) -> bool:
    """Re-propose a still Scheduled background run's state, so the server queues it again; False if it moved on."""
    async with get_client() as client:
        run = await client.read_task_run(run_id)
        if run.state is None or not run.state.is_scheduled():
            return False
        details = run.state.state_details.model_copy(update={"scheduled_time": None})
        result = await client.set_task_run_state(run_id, Scheduled(state_details=details, message="handed back"))
    return result.status == SetStateStatus.ACCEPT
