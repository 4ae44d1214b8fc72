"""Admission control: at most N runs started by the API in flight, globally and per user.

"In flight" is asked of Prefect (runs tagged by the API, not in a final state), so runs started by an earlier API
process count too. The check and the start happen under one lock, so two concurrent POSTs cannot both take the
last slot. The lock lives in this process: with several API processes, the bound holds per process.
"""

import asyncio
from collections.abc import Awaitable, Callable

from prefect.client.orchestration import get_client
from prefect.client.schemas.filters import (
    FlowRunFilter,
    FlowRunFilterState,
    FlowRunFilterStateType,
    FlowRunFilterTags,
)
from prefect.client.schemas.objects import FlowRun, StateType

from api.rest_errors import RunsBusy
from services.run_tags import API_TAG, user_tag

FINAL_STATES = [StateType.COMPLETED, StateType.FAILED, StateType.CANCELLED, StateType.CRASHED]
RETRY_AFTER_S = 30


class Admission:
    """Starts a run only when both bounds leave room; else raises RunsBusy (429)."""

    def __init__(self, *, max_runs: int, max_runs_per_user: int) -> None:
        self.max_runs = max_runs
        self.max_runs_per_user = max_runs_per_user
        self._lock: asyncio.Lock | None = None

    async def start(self, username: str, start: Callable[[], Awaitable[FlowRun]]) -> FlowRun:
        async with self._get_lock():
            total = await in_flight([API_TAG])
            if total >= self.max_runs:
                raise RunsBusy(
                    f"{total} runs are in flight (the limit is {self.max_runs}); try again later", RETRY_AFTER_S
                )
            mine = await in_flight([API_TAG, user_tag(username)])
            if mine >= self.max_runs_per_user:
                raise RunsBusy(
                    f"you have {mine} runs in flight (the limit is {self.max_runs_per_user}); try again later",
                    RETRY_AFTER_S,
                )
            return await start()

    def _get_lock(self) -> asyncio.Lock:
        if self._lock is None:
            self._lock = asyncio.Lock()
        return self._lock


async def in_flight(tags: list[str]) -> int:
    """Flow runs carrying all `tags` that are not in a final state (scheduled, pending, running, paused...)."""
    async with get_client() as client:
        return await client.count_flow_runs(
            flow_run_filter=FlowRunFilter(
                tags=FlowRunFilterTags(all_=tags),
                state=FlowRunFilterState(type=FlowRunFilterStateType(not_any_=FINAL_STATES)),
            )
        )
