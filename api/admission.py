"""Admission control: at most N runs started by the API in flight, globally and per user.

"In flight" is asked of Prefect (runs tagged by the API, not in a final state), so runs started by an earlier API
process count too. The check and the start happen under one lock, so two concurrent POSTs cannot both take the
last slot. The lock lives in this process: with several API processes, the bound holds per process.
"""

import asyncio
import time
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
FULL_MEMO_S = 2.0


class Admission:
    """Starts a run only when both bounds leave room; else raises RunsBusy (429).

    One Prefect query per admitted request. When the global bound is reached, later requests are refused from
    memory for `FULL_MEMO_S` (nothing was admitted meanwhile, so only a finished run could have freed a slot):
    50 concurrent POSTs then cost one query, not 50 queued behind the lock."""

    def __init__(self, *, max_runs: int, max_runs_per_user: int, clock: Callable[[], float] = time.monotonic) -> None:
        self.max_runs = max_runs
        self.max_runs_per_user = max_runs_per_user
        self._clock = clock
        self._full_until = 0.0
        self._lock: asyncio.Lock | None = None

    async def start(self, username: str, start: Callable[[], Awaitable[FlowRun]]) -> FlowRun:
        async with self._get_lock():
            if self._clock() < self._full_until:
                raise self._busy_all(self.max_runs)
            runs = await in_flight_runs(limit=self.max_runs)
            if len(runs) >= self.max_runs:
                self._full_until = self._clock() + FULL_MEMO_S
                raise self._busy_all(len(runs))
            mine = sum(user_tag(username) in run.tags for run in runs)
            if mine >= self.max_runs_per_user:
                raise RunsBusy(
                    f"you have {mine} runs in flight (the limit is {self.max_runs_per_user}); try again later",
                    RETRY_AFTER_S,
                )
            flow_run = await start()
            if len(runs) + 1 >= self.max_runs:  # this run took the last slot: the next caller need not ask Prefect
                self._full_until = self._clock() + FULL_MEMO_S
            return flow_run

    def _busy_all(self, count: int) -> RunsBusy:
        return RunsBusy(f"{count} runs are in flight (the limit is {self.max_runs}); try again later", RETRY_AFTER_S)

    def _get_lock(self) -> asyncio.Lock:
        if self._lock is None:
            self._lock = asyncio.Lock()
        return self._lock


async def in_flight_runs(*, limit: int) -> list[FlowRun]:
    """Up to `limit` runs started by the API that are not in a final state (scheduled, pending, running...)."""
    async with get_client() as client:
        return await client.read_flow_runs(
            flow_run_filter=FlowRunFilter(
                tags=FlowRunFilterTags(all_=[API_TAG]),
                state=FlowRunFilterState(type=FlowRunFilterStateType(not_any_=FINAL_STATES)),
            ),
            limit=limit,
        )
