"""Helpers of the REST API tests: a deployment nobody serves (runs stay scheduled) and cleanup of API runs."""

import asyncio
from collections.abc import Callable, Iterator

import pytest
from prefect.client.orchestration import get_client
from prefect.client.schemas.filters import FlowRunFilter, FlowRunFilterState, FlowRunFilterStateType, FlowRunFilterTags
from prefect.states import Cancelled

from api.admission import FINAL_STATES
from prompt_store.users import UserHasToken, get_user_tokens
from services.run_tags import API_TAG

UNSERVED = "prompt-to-video/unserved"


def cancel_api_runs() -> None:
    """Cancel every run of the API not finished yet, so the next test starts with free admission slots."""

    async def cancel() -> None:
        async with get_client() as client:
            runs = await client.read_flow_runs(
                flow_run_filter=FlowRunFilter(
                    tags=FlowRunFilterTags(all_=[API_TAG]),
                    state=FlowRunFilterState(type=FlowRunFilterStateType(not_any_=FINAL_STATES)),
                )
            )
            for run in runs:
                await client.set_flow_run_state(run.id, Cancelled(), force=True)

    asyncio.run(cancel())


@pytest.fixture(scope="module")
def unserved_deployment(prefect_harness: None) -> Iterator[str]:
    """A deployment with no worker: accepted runs stay scheduled, so they hold their admission slot."""

    async def create() -> None:
        async with get_client() as client:
            flow_id = await client.create_flow_from_name("prompt-to-video")
            await client.create_deployment(flow_id=flow_id, name="unserved")

    asyncio.run(create())
    cancel_api_runs()
    yield UNSERVED
    cancel_api_runs()


@pytest.fixture(scope="session")
def api_user_token() -> Callable[[str], str]:
    """`api_user_token(name)`: a valid token of user `name` in the session's database (made once)."""
    tokens: dict[str, str] = {}

    def token(name: str) -> str:
        if name not in tokens:
            users = get_user_tokens()
            try:
                tokens[name] = users.add(name)
            except UserHasToken:
                tokens[name] = users.rotate(name)
        return tokens[name]

    return token
