"""Waiting for what a served deployment or a Prefect server creates in the background."""

import asyncio
import time

from prefect.client.orchestration import get_client


def wait_for_deployment(name: str, timeout_s: float = 120) -> None:
    """Block until the deployment `flow/deployment` exists on the current Prefect API (served in another process)."""

    async def exists() -> bool:
        async with get_client() as prefect:
            try:
                await prefect.read_deployment_by_name(name)
                return True
            except Exception:  # noqa: BLE001 - not there yet
                return False

    deadline = time.monotonic() + timeout_s
    while not asyncio.run(exists()):
        if time.monotonic() > deadline:
            raise TimeoutError(f"the served deployment {name} never appeared")
        time.sleep(1)
